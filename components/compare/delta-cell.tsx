import { signedCount } from "./delta-format";

/** B better (more right on the diagonal, fewer confusions off it), B worse, or no change. */
export type DeltaTone = "better" | "worse" | "same";

export function deltaTone(delta: number, diagonal: boolean): DeltaTone {
  if (delta === 0) return "same";
  return (delta > 0) === diagonal ? "better" : "worse";
}

// Fixed shade classes, not a style attribute: the pages' Content-Security-Policy allows no inline styles.
const SHADES = {
  better: ["bg-good/10", "bg-good/20", "bg-good/30", "bg-good/45", "bg-good/60", "bg-good/70", "bg-good/80"],
  worse: ["bg-bad/10", "bg-bad/20", "bg-bad/30", "bg-bad/45", "bg-bad/60", "bg-bad/70", "bg-bad/80"],
} as const;

/** Brand green for better, red for worse, darker the larger the change. */
function toneShade(tone: DeltaTone, change: number, max: number): { shade: string; dark: boolean } {
  if (tone === "same") return { shade: "", dark: false };
  const steps = SHADES[tone];
  const step = Math.min(steps.length - 1, Math.floor((max > 0 ? change / max : 0) * steps.length));
  return { shade: steps[step]!, dark: step >= 4 };
}

export interface DeltaCellLinks {
  a: { count: number; href: string; label: string };
  b: { count: number; href: string; label: string };
}

/**
 * One cell of the delta matrix: B − A with its sign, then A's count → B's
 * count, each a link to that run's confusion cell in the table. `label`
 * says all of it in words (the tooltip); a screen reader reads the change
 * and each link's run and count, within the row and column headers. A matrix
 * has hundreds of cells, so each carries one class (`delta-cell`, app/globals.css).
 */
export function DeltaCell({ diagonal, max, label, testId, links }: { diagonal: boolean; max: number; label: string; testId: string; links: DeltaCellLinks | null }) {
  if (links === null) return <td data-testid={testId} className={diagonal ? "delta-cell bg-good/5" : "delta-cell"} />;
  const delta = links.b.count - links.a.count;
  const tone = deltaTone(delta, diagonal);
  const { shade, dark } = toneShade(tone, Math.abs(delta), max);
  const text = tone === "same" ? "text-muted" : dark ? "text-white" : tone === "better" ? "text-good" : "text-bad";
  return (
    <td title={label} data-testid={testId} data-tone={tone} className={`delta-cell ${shade} ${text}`}>
      <span className="block font-semibold" data-testid="delta">{signedCount(delta)}</span>
      <span className="block whitespace-nowrap text-[10px]">
        <a href={links.a.href} aria-label={links.a.label} data-testid="count-a" className="cell-link">{links.a.count}</a>
        <span aria-hidden="true">→</span>
        <a href={links.b.href} aria-label={links.b.label} data-testid="count-b" className="cell-link">{links.b.count}</a>
      </span>
    </td>
  );
}
