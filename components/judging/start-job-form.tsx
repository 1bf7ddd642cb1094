"use client";
import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/components/auth/field";
import type { FormState } from "@/lib/auth/actions-common";

type Action = (previous: FormState, form: FormData) => Promise<FormState>;

/** Picks a judge and the runs to judge; the action is bound to the project on the server. */
export function StartJobForm({ action, judges, runs }: { action: Action; judges: string[]; runs: string[] }) {
  const [state, submit, pending] = useActionState(action, null);
  return (
    <form action={submit} className="space-y-3 rounded-lg border border-line bg-white p-4" aria-label="Judge runs" noValidate>
      <FormMessage state={state} />
      <div className="space-y-1">
        <label htmlFor="judge-select" className="block text-sm font-medium">Judge</label>
        <select id="judge-select" name="judge" className="rounded-md border border-line bg-white px-2 py-1.5 text-sm" defaultValue={judges[0]}>
          {judges.map((judge) => (
            <option key={judge} value={judge} dir="auto">{judge}</option>
          ))}
        </select>
      </div>
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium">Runs</legend>
        <div className="flex flex-wrap gap-x-4 gap-y-1">
          {runs.map((run) => (
            <label key={run} className="inline-flex items-center gap-1.5 text-sm">
              <input type="checkbox" name="run" value={run} /> <bdi>{run}</bdi>
            </label>
          ))}
        </div>
        {state?.fields?.run ? <p className="text-sm text-red-700">{state.fields.run}</p> : null}
      </fieldset>
      <p className="text-xs text-muted">Judges every completion of these runs that has no verdict from this judge configuration for the predicted intent&apos;s guideline in force; an answer already given for the same reply, conversation and guideline is reused, not asked again.</p>
      <SubmitButton pending={pending}>Start judging</SubmitButton>
    </form>
  );
}
