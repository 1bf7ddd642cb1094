import type { Metadata } from "next";
import { DroppedNotice } from "@/components/dropped-notice";
import { Name } from "@/components/name";
import { Notice } from "@/components/notice";
import { ConfusionTable } from "@/components/confusion/confusion-table";
import { matrixTable, matrixView } from "@/components/confusion/matrix-view";
import { RunForm } from "@/components/confusion/run-form";
import { TopConfusions } from "@/components/confusion/top-confusions";
import { count } from "@/lib/format";
import { pool } from "@/lib/db/pool";
import { confusionMatrix, listRuns } from "@/lib/metrics/queries";
import { projectAccess } from "@/lib/auth/access";
import { intentLabels } from "@/lib/taxonomy/intents";
import type { SearchParams } from "@/lib/url-state";
import { confusionState } from "./search-params";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Confusion matrix" };

export default async function ConfusionPage({ params, searchParams }: { params: Promise<{ project: string }>; searchParams: Promise<SearchParams> }) {
  const { project: name } = await params;
  const { project } = await projectAccess(name);
  const runs = await listRuns(pool(), project.id);
  const { run, unknown, dropped } = confusionState(runs, await searchParams);
  const [matrix, intents] = run ? await Promise.all([confusionMatrix(pool(), project.id, run.id), intentLabels(project.id)]) : [null, []];
  const view = matrix ? matrixView(matrix, intents) : null;

  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-2xl font-semibold tracking-tight">Confusion matrix</h1>
        <p className="mt-1 max-w-3xl text-sm text-muted">
          Which intent a run read for each ground-truth intent. The diagonal (green) is right; red cells are confusions, darker
          the more often they happen. Completions that broke the answer format have no intent and are counted in their own
          column. Predicted intents outside the taxonomy get their own columns, marked unknown.
        </p>
      </header>
      {!run || !view ? (
        <Notice testId="no-runs">No runs yet: push completions through the API or the import command.</Notice>
      ) : (
        <>
          <RunForm key={run.name} runs={runs.map((entry) => entry.name)} run={run.name} />
          <DroppedNotice dropped={dropped} />
          {unknown !== null ? <Notice testId="unknown-run">No run named “<Name text={unknown} />” in this project, so this shows <Name text={run.name} /> instead.</Notice> : null}
          <section aria-labelledby="matrix-heading">
            <h2 id="matrix-heading" className="text-lg font-semibold"><Name text={run.name} /></h2>
            <p className="mt-1 text-sm text-muted" data-testid="matrix-summary">
              {count(view.totals.all)} completions: {count(view.totals.correct)} with the right intent,{" "}
              {count(view.totals.all - view.totals.correct - view.totals.formatErrors)} with another,{" "}
              {count(view.totals.formatErrors)} {view.totals.formatErrors === 1 ? "format error" : "format errors"}.
            </p>
            <div className="mt-3"><ConfusionTable view={matrixTable(view)} run={run.name} project={project.name} /></div>
          </section>
          <section aria-labelledby="top-heading">
            <h2 id="top-heading" className="text-lg font-semibold">Most frequent confusions</h2>
            <div className="mt-2"><TopConfusions confusions={view.confusions} /></div>
          </section>
        </>
      )}
    </div>
  );
}
