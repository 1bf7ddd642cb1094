import { Name } from "../name";

/** The pinned first column of a matrix (the ground-truth intent), also the corner cell. */
export const stickyCell = "sticky left-0 z-10 border-b border-r border-line bg-white";

/** Longest intent shown whole in a header: a predicted intent is model output and may be thousands of characters. */
export const HEADER_MAX = 24;

/** A predicted intent's column header of the confusion and delta matrices, written upwards. */
export function ColumnHeader({ intent, title, unknown = false }: { intent: string; title: string; unknown?: boolean }) {
  return (
    <th scope="col" title={title} className={`border-b border-r border-line px-1 py-2 align-bottom font-medium${unknown ? " bg-amber-50 text-amber-950" : ""}`}>
      <span className="inline-block whitespace-nowrap [writing-mode:vertical-rl] rotate-180">
        <Name text={intent} max={HEADER_MAX} />
        {unknown ? <span className="ml-1 rounded bg-amber-200 px-0.5 py-1 text-[10px] uppercase">unknown</span> : null}
      </span>
    </th>
  );
}
