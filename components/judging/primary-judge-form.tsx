"use client";
import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/components/auth/field";
import type { FormState } from "@/lib/auth/actions-common";
import { shortName } from "../name";

type Action = (previous: FormState, form: FormData) => Promise<FormState>;

/** Chooses the primary judge among the names that can count, or none; the action is bound to the project on the server. */
export function PrimaryJudgeForm({ action, names, primary }: { action: Action; names: string[]; primary: string | null }) {
  const [state, submit, pending] = useActionState(action, null);
  return (
    <form action={submit} aria-label="Choose the primary judge" className="space-y-3 rounded-lg border border-line bg-white p-4" noValidate>
      <FormMessage state={state} />
      <div className="space-y-1">
        <label htmlFor="primary-judge" className="block text-sm font-medium">Primary judge</label>
        <select
          id="primary-judge"
          name="judge"
          defaultValue={primary ?? ""}
          aria-invalid={state?.fields?.judge ? true : undefined}
          aria-describedby="primary-judge-help"
          className="rounded-md border border-line bg-white px-2 py-1.5 text-sm"
        >
          <option value="">none: the most recent verdict of any judge</option>
          {names.map((name) => (
            <option key={name} value={name} dir="auto">{shortName(name)}</option>
          ))}
        </select>
        <p id="primary-judge-help" className="text-xs text-muted">The configured judges, the built-in rubric, and the judges of imported verdicts. Saving recounts every completion of the project at once.</p>
      </div>
      <SubmitButton pending={pending}>Save primary judge</SubmitButton>
    </form>
  );
}
