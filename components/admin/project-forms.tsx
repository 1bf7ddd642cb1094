"use client";
import Link from "next/link";
import { useActionState } from "react";
import { Field, FormMessage } from "../auth/field";
import { PendingButton, type FormAction } from "./action-form";

export function CreateProjectForm({ action }: { action: FormAction }) {
  const [state, formAction] = useActionState(action, null);
  return (
    <form action={formAction} className="space-y-3" noValidate>
      <div className="flex flex-wrap items-end gap-3">
        <div className="w-72">
          <Field label="Project name" name="name" autoComplete="off" required maxLength={100} defaultValue={state?.values?.name} error={state?.fields?.name} />
        </div>
        <PendingButton tone="primary">Create project</PendingButton>
      </div>
      <p className="text-sm text-muted">Lower-case letters, digits, &apos;-&apos; and &apos;_&apos;: the name is part of the project&apos;s URLs.</p>
      <FormMessage state={state} />
    </form>
  );
}

/** Rename one project; the answer links to its new address. */
export function RenameProjectForm({ project, action }: { project: string; action: FormAction }) {
  const [state, formAction] = useActionState(action, null);
  const id = `rename-${project}`;
  return (
    <form action={formAction} className="space-y-2" noValidate>
      <input type="hidden" name="from" value={project} />
      <div className="flex flex-wrap items-start gap-2">
        <label htmlFor={id} className="sr-only">New name for {project}</label>
        <div>
          <input
            id={id}
            name="to"
            required
            maxLength={100}
            autoComplete="off"
            defaultValue={state?.values?.to ?? project}
            aria-invalid={state?.fields?.to ? true : undefined}
            aria-describedby={state?.fields?.to ? `${id}-error` : undefined}
            className="block w-56 rounded-md border border-line bg-white px-3 py-1.5 text-sm focus:outline-2 focus:outline-offset-1 focus:outline-ink"
          />
          {state?.fields?.to ? <p id={`${id}-error`} className="mt-1 text-sm text-red-700">{state.fields.to}</p> : null}
        </div>
        <PendingButton>
          Rename<span className="sr-only"> {project}</span>
        </PendingButton>
      </div>
      <FormMessage state={state} />
    </form>
  );
}

export function ProjectLink({ name }: { name: string }) {
  return <Link href={`/projects/${encodeURIComponent(name)}`} className="text-accent underline-offset-2 hover:underline">{name}</Link>;
}
