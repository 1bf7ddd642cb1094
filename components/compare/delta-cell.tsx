import type { CSSProperties } from "react";
import { signedCount } from "./delta-format";

/** B better (more right on the diagonal, fewer confusions off it), B worse, or no change. */
export type DeltaTone = "better" | "worse" | "same";

export function deltaTone(delta: number, diagonal: boolean): DeltaTone {
  if (delta === 0) return "same";
  return (delta > 0) === diagonal ? "better" : "worse";
}

/** Brand green for better, red for worse, more opaque the larger the change. */
function toneStyle(tone: DeltaTone, change: number, max: number): { style: CSSProperties; dark: boolean } {
  if (tone === "same") return { style: {}, dark: false };
  const alpha = 0.1 + 0.7 * (max > 0 ? change / max : 0);
  const rgb = tone === "better" ? "29, 107, 60" : "163, 38, 31";
  return { style: { backgroundColor: `rgba(${rgb}, ${alpha.toFixed(3)})` }, dark: alpha >= 0.5 };
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
  const { style, dark } = toneStyle(tone, Math.abs(delta), max);
  const text = tone === "same" ? "text-muted" : dark ? "text-white" : tone === "better" ? "text-good" : "text-bad";
  return (
    <td title={label} data-testid={testId} data-tone={tone} style={style} className={`${base} ${text}`}>
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
