import type { ListedKey } from "@/lib/api/keys";
import { moment } from "@/lib/format";
import { Name } from "../name";
import { Confirm, type FormAction } from "./action-form";

/** A project's keys, with their creator and last use; active ones can be revoked. */
export function ApiKeyTable({ project, keys, revoke }: { project: string; keys: ListedKey[]; revoke: FormAction }) {
  if (keys.length === 0) return <p className="text-muted">No keys yet.</p>;
  return (
    <table className="w-full text-left text-sm">
      <thead className="border-b border-line text-muted">
        <tr>
          {["Prefix", "Name", "Scope", "Created by", "Created", "Last used", "State"].map((title) => (
            <th key={title} scope="col" className="py-2 pr-4 font-medium">{title}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {keys.map((key) => (
          <tr key={key.prefix} className="border-b border-line align-top" data-testid="api-key-row">
            <td className="py-2 pr-4 font-mono text-xs">{key.prefix}</td>
            <td className="py-2 pr-4"><Name text={key.name} /></td>
            <td className="py-2 pr-4">{key.scope}</td>
            <td className="py-2 pr-4">{key.creator ? <Name text={key.creator} /> : <span className="text-muted">command line</span>}</td>
            <td className="py-2 pr-4 whitespace-nowrap">{moment(key.createdAt)}</td>
            <td className="py-2 pr-4 whitespace-nowrap">{moment(key.lastUsedAt)}</td>
            <td className="py-2">
              {key.revokedAt ? (
                <span className="text-muted">revoked {moment(key.revokedAt)}</span>
              ) : (
                <Confirm
                  summary="Revoke…"
                  label={`Revoke key ${key.prefix}`}
                  question={<>Revoke <Name text={key.name} /> ({key.prefix})? Every request with it is refused from now on; this cannot be undone.</>}
                  confirm="Revoke key"
                  action={revoke}
                  fields={{ prefix: key.prefix }}
                />
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
