import { Notice } from "../notice";

const legend = "text-xs font-medium uppercase tracking-wide text-muted";

/**
 * Says whose policy verdicts a page counts, and lets the reader show one
 * judge's alone (`?judge=`, a plain GET form: the URL is the state).
 * `hidden`: the page's other parameters, kept when the judge changes.
 */
export function JudgeView({ judges, primary, shown, unknown, hidden = [] }: { judges: string[]; primary: string | null; shown: string | null; unknown: string | null; hidden?: [string, string][] }) {
  return (
    <div className="space-y-2">
      {unknown !== null ? <Notice testId="judge-notice">No judge named <bdi>&ldquo;{unknown}&rdquo;</bdi> in this project: showing the counted verdicts.</Notice> : null}
      <form method="get" aria-label="Whose policy verdicts" className="flex flex-wrap items-end gap-3">
        {hidden.map(([name, value], i) => <input key={i} type="hidden" name={name} value={value} />)}
        <div>
          <label htmlFor="judge-view" className={legend}>Policy verdicts of</label>
          <select id="judge-view" name="judge" defaultValue={shown ?? ""} className="mt-1 block rounded border border-line bg-white px-2 py-1 text-sm">
            <option value="">{primary === null ? "the latest verdict of any judge" : `the primary judge (${primary})`}</option>
            {judges.map((name) => <option key={name} value={name}>{name} alone</option>)}
          </select>
        </div>
        <button type="submit" className="rounded border border-line bg-white px-3 py-1 text-sm hover:bg-canvas">Show</button>
      </form>
      <JudgeShown primary={primary} shown={shown} />
    </div>
  );
}

/** One sentence: whose policy verdicts the page's figures count. */
export function JudgeShown({ primary, shown = null }: { primary: string | null; shown?: string | null }) {
  return (
    <p className="text-sm text-muted" data-testid="judge-shown">
      {shown !== null ? <>Policy figures count <bdi className="font-medium text-ink">{shown}</bdi>&apos;s verdicts alone; completions it has not judged are pending here.</>
        : primary !== null ? <>Policy verdicts are the primary judge <bdi className="font-medium text-ink">{primary}</bdi>&apos;s; completions it has not judged are pending.</>
        : <>Policy verdicts are each completion&apos;s most recent one, from any judge (no primary judge is set).</>}
    </p>
  );
}
