import type { Member } from "@/lib/auth/users";
import { Name } from "../name";
import { ActionForm, Confirm, PendingButton, type FormAction } from "./action-form";
import { RoleSelect } from "./role-select";

/** A project's members: role changes and removal, each re-checked by its server action. */
export function MemberTable({ project, members, changeRole, remove }: { project: string; members: Member[]; changeRole: FormAction; remove: FormAction }) {
  if (members.length === 0) return <p className="text-muted">No members yet.</p>;
  return (
    <table className="w-full text-left text-sm">
      <thead className="border-b border-line text-muted">
        <tr>
          <th scope="col" className="py-2 pr-4 font-medium">Email</th>
          <th scope="col" className="py-2 pr-4 font-medium">Status</th>
          <th scope="col" className="py-2 pr-4 font-medium">Role</th>
          <th scope="col" className="py-2 font-medium"><span className="sr-only">Remove</span></th>
        </tr>
      </thead>
      <tbody>
        {members.map((member) => (
          <tr key={member.userId} className="border-b border-line align-top" data-testid="member-row">
            <td className="py-2 pr-4"><Name text={member.email} /></td>
            <td className="py-2 pr-4">{member.disabled ? "disabled" : member.hasPassword ? "password set" : "invited"}</td>
            <td className="py-2 pr-4">
              <ActionForm action={changeRole} fields={{ userId: member.userId }}>
                <RoleSelect id={`role-${member.userId}`} defaultValue={member.role} label={`Role of ${member.email}`} srOnlyLabel />
                <PendingButton>Change role</PendingButton>
              </ActionForm>
            </td>
            <td className="py-2">
              <Confirm
                summary="Remove…"
                label={`Remove ${member.email}`}
                question={<>Remove <Name text={member.email} /> from {project}? Their account stays; they lose access to this project.</>}
                confirm="Remove member"
                action={remove}
                fields={{ userId: member.userId }}
              />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
