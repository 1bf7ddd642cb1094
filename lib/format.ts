/** Display formatting shared by the pages. Pure, no React. */

export function percent(value: number | null, digits = 1): string {
  return value === null ? "–" : `${(value * 100).toFixed(digits)}%`;
}

export function interval(ci: [number, number] | null, digits = 1): string {
  return ci === null ? "no data" : `${(ci[0] * 100).toFixed(digits)}–${(ci[1] * 100).toFixed(digits)}%`;
}

export function count(value: number): string {
  return value.toLocaleString("en-US");
}

export function pValue(p: number, logP: number): string {
  if (p === 0) return `< 1e-300 (log p = ${logP.toFixed(0)})`;
  if (p < 0.001) return p.toExponential(2);
  return p.toFixed(3);
}

/** "p = 0.031", or "p < 1e-300" when the p-value underflows. */
export function pStatement(p: number, logP: number): string {
  return p === 0 ? `p < 1e-300` : `p = ${pValue(p, logP)}`;
}

/** A moment as UTC to the minute, "2026-12-02 01:45 UTC" (the same on the server and in every browser). */
export function moment(value: Date | null): string {
  return value === null ? "never" : `${value.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
