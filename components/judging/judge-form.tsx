"use client";
import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/auth/field";
import type { FormState } from "@/lib/auth/actions-common";
import type { JudgeListItem } from "@/lib/validations/judging";

type Action = (previous: FormState, form: FormData) => Promise<FormState>;

const text = (value: number | string | null) => (value === null ? "" : String(value));

/** The settings of the judge being changed (its key only as a hint), or blanks for a new one. */
function initialValues(judge: JudgeListItem | null): Record<string, string> {
  if (!judge) return {};
  return {
    name: judge.name,
    baseUrl: text(judge.baseUrl),
    model: text(judge.model),
    temperature: text(judge.temperature),
    timeoutMs: text(judge.timeoutMs),
    concurrency: text(judge.concurrency),
    samples: text(judge.samples),
    promptTemplate: text(judge.promptTemplate),
  };
}

/**
 * Adds an LLM judge, or changes `judge`; the action is bound to the project on
 * the server. The API key field is never filled in: the stored key stays on
 * the server, shown only masked.
 */
export function JudgeForm({ action, judge, variables, defaultTemplate }: { action: Action; judge: JudgeListItem | null; variables: readonly string[]; defaultTemplate: string }) {
  const [state, submit, pending] = useActionState(action, null);
  const initial = initialValues(judge);
  const value = (name: string) => state?.values?.[name] ?? initial[name] ?? "";
  const error = (name: string) => state?.fields?.[name];
  const refused = Boolean(state?.error || state?.fields);
  return (
    <form action={submit} aria-label="Judge settings" className="space-y-4 rounded-lg border border-line bg-white p-4" noValidate>
      <input type="hidden" name="version" value={judge?.version ?? ""} />
      <FormMessage state={state} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Name" name="name" autoComplete="off" required maxLength={100} readOnly={judge !== null} defaultValue={value("name")} error={error("name")} />
        <Field label="Model" name="model" autoComplete="off" required maxLength={200} placeholder="gpt-4o-mini" defaultValue={value("model")} error={error("model")} />
        <Field label="Base URL" name="baseUrl" type="url" autoComplete="off" required placeholder="https://api.openai.com/v1" defaultValue={value("baseUrl")} error={error("baseUrl")} />
        <div className="space-y-1">
          {/* new-password: a browser must not fill in the signed-in user's own password here. */}
          <Field label="API key" name="apiKey" type="password" autoComplete="new-password" maxLength={1000} aria-describedby={error("apiKey") ? "field-apiKey-error judge-key-help" : "judge-key-help"} error={error("apiKey")} />
          <p id="judge-key-help" className="text-xs text-muted">
            {judge ? (
              <>Stored key: <span className="font-mono" data-testid="stored-key">{judge.apiKey ?? "none"}</span>. Leave blank to keep it; a new base URL needs the key again (a stored key is never sent to a new address).</>
            ) : (
              "Stored encrypted and only ever shown masked. A server that needs no key takes any non-empty value."
            )}
            {refused ? " A refused form never keeps the key typed: type it again." : null}
          </p>
        </div>
        <Field label="Temperature" name="temperature" type="number" step="0.1" min={0} max={2} placeholder="the server's default" defaultValue={value("temperature")} error={error("temperature")} />
        <Field label="Timeout (ms)" name="timeoutMs" type="number" step={1} min={100} max={600000} placeholder="30000" defaultValue={value("timeoutMs")} error={error("timeoutMs")} />
        <Field label="Concurrency" name="concurrency" type="number" step={1} min={1} max={256} placeholder="4" defaultValue={value("concurrency")} error={error("concurrency")} />
        <Field label="Samples" name="samples" type="number" step={1} min={1} max={15} placeholder="1" defaultValue={value("samples")} error={error("samples")} />
      </div>
      <div className="space-y-1">
        <label htmlFor="field-promptTemplate" className="block text-sm font-medium">Prompt template (optional)</label>
        <textarea
          id="field-promptTemplate"
          name="promptTemplate"
          rows={8}
          maxLength={20000}
          defaultValue={value("promptTemplate")}
          aria-invalid={error("promptTemplate") ? true : undefined}
          aria-describedby="judge-template-help"
          className="block w-full rounded-md border border-line bg-white px-3 py-2 font-mono text-xs"
        />
        {error("promptTemplate") ? <p className="text-sm text-red-700">{error("promptTemplate")}</p> : null}
        <p id="judge-template-help" className="text-xs text-muted">
          Empty: the built-in template. Variables: {variables.map((name) => `{{${name}}}`).join(", ")}; a template must use {"{{guideline}}"} and {"{{reply}}"}.
        </p>
        <details className="text-xs">
          <summary className="cursor-pointer text-muted">The built-in template</summary>
          <pre className="mt-1 whitespace-pre-wrap rounded border border-line bg-gray-50 p-2">{defaultTemplate}</pre>
        </details>
      </div>
      <p className="text-xs text-muted">Samples: answers asked per completion, the majority verdict wins (odd numbers avoid ties). Every change of the settings is a new configuration version; verdicts record the version they came from.</p>
      <SubmitButton pending={pending}>{judge ? "Save judge" : "Add judge"}</SubmitButton>
    </form>
  );
}
