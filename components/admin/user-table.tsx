import type { UserSummary } from "@/lib/auth/users";
import { moment } from "@/lib/format";
import { Name } from "../name";
import { ActionForm, Confirm, PendingButton, type FormAction } from "./action-form";

/** Every user with their memberships; disable/enable and instance admin on or off. */
export function UserTable({ users, me, disable, makeAdmin }: { users: UserSummary[]; me: string; disable: FormAction; makeAdmin: FormAction }) {
  return (
    <table className="w-full text-left text-sm">
      <thead className="border-b border-line text-muted">
        <tr>
          {["Email", "Status", "Projects", "Instance admin", "Access"].map((title) => (
            <th key={title} scope="col" className="py-2 pr-4 font-medium">{title}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {users.map((user) => (
          <tr key={user.id} className="border-b border-line align-top" data-testid="user-row">
            <td className="py-2 pr-4">
              <Name text={user.email} />
              {user.id === me ? <span className="text-muted"> (you)</span> : null}
              <div className="text-xs text-muted">since {moment(user.createdAt)}</div>
            </td>
            <td className="py-2 pr-4">{user.disabledAt ? `disabled ${moment(user.disabledAt)}` : user.hasPassword ? "password set" : "invited"}</td>
            <td className="py-2 pr-4">
              {user.memberships.length === 0 ? (
                <span className="text-muted">none</span>
              ) : (
                <ul>
                  {user.memberships.map((m) => (
                    <li key={m.project}><Name text={m.project} />: {m.role}</li>
                  ))}
                </ul>
              )}
            </td>
            <td className="py-2 pr-4">
              <ActionForm action={makeAdmin} fields={{ userId: user.id, value: user.isAdmin ? "off" : "on" }} className="flex flex-col items-start gap-1">
                <span>{user.isAdmin ? "yes" : "no"}</span>
                <PendingButton>
                  {user.isAdmin ? "Unmake admin" : "Make admin"}
                  <span className="sr-only"> for {user.email}</span>
                </PendingButton>
              </ActionForm>
            </td>
            <td className="py-2">
              {user.disabledAt ? (
                <ActionForm action={disable} fields={{ userId: user.id, value: "off" }}>
                  <PendingButton>
                    Enable<span className="sr-only"> {user.email}</span>
                  </PendingButton>
                </ActionForm>
              ) : user.id === me ? null : (
                <Confirm
                  summary="Disable…"
                  label={`Disable ${user.email}`}
                  question={<>Disable <Name text={user.email} />? They are signed out everywhere at once and cannot sign in until enabled again.</>}
                  confirm="Disable user"
                  action={disable}
                  fields={{ userId: user.id, value: "on" }}
                />
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
