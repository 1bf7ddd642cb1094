"use client";
import { useActionState, type ReactNode } from "react";
import { useFormStatus } from "react-dom";
import type { FormState } from "@/lib/auth/actions-common";
import { FormMessage } from "../auth/field";

/** A server action as a form calls it (a project page binds the project first, lib/auth/guarded-action.ts). */
export type FormAction = (previous: FormState, form: FormData) => Promise<FormState>;

/** A submit button that is disabled while its form's action runs. */
export function PendingButton({ children, tone = "plain" }: { children: ReactNode; tone?: "primary" | "danger" | "plain" }) {
  const { pending } = useFormStatus();
  const tones = {
    primary: "bg-ink text-white hover:bg-ink/90",
    danger: "bg-red-700 text-white hover:bg-red-800",
    plain: "border border-line bg-white text-ink hover:bg-gray-50",
  };
  return (
    <button type="submit" disabled={pending} className={`rounded-md px-3 py-1.5 text-sm font-medium focus:outline-2 focus:outline-offset-1 focus:outline-ink disabled:opacity-60 ${tones[tone]}`}>
      {children}
    </button>
  );
}

/**
 * A small form of one row of an admin list (change a role, revoke, disable):
 * its hidden fields name the row, the server action answers with a message.
 */
export function ActionForm({ action, fields, children, className = "flex flex-wrap items-center gap-2" }: { action: FormAction; fields: Record<string, string>; children: ReactNode; className?: string }) {
  const [state, formAction] = useActionState(action, null);
  return (
    <form action={formAction} className="space-y-2">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <div className={className}>{children}</div>
      <FormMessage state={state} />
    </form>
  );
}

/**
 * An action that asks first: the button opens a short explanation and the
 * button that does it (a `<details>`, so it needs no script and works from the keyboard).
 */
export function Confirm({ summary, question, confirm, action, fields, label }: { summary: string; question: ReactNode; confirm: string; action: FormAction; fields: Record<string, string>; label: string }) {
  return (
    <details className="group">
      <summary aria-label={label} className="inline-block cursor-pointer list-none rounded-md border border-line bg-white px-3 py-1.5 text-sm font-medium text-red-800 hover:bg-red-50 focus:outline-2 focus:outline-offset-1 focus:outline-ink">
        {summary}
      </summary>
      <div className="mt-2 max-w-sm rounded-md border border-red-200 bg-red-50 p-3 text-sm">
        <ActionForm action={action} fields={fields} className="flex flex-col items-start gap-2">
          <p>{question}</p>
          <PendingButton tone="danger">{confirm}</PendingButton>
        </ActionForm>
      </div>
    </details>
  );
}
