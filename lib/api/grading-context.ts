/**
 * What the feedback endpoints grade against: the project's taxonomy (its
 * intent ids) and rewards, current as of the request.
 *
 * The rewards come with the key, read for every request (lib/api/keys.ts). The
 * taxonomy is kept in memory per project, tagged with the project's
 * `taxonomy_version`, which triggers bump in the same transaction as any change
 * to the project's intent ids (migration 20261202000000_project_cache_version).
 * The version read with the request's key is that of the latest commit before
 * the request, so a cached taxonomy at that version is the current one, and
 * any other is reloaded: a taxonomy or reward change reaches the next request.
 */
import type pg from "pg";
import { pool } from "../db/pool";
import type { RewardConfig } from "../grading/intent";
import { ApiError } from "./errors";
import type { VerifiedKey } from "./keys";

export interface GradingContext {
  taxonomy: ReadonlySet<string>;
  rewards: RewardConfig;
}

interface Taxonomy {
  version: number;
  intentIds: ReadonlySet<string>;
}

const taxonomies = new Map<number, Taxonomy>();

/** The project's intent ids and the version they are at, in one snapshot; null when the project is gone. */
async function loadTaxonomy(db: pg.Pool, projectId: number): Promise<Taxonomy | null> {
  const { rows } = await db.query<{ taxonomy_version: number; intent_ids: string[] }>(
    "SELECT p.taxonomy_version, ARRAY(SELECT i.id FROM intents i WHERE i.project_id = p.id) AS intent_ids FROM projects p WHERE p.id = $1",
    [projectId],
  );
  const row = rows[0];
  return row ? { version: row.taxonomy_version, intentIds: new Set(row.intent_ids) } : null;
}

/** The key's project's taxonomy and rewards: the taxonomy from memory when it is at the version read with the key. */
export async function gradingContextFor(key: VerifiedKey): Promise<GradingContext> {
  let taxonomy = taxonomies.get(key.projectId);
  if (taxonomy?.version !== key.taxonomyVersion) {
    const loaded = await loadTaxonomy(pool(), key.projectId);
    if (!loaded) throw new ApiError(401, "unauthorized", "the key's project no longer exists");
    taxonomy = loaded;
    // Versions only grow: a slower load of an older version must not replace a newer one.
    const current = taxonomies.get(key.projectId);
    if (!current || current.version < loaded.version) taxonomies.set(key.projectId, loaded);
  }
  return { taxonomy: taxonomy.intentIds, rewards: key.rewards };
}
