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

/**
 * One count of the confusion matrix, a link to exactly its completions. The
 * label says in words what the cell counts: the link's name, and the cell's
 * tooltip. An empty cell (0) is blank, named by its row and column headers.
 * A matrix has hundreds of cells, so each carries one class (`matrix-cell`,
 * app/globals.css) and its label only where it is read: the tooltip and the link.
 */
export function MatrixCell({ n, kind, max, label, testId, href }: { n: number; kind: CellKind; max: number; label: string; testId: string; href: string }) {
  if (n === 0) return <td data-testid={testId} className={kind === "correct" ? "matrix-cell bg-good/5" : "matrix-cell"} />;
  let tone: string;
  if (kind === "correct") tone = "bg-good/15 text-good";
  else if (kind === "format-error") tone = "bg-amber-100 text-amber-950";
  else {
    const { shade, dark } = confusionShade(n, max);
    tone = `${shade} ${dark ? "text-white" : "text-bad"}`;
  }
  return (
    <td title={label} data-testid={testId} data-kind={kind} className={`matrix-cell font-semibold ${tone}`}>
      <a href={href} aria-label={label} className="cell-link block rounded-sm">{n}</a>
    </td>
  );
}
