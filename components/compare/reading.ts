/** The one-sentence, plain-language reading of a comparison. Pure. */

function cases(n: number): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? "case" : "cases"}`;
}

export interface ReadingInput {
  a: string;
  b: string;
  onlyA: number;
  onlyB: number;
  /** Already formatted with its relation, e.g. "p = 1.20e-9" or "p < 1e-300". */
  p: string;
  significant: boolean;
}

/** The sentence in parts: plain text, and run names (untrusted, shown isolated). */
export type ReadingPart = string | { run: string };

export function comparisonReading({ a, b, onlyA, onlyB, p, significant }: ReadingInput): ReadingPart[] {
  if (onlyA + onlyB === 0) return [{ run: a }, " and ", { run: b }, " agree on every paired case, so there is no difference to test."];
  if (onlyA === onlyB) {
    return [`Each run succeeds on ${cases(onlyA)} where the other fails, so neither does better on these cases (${p}).`];
  }
  const [winner, loser, wins, losses] = onlyA > onlyB ? [a, b, onlyA, onlyB] : [b, a, onlyB, onlyA];
  const verdict = significant ? "" : ", so this is not good evidence that either run is better";
  return [{ run: winner }, ` succeeds on ${cases(wins)} where `, { run: loser }, ` fails, and the reverse happens on ${losses.toLocaleString("en-US")}; ` +
    `a difference this large would arise by chance with ${p}${verdict}.`];
}
