"use client";
import { useActionState } from "react";
import { createFirstAdmin } from "@/app/setup/actions";
import { Field, FormMessage, SubmitButton } from "./field";

export function SetupForm({ token }: { token: string }) {
  const [state, action, pending] = useActionState(createFirstAdmin, null);
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="token" value={token} />
      <FormMessage state={state} />
      <Field label="Email" name="email" type="email" autoComplete="username" required defaultValue={state?.values?.email} error={state?.fields?.email} />
      <Field label="Password" name="password" type="password" autoComplete="new-password" required error={state?.fields?.password} />
      <Field label="Repeat the password" name="confirm" type="password" autoComplete="new-password" required error={state?.fields?.confirm} />
      <SubmitButton pending={pending}>Create admin and sign in</SubmitButton>
    </form>
  );
}
