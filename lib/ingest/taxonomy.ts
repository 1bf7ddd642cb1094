import type pg from "pg";
import type { Intent } from "../validations/taxonomy";
import { isDeepStrictEqual } from "node:util";

export interface TaxonomyResult {
  created: string[];
  /** Intents whose guideline (policy text or rubric) changed: a new version each. */
  newVersion: string[];
  unchanged: string[];
}

/**
 * Upserts intents. A changed guideline becomes a new version; older versions
 * stay, because past policy verdicts name the version they were judged against.
 */
export async function upsertIntents(db: pg.ClientBase, projectId: number, intents: readonly Intent[]): Promise<TaxonomyResult> {
  const result: TaxonomyResult = { created: [], newVersion: [], unchanged: [] };
  const { rows } = await db.query<{ id: string; label: string; description: string; version: number; policy: string; rubric: unknown }>(
    `SELECT i.id, i.label, i.description, g.version, g.policy, g.rubric
       FROM intents i JOIN policy_guidelines g
         ON g.project_id = i.project_id AND g.intent_id = i.id AND g.version = i.current_version
      WHERE i.project_id = $1 FOR UPDATE OF i`,
    [projectId],
  );
  const existing = new Map(rows.map((row) => [row.id, row]));
  for (const intent of intents) {
    const current = existing.get(intent.id);
    if (!current) {
      await db.query("INSERT INTO intents (project_id, id, label, description) VALUES ($1, $2, $3, $4)", [projectId, intent.id, intent.label, intent.description]);
      await db.query("INSERT INTO policy_guidelines (project_id, intent_id, version, policy, rubric) VALUES ($1, $2, 1, $3, $4)", [projectId, intent.id, intent.policy, JSON.stringify(intent.rubric)]);
      result.created.push(intent.id);
      continue;
    }
    const guidelineChanged = current.policy !== intent.policy || !isDeepStrictEqual(current.rubric, intent.rubric);
    const labelChanged = current.label !== intent.label || current.description !== intent.description;
    if (guidelineChanged) {
      const version = current.version + 1;
      await db.query("INSERT INTO policy_guidelines (project_id, intent_id, version, policy, rubric) VALUES ($1, $2, $3, $4, $5)", [projectId, intent.id, version, intent.policy, JSON.stringify(intent.rubric)]);
      await db.query("UPDATE intents SET label = $3, description = $4, current_version = $5, updated_at = now() WHERE project_id = $1 AND id = $2", [projectId, intent.id, intent.label, intent.description, version]);
      result.newVersion.push(intent.id);
    } else if (labelChanged) {
      await db.query("UPDATE intents SET label = $3, description = $4, updated_at = now() WHERE project_id = $1 AND id = $2", [projectId, intent.id, intent.label, intent.description]);
      result.unchanged.push(intent.id);
    } else {
      result.unchanged.push(intent.id);
    }
  }
  return result;
}
