"use client";
import { useActionState } from "react";
import { signIn } from "@/app/sign-in/actions";
import { Field, FormMessage, SubmitButton } from "./field";

export function SignInForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState(signIn, null);
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="next" value={next} />
      <FormMessage state={state} />
      <Field label="Email" name="email" type="email" autoComplete="username" required defaultValue={state?.values?.email} error={state?.fields?.email} />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required error={state?.fields?.password} />
      <SubmitButton pending={pending}>Sign in</SubmitButton>
    </form>
  );
}
