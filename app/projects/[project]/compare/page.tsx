import type { Metadata } from "next";
import { JudgeShown } from "@/components/judging/judge-view";
import { readPrimaryJudge } from "@/lib/judging/counted";
import { CompareForm, METRIC_LABELS } from "@/components/compare/compare-form";
import { ComparisonSummary } from "@/components/compare/comparison-summary";
import { DeltaMatrix } from "@/components/compare/delta-matrix";
import { deltaView } from "@/components/compare/delta-view";
import { DiscordantTable } from "@/components/compare/discordant-table";
import { IntentDeltaChart } from "@/components/compare/intent-delta-chart";
import { Name } from "@/components/name";
import { DroppedNotice } from "@/components/dropped-notice";
import { Notice } from "@/components/notice";
import { pool } from "@/lib/db/pool";
import { discordantCases } from "@/lib/metrics/discordant";
import { comparisonOf, deltaCells, intentDeltas, pairedGroups } from "@/lib/metrics/paired";
import { listRuns, type RunInfo, type SuccessKind } from "@/lib/metrics/queries";
import { count } from "@/lib/format";
import { projectAccess } from "@/lib/auth/access";
import { intentLabels } from "@/lib/taxonomy/intents";
import type { SearchParams } from "@/lib/url-state";
import { comparisonState } from "./search-params";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Compare runs" };

const LIST_LIMIT = 50;

async function Comparison({ projectId, projectName, a, b, metric }: { projectId: number; projectName: string; a: RunInfo; b: RunInfo; metric: SuccessKind }) {
  const db = pool();
  const [groups, onlyA, onlyB, taxonomy] = await Promise.all([
    pairedGroups(db, projectId, a.id, b.id, metric),
    discordantCases(db, projectId, a.id, b.id, metric, "onlyA", LIST_LIMIT),
    discordantCases(db, projectId, a.id, b.id, metric, "onlyB", LIST_LIMIT),
    intentLabels(projectId),
  ]);
  const comparison = comparisonOf(groups, metric);
  return (
    <div className="space-y-8">
      <section aria-labelledby="result-heading">
        <h2 id="result-heading" className="text-lg font-semibold"><Name text={a.name} /> vs <Name text={b.name} /></h2>
        <p className="text-sm text-muted">Success means {METRIC_LABELS[metric].toLowerCase()}, per case.</p>
        <div className="mt-3"><ComparisonSummary a={a.name} b={b.name} metric={metric} project={projectName} comparison={comparison} /></div>
      </section>
      <section aria-labelledby="intent-delta-heading">
        <h2 id="intent-delta-heading" className="text-lg font-semibold">Success per intent, B − A</h2>
        <p className="mt-1 max-w-3xl text-sm text-muted">
          For each ground-truth intent, the share of its paired cases on which <Name text={b.name} /> succeeds minus the share for{" "}
          <Name text={a.name} />, in percentage points, largest gain first.
        </p>
        <div className="mt-3"><IntentDeltaChart deltas={intentDeltas(groups)} project={projectName} a={a.name} b={b.name} metric={metric} /></div>
      </section>
      <section aria-labelledby="delta-heading">
        <h2 id="delta-heading" className="text-lg font-semibold">Confusion matrix, B − A</h2>
        <p className="mt-1 max-w-3xl text-sm text-muted" data-testid="delta-population">
          Both runs are counted on the same {count(comparison.paired)} paired cases (cases only one run answered are left out), so each cell
          shows how many more (+) or fewer (−) of them <Name text={b.name} /> put there than <Name text={a.name} />, then A&apos;s count → B&apos;s,
          each opening that run&apos;s cases. Green is better for B (more read correctly on the diagonal, fewer confusions or format
          errors off it), red is worse.
        </p>
        <div className="mt-3"><DeltaMatrix view={deltaView(deltaCells(groups), taxonomy)} project={projectName} a={a.name} b={b.name} /></div>
      </section>
      <section aria-labelledby="cases-heading" className="space-y-6">
        <h2 id="cases-heading" className="text-lg font-semibold">Discordant cases</h2>
        <DiscordantTable winner={a.name} testId="only-a-cases" a={a.name} b={b.name} cases={onlyA} total={comparison.onlyA} project={projectName} />
        <DiscordantTable winner={b.name} testId="only-b-cases" a={a.name} b={b.name} cases={onlyB} total={comparison.onlyB} project={projectName} />
      </section>
    </div>
  );
}

export default async function ComparePage({ params, searchParams }: { params: Promise<{ project: string }>; searchParams: Promise<SearchParams> }) {
  const { project: name } = await params;
  const { project } = await projectAccess(name);
  const runs = await listRuns(pool(), project.id);
  const state = comparisonState(runs, await searchParams);

  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-2xl font-semibold tracking-tight">Compare runs</h1>
        <p className="mt-1 max-w-3xl text-sm text-muted">
          Two runs on the cases both answered. What matters is the discordant cases, where one run succeeds and the other
          fails; McNemar&apos;s exact test says how likely a split this uneven would be if the runs were equally good.
        </p>
        <JudgeShown primary={await readPrimaryJudge(pool(), project.id)} />
      </header>
      {state.status === "too-few-runs" ? (
        <Notice testId="too-few-runs">
          Comparing needs at least two runs, and this project has {runs.length === 0 ? "none" : <>only one (<Name text={runs[0]!.name} />)</>}.
          Push completions for another run through the API or the import command.
        </Notice>
      ) : (
        <>
          <CompareForm key={`${state.a.name}|${state.b.name}|${state.metric}`} runs={runs.map((run) => run.name)} a={state.a.name} b={state.b.name} metric={state.metric} />
          <DroppedNotice dropped={state.dropped} />
          {state.unknown.length > 0 ? (
            <Notice testId="unknown-run">
              No run named {state.unknown.map((run, i) => <span key={i}>{i > 0 ? " or " : ""}“<Name text={run} />”</span>)} in this project, so the comparison shows{" "}
              <Name text={state.a.name} /> and <Name text={state.b.name} /> instead.
            </Notice>
          ) : null}
          {state.status === "same-run" ? (
            <Notice testId="same-run">
              Run A and run B are both <Name text={state.a.name} />: a run always agrees with itself. Pick two different runs to compare.
            </Notice>
          ) : (
            <Comparison projectId={project.id} projectName={project.name} a={state.a} b={state.b} metric={state.metric} />
          )}
        </>
      )}
    </div>
  );
}
