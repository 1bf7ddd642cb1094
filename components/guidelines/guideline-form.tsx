"use client";
import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/components/auth/field";
import type { FormState } from "@/lib/auth/actions-common";

type Action = (previous: FormState, form: FormData) => Promise<FormState>;

/** Edits one intent's guideline and rubric; the action is bound to the project on the server. */
export function GuidelineForm({ action, intent, version, policy, rubric }: { action: Action; intent: string; version: number; policy: string; rubric: string }) {
  const [state, submit, pending] = useActionState(action, null);
  const id = `guideline-${intent}`;
  return (
    <form action={submit} className="space-y-3" noValidate>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="version" value={version} />
      <FormMessage state={state} />
      <div className="space-y-1">
        <label htmlFor={`${id}-policy`} className="block text-sm font-medium">Guideline</label>
        <textarea
          id={`${id}-policy`}
          name="policy"
          rows={6}
          defaultValue={state?.values?.policy ?? policy}
          aria-invalid={state?.fields?.policy ? true : undefined}
          className="block w-full rounded-md border border-line bg-white px-3 py-2 font-mono text-sm"
        />
        {state?.fields?.policy ? <p className="text-sm text-red-700">{state.fields.policy}</p> : null}
      </div>
      <div className="space-y-1">
        <label htmlFor={`${id}-rubric`} className="block text-sm font-medium">Rubric items (JSON)</label>
        <textarea
          id={`${id}-rubric`}
          name="rubric"
          rows={6}
          defaultValue={state?.values?.rubric ?? rubric}
          aria-invalid={state?.fields?.rubric ? true : undefined}
          className="block w-full rounded-md border border-line bg-white px-3 py-2 font-mono text-xs"
        />
        {state?.fields?.rubric ? <p className="text-sm text-red-700">{state.fields.rubric}</p> : null}
      </div>
      <SubmitButton pending={pending}>Save as a new version</SubmitButton>
    </form>
  );
}
