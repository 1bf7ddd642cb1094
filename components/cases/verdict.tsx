import type { IntentVerdict } from "@/lib/grading/intent";
import type { PolicyVerdict } from "@/lib/validations/filters";

const TONE = { good: "bg-good/10 text-good", bad: "bg-bad/10 text-bad", neutral: "bg-canvas text-muted" } as const;

function Badge({ tone, children }: { tone: keyof typeof TONE; children: string }) {
  return <span className={`inline-block whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-medium ${TONE[tone]}`}>{children}</span>;
}

export function IntentVerdictBadge({ verdict }: { verdict: IntentVerdict }) {
  return <Badge tone={verdict === "correct" ? "good" : "bad"}>{verdict === "format_error" ? "format error" : `intent ${verdict}`}</Badge>;
}

export function PolicyVerdictBadge({ verdict }: { verdict: PolicyVerdict }) {
  return <Badge tone={verdict === "pass" ? "good" : verdict === "fail" ? "bad" : "neutral"}>{`policy ${verdict}`}</Badge>;
}
