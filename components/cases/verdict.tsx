import type { IntentVerdict } from "@/lib/grading/intent";
import type { PolicyVerdict } from "@/lib/validations/filters";

const TONE = { good: "bg-good/10 text-good", bad: "bg-bad/10 text-bad", neutral: "bg-canvas text-muted" } as const;

function Badge({ tone, children }: { tone: keyof typeof TONE; children: string }) {
  return <span className={`inline-block whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-medium ${TONE[tone]}`}>{children}</span>;
}

export function IntentVerdictBadge({ verdict }: { verdict: IntentVerdict }) {
  return <Badge tone={verdict === "correct" ? "good" : "bad"}>{verdict === "format_error" ? "format error" : `intent ${verdict}`}</Badge>;
}

/** `stale`: judged against an older guideline version than the one in force. */
export function PolicyVerdictBadge({ verdict, stale = false }: { verdict: PolicyVerdict; stale?: boolean }) {
  return (
    <>
      <Badge tone={verdict === "pass" ? "good" : verdict === "fail" ? "bad" : "neutral"}>{`policy ${verdict}`}</Badge>
      {stale ? <span data-testid="stale" title="Judged against an older guideline version than the one in force" className="ml-1 inline-block whitespace-nowrap rounded border border-amber-600/40 px-1 py-0.5 text-xs text-amber-900">stale</span> : null}
    </>
  );
}
