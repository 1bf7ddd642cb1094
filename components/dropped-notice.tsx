import { Notice } from "@/components/notice";
import type { DroppedParameter } from "@/lib/validations/filters";

/** Says which values of the address a page ignored (and why): it shows its defaults for them instead. */
export function DroppedNotice({ dropped }: { dropped: readonly DroppedParameter[] }) {
  if (dropped.length === 0) return null;
  return (
    <Notice testId="dropped-parameters">
      Ignored in the address: {dropped.map((d, i) => <span key={i}>{i > 0 ? "; " : ""}<code>{d.parameter}</code> ({d.reason})</span>)}.
    </Notice>
  );
}
