import type { RunOutcome } from "@/lib/metrics/discordant";
import { Name } from "../name";

const GOOD = "text-good";
const BAD = "font-semibold text-bad";

/** One run's answer to a case: the intent it read and both verdicts. */
export function Outcome({ outcome }: { outcome: RunOutcome }) {
  const formatError = outcome.intentVerdict === "format_error";
  return (
    <div className="space-y-0.5">
      <div>
        {formatError ? <span className={BAD}>format error</span> : <code className="text-xs text-ink"><Name text={outcome.predictedIntent ?? ""} max={40} /></code>}
      </div>
      <div className="text-xs">
        <span className={outcome.intentVerdict === "correct" ? GOOD : BAD}>intent {outcome.intentVerdict.replace("_", " ")}</span>
        {" · "}
        <span className={outcome.policyVerdict === "pass" ? GOOD : outcome.policyVerdict === "fail" ? BAD : "text-muted"}>
          policy {outcome.policyVerdict}
        </span>
      </div>
    </div>
  );
}
