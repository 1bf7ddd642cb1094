"use client";
import { useActionState } from "react";
import { Field, FormMessage } from "../auth/field";
import { PendingButton, type FormAction } from "./action-form";
import { ShownOnce } from "./copy-button";

const SCOPE_HELP = "ingest: push cases and completions; read: query them; admin: everything, intents and judges included.";

/** Create a key; its secret is shown once, in this form's answer. */
export function ApiKeyForm({ scopes, action }: { scopes: readonly string[]; action: FormAction }) {
  const [state, formAction] = useActionState(action, null);
  return (
    <div className="space-y-3">
      <form action={formAction} className="flex flex-wrap items-end gap-3" noValidate>
        <div className="w-72">
          <Field label="Key name" name="name" autoComplete="off" required maxLength={200} defaultValue={state?.values?.name} error={state?.fields?.name} />
        </div>
        <div className="space-y-1">
          <label htmlFor="key-scope" className="block text-sm font-medium text-ink">Scope</label>
          <select id="key-scope" name="scope" defaultValue={state?.values?.scope || "read"} aria-describedby="key-scope-help" className="block rounded-md border border-line bg-white px-3 py-2 text-sm focus:outline-2 focus:outline-offset-1 focus:outline-ink">
            {scopes.map((scope) => (
              <option key={scope} value={scope}>{scope}</option>
            ))}
          </select>
          {state?.fields?.scope ? <p className="text-sm text-red-700">{state.fields.scope}</p> : null}
        </div>
        <PendingButton tone="primary">Create key</PendingButton>
      </form>
      <p id="key-scope-help" className="text-sm text-muted">{SCOPE_HELP}</p>
      <FormMessage state={state} />
      {state?.once ? (
        <ShownOnce
          title="The new key"
          text={state.once}
          testId="new-api-key"
          note="Shown only now: it is not stored, only its hash. Send it as Authorization: Bearer <key>."
        />
      ) : null}
    </div>
  );
}
