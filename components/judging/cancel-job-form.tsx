"use client";
import { useActionState } from "react";
import type { FormState } from "@/lib/auth/actions-common";

type Action = (previous: FormState, form: FormData) => Promise<FormState>;

export function CancelJobForm({ action, job }: { action: Action; job: number }) {
  const [state, submit, pending] = useActionState(action, null);
  return (
    <form action={submit} className="inline">
      <input type="hidden" name="job" value={job} />
      <button type="submit" disabled={pending} className="rounded border border-line px-2 py-0.5 text-xs hover:bg-gray-50">
        Cancel<span className="sr-only"> job {job}</span>
      </button>
      {state?.error ? <span role="alert" className="ml-2 text-xs text-red-700">{state.error}</span> : null}
    </form>
  );
}
