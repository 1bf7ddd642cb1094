import type { Metadata } from "next";
import { GuidelineForm } from "@/components/guidelines/guideline-form";
import { projectAccess } from "@/lib/auth/access";
import { atLeast } from "@/lib/auth/roles";
import { intentsWithGuidelines } from "@/lib/taxonomy/intents";
import { saveGuideline } from "./actions";

export const metadata: Metadata = { title: "Guidelines" };

/** Each intent's policy guideline and rubric, in force; leads edit them (a new version each time). */
export default async function GuidelinesPage({ params }: { params: Promise<{ project: string }> }) {
  const { project: name } = await params;
  const { project, role } = await projectAccess(name);
  const intents = await intentsWithGuidelines(project.id);
  const editable = atLeast(role, "lead");
  const save = saveGuideline.bind(null, project.name);
  return (
    <section className="space-y-6">
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Guidelines</h1>
        <p className="text-muted">
          What the policy judge holds each reply to: the guideline of the intent the model predicted. Every saved change is a new version; verdicts keep the version they were judged against.
          {editable ? "" : " Leads can edit them."}
        </p>
      </div>
      {intents.length === 0 ? <p className="text-muted">This project has no intents yet: send them with PUT /api/v1/intents.</p> : null}
      <ul className="space-y-4">
        {intents.map((intent) => (
          <li key={intent.id} className="rounded-lg border border-line bg-white p-4" data-testid={`guideline-${intent.id}`}>
            <div className="flex flex-wrap items-baseline gap-x-3">
              <h2 className="font-semibold">{intent.label}</h2>
              <code className="text-xs text-muted">{intent.id}</code>
              <span className="text-xs text-muted" data-testid="guideline-version">version {intent.version}</span>
            </div>
            <p className="mt-2 whitespace-pre-wrap text-sm">{intent.policy}</p>
            {intent.rubric.length > 0 ? (
              <ul className="mt-2 list-inside list-disc text-xs text-muted">
                {intent.rubric.map((item) => (
                  <li key={item.id}>{item.description}</li>
                ))}
              </ul>
            ) : null}
            {editable ? (
              <details className="mt-3">
                <summary className="cursor-pointer text-sm font-medium text-accent">Edit</summary>
                <div className="mt-3">
                  <GuidelineForm action={save} intent={intent.id} version={intent.version} policy={intent.policy} rubric={intent.rubric.length ? JSON.stringify(intent.rubric, null, 2) : ""} />
                </div>
              </details>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
