/**
 * Choosing a project's primary judge by hand (the judges page): only a name
 * that can count (lib/metrics/queries.ts `verdictJudges`: a configured judge,
 * the built-in rubric, or a judge with verdicts) or none. The recount and the
 * audit entry are one transaction (lib/judging/counted.ts).
 */
import type pg from "pg";
import { auditOver, type Actor } from "../audit";
import { verdictJudges } from "../metrics/queries";
import { setPrimaryJudge } from "./counted";

export class PrimaryJudgeError extends Error {
  override name = "PrimaryJudgeError";
}

export interface PrimaryJudgeChange {
  before: string | null;
  after: string | null;
  /** Completions whose counted verdict changed; 0 when the choice was already in force. */
  recounted: number;
  /** False when `after` was already the primary judge (nothing done, nothing audited). */
  changed: boolean;
}

/** Sets the primary judge (null: none) after checking it can count; an unchanged choice does nothing. */
export async function choosePrimaryJudge(db: pg.Pool, project: { id: number; name: string }, judge: string | null, actor: Actor): Promise<PrimaryJudgeChange> {
  const { names, primary } = await verdictJudges(db, project.id);
  if (judge !== null && !names.includes(judge)) {
    throw new PrimaryJudgeError(`'${judge}' cannot be the primary judge: it is not a judge of this project and has no verdicts in it (choose one of ${names.join(", ")}, or none)`);
  }
  if (judge === primary) return { before: primary, after: judge, recounted: 0, changed: false };
  const recounted = await setPrimaryJudge(db, project.id, judge, (client, n) =>
    auditOver(client, { actor, projectId: project.id, action: "project.primary_judge", objectType: "project", objectId: project.name, before: { primaryJudge: primary }, after: { primaryJudge: judge, recounted: n } }),
  );
  return { before: primary, after: judge, recounted, changed: true };
}
