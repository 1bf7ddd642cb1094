import type { CSSProperties } from "react";

export type CellKind = "correct" | "confusion" | "format-error";

/** Off-diagonal colour: the brand "bad" red, more opaque the more often the confusion happens. */
function confusionStyle(n: number, max: number): { style: CSSProperties; dark: boolean } {
  const alpha = 0.12 + 0.68 * (max > 0 ? n / max : 0);
  return { style: { backgroundColor: `rgba(163, 38, 31, ${alpha.toFixed(3)})` }, dark: alpha >= 0.5 };
}

/** One count of the confusion matrix; the label says in words what the cell counts. */
/** The count, as a link to exactly its completions. */
function Count({ n, href, label }: { n: number; href: string; label: string }) {
  return <a href={href} aria-label={label} className="block rounded-sm underline-offset-2 hover:underline">{n}</a>;
}

export function MatrixCell({ n, kind, max, label, testId, href }: { n: number; kind: CellKind; max: number; label: string; testId: string; href: string }) {
  const base = "min-w-9 border-b border-r border-line px-1.5 py-1 text-center tabular-nums";
  if (n === 0) {
    return <td aria-label={label} title={label} data-testid={testId} className={`${base} ${kind === "correct" ? "bg-good/5" : ""}`} />;
  }
  if (kind === "correct") {
    return <td aria-label={label} title={label} data-testid={testId} data-kind="correct" className={`${base} bg-good/15 font-semibold text-good`}><Count n={n} href={href} label={label} /></td>;
  }
  if (kind === "format-error") {
    return <td aria-label={label} title={label} data-testid={testId} data-kind="format-error" className={`${base} bg-amber-100 font-semibold text-amber-950`}><Count n={n} href={href} label={label} /></td>;
  }
  const { style, dark } = confusionStyle(n, max);
  return (
    <td aria-label={label} title={label} data-testid={testId} data-kind="confusion" style={style} className={`${base} font-semibold ${dark ? "text-white" : "text-bad"}`}>
      <Count n={n} href={href} label={label} />
    </td>
  );
}
