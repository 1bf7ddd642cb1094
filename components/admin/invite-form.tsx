"use client";
import { useActionState } from "react";
import { ROLES } from "@/lib/auth/roles";
import { Field, FormMessage } from "../auth/field";
import { PendingButton, type FormAction } from "./action-form";
import { ShownOnce } from "./copy-button";
import { RoleSelect } from "./role-select";

/** Invite by email with a role; a new user's one-time sign-in link is shown once (it is never mailed). */
export function InviteForm({ action }: { action: FormAction }) {
  const [state, formAction] = useActionState(action, null);
  return (
    <div className="space-y-3">
      <form action={formAction} className="flex flex-wrap items-end gap-3" noValidate>
        <div className="w-72">
          <Field label="Email" name="email" type="email" autoComplete="off" required defaultValue={state?.values?.email} error={state?.fields?.email} />
        </div>
        <RoleSelect id="invite-role" defaultValue={state?.values?.role && (ROLES as readonly string[]).includes(state.values.role) ? state.values.role : "viewer"} error={state?.fields?.role} />
        <PendingButton tone="primary">Invite</PendingButton>
      </form>
      <FormMessage state={state} />
      {state?.once ? (
        <ShownOnce
          title="One-time sign-in link"
          text={state.once}
          testId="invite-link"
          note="Shown only now and never mailed: send it to them yourself. It signs them in once (valid 7 days) and asks them to choose a password."
        />
      ) : null}
    </div>
  );
}
