export type CellKind = "correct" | "confusion" | "format-error";

/**
 * Off-diagonal colour: the brand "bad" red, more opaque the more often the
 * confusion happens, in seven steps. Classes, not a style attribute: the
 * pages' Content-Security-Policy allows no inline styles (lib/http/security-headers.ts).
 * Written out whole so Tailwind finds them.
 */
const CONFUSION_SHADES = ["bg-bad/15", "bg-bad/25", "bg-bad/35", "bg-bad/45", "bg-bad/55", "bg-bad/65", "bg-bad/80"] as const;

function confusionShade(n: number, max: number): { shade: string; dark: boolean } {
  const step = Math.min(CONFUSION_SHADES.length - 1, Math.floor((max > 0 ? n / max : 0) * CONFUSION_SHADES.length));
  return { shade: CONFUSION_SHADES[step]!, dark: step >= 4 };
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
  const { shade, dark } = confusionShade(n, max);
  return (
    <td aria-label={label} title={label} data-testid={testId} data-kind="confusion" className={`${base} ${shade} font-semibold ${dark ? "text-white" : "text-bad"}`}>
      <Count n={n} href={href} label={label} />
    </td>
  );
}
