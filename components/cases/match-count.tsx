"use client";

/**
 * The table's number of matches: exact as the page is sent, or a lower bound
 * (when counting every match takes longer than the page waits) that the exact
 * number replaces when it arrives later on the same response.
 */
import { useEffect, useState } from "react";
import { count } from "@/lib/format";

type Later = { state: "counting" } | { state: "done"; n: number } | { state: "gave up" };

export function MatchCount({ n, exact, later, unit, laterPage }: { n: number | null; exact: boolean; later: Promise<number | null> | null; unit: "case" | "completion"; laterPage: boolean }) {
  const [result, setResult] = useState<Later>({ state: "counting" });
  useEffect(() => {
    if (later === null) return;
    let live = true;
    later.then(
      (exactN) => live && setResult(exactN === null ? { state: "gave up" } : { state: "done", n: exactN }),
      () => live && setResult({ state: "gave up" }),
    );
    return () => {
      live = false;
    };
  }, [later]);
  const known = exact ? n : result.state === "done" ? result.n : null;
  const shown = known ?? n;
  const noun = (count: number) => (unit === "case" ? (count === 1 ? "case matches" : "cases match") : count === 1 ? "completion matches" : "completions match");
  const counting = result.state === "counting" && later !== null;
  const page = laterPage ? <span className="text-muted"> · a later page</span> : null;
  if (shown === null) {
    return (
      <p className="text-sm text-ink" data-testid="count-lower-bound">
        {counting ? `Counting the matching ${unit}s…` : `Counting the matching ${unit}s was given up (it took too long, or too many counts were waiting).`}
        {page}
      </p>
    );
  }
  return (
    <p className="text-sm text-ink">
      {known === null ? "at least " : null}
      <span data-testid="match-count" className="font-semibold tabular-nums">{shown}</span> {noun(shown)}
      {known === null ? (
        <span className="text-muted" data-testid="count-lower-bound">
          {counting
            ? ` (this many are among the first ${count(100_000)} in order; counting every match, the exact number follows)`
            : ` (counting every match was given up: it took too long, or too many counts were waiting; this many are among the first ${count(100_000)} in order)`}
        </span>
      ) : null}
      {page}
    </p>
  );
}
