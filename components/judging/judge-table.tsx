import type { JudgeListItem } from "@/lib/validations/judging";

/** The project's judges with their settings (keys masked), the primary judge marked. */
export function JudgeTable({ judges, primary }: { judges: JudgeListItem[]; primary: string | null }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-line bg-white">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Judges of this project</caption>
        <thead className="border-b border-line text-xs uppercase tracking-wide text-muted">
          <tr>
            {["Judge", "Kind", "Model", "Endpoint", "Key", "Version"].map((title) => (
              <th key={title} scope="col" className="px-3 py-2">{title}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {judges.map((judge) => (
            <tr key={judge.name} className="border-b border-line last:border-0" data-testid="judge-row">
              <td className="px-3 py-2 font-medium">
                <bdi>{judge.name}</bdi>
                {judge.name === primary ? <span data-testid="primary-marker" className="ml-2 rounded bg-emerald-100 px-1.5 py-0.5 text-xs font-medium text-emerald-900">primary</span> : null}
              </td>
              <td className="px-3 py-2">{judge.kind === "rubric" ? "rubric (built in)" : "LLM"}</td>
              <td className="px-3 py-2"><bdi>{judge.model ?? "–"}</bdi></td>
              <td className="px-3 py-2 break-all"><bdi>{judge.baseUrl ?? "–"}</bdi></td>
              <td className="px-3 py-2 font-mono text-xs" data-testid="judge-key">{judge.apiKey ?? "–"}</td>
              <td className="px-3 py-2 tabular-nums">{judge.version}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
