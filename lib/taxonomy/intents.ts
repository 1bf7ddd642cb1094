/**
 * A project's taxonomy: its intents and their versioned policy guidelines,
 * read and written through the Prisma client (small tables, row by row).
 */
import { isDeepStrictEqual } from "node:util";
import { inTransaction, prisma, type Db } from "../db/prisma";
import type { Prisma } from "../generated/prisma/client";
import type { Intent, RubricItem } from "../validations/taxonomy";

export interface TaxonomyResult {
  created: string[];
  /** Intents whose guideline (policy text or rubric) changed: a new version each. */
  newVersion: string[];
  unchanged: string[];
}

export interface IntentWithGuideline {
  id: string;
  label: string;
  description: string;
  /** The version of the guideline in force. */
  version: number;
  policy: string;
  rubric: RubricItem[];
  updatedAt: Date;
}

/** Every intent of the project, by id, with the guideline version in force. */
export async function intentsWithGuidelines(projectId: number, db: Db = prisma()): Promise<IntentWithGuideline[]> {
  const intents = await db.intent.findMany({ where: { projectId }, orderBy: { id: "asc" } });
  if (intents.length === 0) return [];
  const guidelines = await db.policyGuideline.findMany({
    where: { projectId, OR: intents.map((intent) => ({ intentId: intent.id, version: intent.currentVersion })) },
    select: { intentId: true, policy: true, rubric: true },
  });
  const byIntent = new Map(guidelines.map((guideline) => [guideline.intentId, guideline]));
  return intents.map((intent) => {
    const guideline = byIntent.get(intent.id)!;
    return {
      id: intent.id,
      label: intent.label,
      description: intent.description,
      version: intent.currentVersion,
      policy: guideline.policy,
      rubric: guideline.rubric as RubricItem[],
      updatedAt: intent.updatedAt,
    };
  });
}

/** Id and label of every intent of the project (for display). */
export async function intentLabels(projectId: number, db: Db = prisma()): Promise<{ id: string; label: string }[]> {
  return db.intent.findMany({ where: { projectId }, select: { id: true, label: true }, orderBy: { id: "asc" } });
}

/**
 * Upserts intents, in one transaction (the one given, or a new one). A changed
 * guideline becomes a new version; older versions stay, because past policy
 * verdicts name the version they were judged against. A changed label or
 * description alone is applied without a new version (reported unchanged).
 */
export async function upsertIntents(projectId: number, intents: readonly Intent[], db: Db = prisma()): Promise<TaxonomyResult> {
  return inTransaction(db, async (tx) => {
    // Concurrent upserts of one taxonomy queue here instead of both writing the same next version.
    await tx.$queryRaw`SELECT 1 FROM intents WHERE project_id = ${projectId} FOR UPDATE`;
    const existing = new Map((await intentsWithGuidelines(projectId, tx)).map((intent) => [intent.id, intent]));
    const result: TaxonomyResult = { created: [], newVersion: [], unchanged: [] };
    const created: Intent[] = [];
    const versioned: { intent: Intent; version: number }[] = [];
    const relabelled: Intent[] = [];
    for (const intent of intents) {
      const current = existing.get(intent.id);
      if (!current) {
        created.push(intent);
        result.created.push(intent.id);
      } else if (current.policy !== intent.policy || !isDeepStrictEqual(current.rubric, intent.rubric)) {
        versioned.push({ intent, version: current.version + 1 });
        result.newVersion.push(intent.id);
      } else {
        if (current.label !== intent.label || current.description !== intent.description) relabelled.push(intent);
        result.unchanged.push(intent.id);
      }
    }
    const guideline = (intent: Intent, version: number) => ({ projectId, intentId: intent.id, version, policy: intent.policy, rubric: intent.rubric as Prisma.InputJsonValue });
    if (created.length > 0) {
      await tx.intent.createMany({ data: created.map((intent) => ({ projectId, id: intent.id, label: intent.label, description: intent.description })) });
    }
    const guidelines = [...created.map((intent) => guideline(intent, 1)), ...versioned.map(({ intent, version }) => guideline(intent, version))];
    if (guidelines.length > 0) await tx.policyGuideline.createMany({ data: guidelines });
    for (const { intent, version } of versioned) {
      await tx.intent.update({ where: { projectId_id: { projectId, id: intent.id } }, data: { label: intent.label, description: intent.description, currentVersion: version } });
    }
    for (const intent of relabelled) {
      await tx.intent.update({ where: { projectId_id: { projectId, id: intent.id } }, data: { label: intent.label, description: intent.description } });
    }
    return result;
  });
}

export interface GuidelineText {
  intentId: string;
  version: number;
  policy: string;
  /** The intent's version in force now (a verdict judged against an older one is stale). */
  currentVersion: number;
}

/**
 * The guideline text of each (intent, version) asked for; a null version asks
 * for the one in force. Intents the project lacks are left out.
 */
export async function guidelineTexts(projectId: number, wanted: { intentId: string; version: number | null }[], db: Db = prisma()): Promise<GuidelineText[]> {
  const ids = [...new Set(wanted.map((w) => w.intentId))];
  if (ids.length === 0) return [];
  const intents = new Map((await db.intent.findMany({ where: { projectId, id: { in: ids } }, select: { id: true, currentVersion: true } })).map((i) => [i.id, i.currentVersion]));
  const keys = wanted.flatMap((w) => (intents.has(w.intentId) ? [{ intentId: w.intentId, version: w.version ?? intents.get(w.intentId)! }] : []));
  if (keys.length === 0) return [];
  const rows = await db.policyGuideline.findMany({ where: { projectId, OR: keys }, select: { intentId: true, version: true, policy: true } });
  return rows.map((row) => ({ ...row, currentVersion: intents.get(row.intentId)! }));
}
