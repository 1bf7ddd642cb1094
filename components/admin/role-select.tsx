import { ROLES } from "@/lib/auth/roles";

/** A labelled choice of a project role. */
export function RoleSelect({ id, defaultValue, error, label = "Role", srOnlyLabel = false }: { id: string; defaultValue: string; error?: string; label?: string; srOnlyLabel?: boolean }) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className={srOnlyLabel ? "sr-only" : "block text-sm font-medium text-ink"}>{label}</label>
      <select id={id} name="role" defaultValue={defaultValue} aria-invalid={error ? true : undefined} className="block rounded-md border border-line bg-white px-3 py-2 text-sm focus:outline-2 focus:outline-offset-1 focus:outline-ink">
        {ROLES.map((role) => (
          <option key={role} value={role}>{role}</option>
        ))}
      </select>
      {error ? <p className="text-sm text-red-700">{error}</p> : null}
    </div>
  );
}
