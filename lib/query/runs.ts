/** The runs of a project, for GET /api/v1/runs and run pickers. */
import type pg from "pg";

export interface RunListItem {
  name: string;
  model: string;
  parameters: Record<string, unknown>;
  createdAt: Date;
  /** Completions stored for the run (from the trigger-maintained aggregates: exact, no count over completions). */
  completions: number;
}

export async function listRunsWithCounts(db: pg.ClientBase | pg.Pool, projectId: number): Promise<RunListItem[]> {
  const { rows } = await db.query<{ name: string; model: string; parameters: Record<string, unknown>; created_at: Date; completions: number }>(
    `SELECT r.name, r.model, r.parameters, r.created_at, coalesce(s.total, 0)::bigint AS completions
       FROM runs r
       LEFT JOIN (SELECT run_id, sum(total) AS total FROM run_intent_stats WHERE project_id = $1 GROUP BY run_id) s ON s.run_id = r.id
      WHERE r.project_id = $1
      ORDER BY r.created_at, r.id`,
    [projectId],
  );
  return rows.map((row) => ({ name: row.name, model: row.model, parameters: row.parameters, createdAt: row.created_at, completions: row.completions }));
}
