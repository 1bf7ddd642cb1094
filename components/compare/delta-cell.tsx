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
 * says all of it in words (title and screen readers).
 */
export function DeltaCell({ diagonal, max, label, testId, links }: { diagonal: boolean; max: number; label: string; testId: string; links: DeltaCellLinks | null }) {
  const base = "min-w-14 border-b border-r border-line px-1.5 py-1 text-center tabular-nums";
  if (links === null) return <td data-testid={testId} className={`${base} ${diagonal ? "bg-good/5" : ""}`} />;
  const delta = links.b.count - links.a.count;
  const tone = deltaTone(delta, diagonal);
  const { shade, dark } = toneShade(tone, Math.abs(delta), max);
  const text = tone === "same" ? "text-muted" : dark ? "text-white" : tone === "better" ? "text-good" : "text-bad";
  return (
    <td title={label} data-testid={testId} data-tone={tone} className={`${base} ${shade} ${text}`}>
      <span className="sr-only">{label}</span>
      <span aria-hidden="true" className="block font-semibold" data-testid="delta">{signedCount(delta)}</span>
      <span className="block whitespace-nowrap text-[10px]">
        <a href={links.a.href} aria-label={links.a.label} data-testid="count-a" className="underline-offset-2 hover:underline">{links.a.count}</a>
        <span aria-hidden="true">→</span>
        <a href={links.b.href} aria-label={links.b.label} data-testid="count-b" className="underline-offset-2 hover:underline">{links.b.count}</a>
      </span>
    </td>
  );
}
