import { Name } from "../name";

/** With more runs than fit side by side, check boxes pick which to show (a plain GET form). */
export function RunPicker({ runs, shown, max, keep }: { runs: string[]; shown: string[]; max: number; keep: [string, string][] }) {
  return (
    <form method="get" aria-label="Runs side by side" className="flex flex-wrap items-center gap-x-4 gap-y-1 rounded-lg border border-line bg-white px-4 py-2 text-sm">
      {keep.map(([name, value], i) => <input key={i} type="hidden" name={name} value={value} />)}
      <span className="text-xs text-muted">{runs.length} runs answered; side by side at most {max}:</span>
      {runs.map((run) => (
        <label key={run} className="flex items-center gap-1.5">
          <input type="checkbox" name="show" value={run} defaultChecked={shown.includes(run)} className="accent-ink" />
          <Name text={run} max={30} />
        </label>
      ))}
      <button type="submit" className="rounded-md bg-ink px-3 py-1 font-medium text-white">Show</button>
    </form>
  );
}
