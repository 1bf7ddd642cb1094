import type pg from "pg";
import type { RewardConfig } from "./grading/intent";

/** What storing and grading need to know about a project. */
export interface ProjectContext {
  id: number;
  name: string;
  rewards: RewardConfig;
  /** Intent id -> current guideline version. */
  intents: Map<string, number>;
}

export async function ensureProject(db: pg.ClientBase | pg.Pool, name: string, options: { simulated?: boolean } = {}): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO projects (name, simulated) VALUES ($1, $2)
     ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id`,
    [name, options.simulated ?? false],
  );
  return rows[0]!.id;
}

export async function loadProject(db: pg.ClientBase | pg.Pool, name: string): Promise<ProjectContext | null> {
  const { rows } = await db.query<{ id: number; name: string; reward_correct: number; reward_wrong: number; reward_format_error: number }>(
    "SELECT id, name, reward_correct, reward_wrong, reward_format_error FROM projects WHERE name = $1",
    [name],
  );
  const project = rows[0];
  if (!project) return null;
  const intents = await db.query<{ id: string; current_version: number }>(
    "SELECT id, current_version FROM intents WHERE project_id = $1",
    [project.id],
  );
  return {
    id: project.id,
    name: project.name,
    rewards: { correct: project.reward_correct, wrong: project.reward_wrong, formatError: project.reward_format_error },
    intents: new Map(intents.rows.map((intent) => [intent.id, intent.current_version])),
  };
}
