"use client";
import { useActionState } from "react";
import { changePassword } from "@/app/account/actions";
import { Field, FormMessage, SubmitButton } from "./field";

export function PasswordForm({ hasPassword }: { hasPassword: boolean }) {
  const [state, action, pending] = useActionState(changePassword, null);
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage state={state} />
      {hasPassword ? <Field label="Current password" name="current" type="password" autoComplete="current-password" required error={state?.fields?.current} /> : null}
      <Field label="New password" name="password" type="password" autoComplete="new-password" required error={state?.fields?.password} />
      <Field label="Repeat the new password" name="confirm" type="password" autoComplete="new-password" required error={state?.fields?.confirm} />
      <SubmitButton pending={pending}>{hasPassword ? "Change password" : "Set password"}</SubmitButton>
    </form>
  );
}
