import { count } from "@/lib/format";
import { Name } from "../name";
import type { Confusion } from "./matrix-view";

/** The most frequent off-diagonal cells, as a reading list. */
export function TopConfusions({ confusions, limit = 10 }: { confusions: Confusion[]; limit?: number }) {
  if (confusions.length === 0) return <p className="text-sm text-muted">No confusions: every readable answer named the right intent.</p>;
  return (
    <ol className="list-decimal space-y-1 pl-6 text-sm">
      {confusions.slice(0, limit).map((item) => (
        <li key={`${item.expected}/${item.predicted}`} data-testid="top-confusion">
          <code className="text-ink"><Name text={item.expected} /></code> <span className="text-muted">read as</span>{" "}
          <code className="text-bad"><Name text={item.predicted} max={40} /></code>: <span className="tabular-nums">{count(item.n)} of {count(item.support)} cases</span>
        </li>
      ))}
    </ol>
  );
}
