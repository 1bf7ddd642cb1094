import type { JudgeListItem } from "@/lib/validations/judging";

/**
 * The project's judges, the primary judge marked. `settings`: also each LLM
 * judge's endpoint and masked key, for project admins only (as through the
 * API, where listing judges needs an admin key): the endpoint may name a
 * private server, and the mask shows a few of the key's characters.
 */
export function JudgeTable({ judges, primary, settings }: { judges: JudgeListItem[]; primary: string | null; settings: boolean }) {
  const titles = settings ? ["Judge", "Kind", "Model", "Endpoint", "Key", "Version"] : ["Judge", "Kind", "Model", "Version"];
  return (
    <div className="overflow-x-auto rounded-lg border border-line bg-white">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Judges of this project</caption>
        <thead className="border-b border-line text-xs uppercase tracking-wide text-muted">
          <tr>
            {titles.map((title) => (
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
              {settings ? (
                <>
                  <td className="px-3 py-2 break-all"><bdi>{judge.baseUrl ?? "–"}</bdi></td>
                  <td className="px-3 py-2 font-mono text-xs" data-testid="judge-key">{judge.apiKey ?? "–"}</td>
                </>
              ) : null}
              <td className="px-3 py-2 tabular-nums">{judge.version}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
