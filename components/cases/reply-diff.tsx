import { MAX_EDITS, type DiffPart } from "@/lib/text/diff";
import { ExpandableText } from "../expandable-text";
import { Name, shortName } from "../name";

/**
 * Two runs' replies as one text: words only the first run wrote struck out in
 * red, words only the second wrote in green. A plain GET form picks the two runs
 * (the rest of the address, `keep`, rides along). `parts` null: the replies
 * differ in too many places to mark (lib/text/diff.ts), which it says.
 */
export function ReplyDiff({ parts, a, b, runs, keep }: { parts: DiffPart[] | null; a: string; b: string; runs: string[]; keep: [string, string][] }) {
  return (
    <section aria-labelledby="diff-heading" className="space-y-2">
      <h2 id="diff-heading" className="text-lg font-semibold">
        Replies compared: <Name text={a} /> → <Name text={b} />
      </h2>
      <form method="get" aria-label="Choose two replies" className="flex flex-wrap items-end gap-3 text-sm">
        {keep.map(([name, value], i) => <input key={i} type="hidden" name={name} value={value} />)}
        {(["a", "b"] as const).map((side) => (
          <div key={side}>
            <label htmlFor={`diff-${side}`} className="block text-xs font-medium text-muted">{side === "a" ? "From" : "To"}</label>
            <select id={`diff-${side}`} name={side} defaultValue={side === "a" ? a : b} className="mt-1 block w-56 rounded-md border border-line bg-white px-3 py-1.5">
              {runs.map((run) => <option key={run} value={run} dir="auto">{shortName(run)}</option>)}
            </select>
          </div>
        ))}
        <button type="submit" className="rounded-md bg-ink px-3 py-1.5 font-medium text-white">Compare</button>
      </form>
      {parts === null ? (
        <p className="max-w-4xl text-sm text-muted" data-testid="reply-diff-too-different">
          These replies differ in more than {MAX_EDITS.toLocaleString("en-US")} places (words and spaces added or removed): too many to mark word by word. Read them side by side above.
        </p>
      ) : (
        <div className="max-w-4xl rounded-lg border border-line bg-white p-4">
          <ExpandableText text={parts.map((part) => part.text).join("")} testId="reply-diff" className="text-sm text-ink">
            {parts.map((part, i) =>
              part.kind === "same" ? <span key={i}>{part.text}</span>
              : part.kind === "removed" ? <del key={i} className="bg-bad/10 text-bad" data-kind="removed">{part.text}</del>
              : <ins key={i} className="bg-good/10 text-good no-underline" data-kind="added">{part.text}</ins>,
            )}
          </ExpandableText>
        </div>
      )}
    </section>
  );
}
