/**
 * A project's judges: the built-in `rubric` judge (always there, never stored)
 * and its LLM judges, stored in `judges` with the API key encrypted
 * (lib/judging/secrets.ts). Every change of an LLM judge's settings is one
 * more configuration version; verdicts record the version they came from.
 * A stored key is never sent to a new address: changing baseUrl without a new
 * apiKey is refused. A change made by a user (the judges page) is written to
 * the audit log in the same transaction, with the key masked.
 */
import { audit, type Actor } from "../audit";
import { inTransaction, prisma, type Db } from "../db/prisma";
import { RUBRIC_JUDGE_NAME, type JudgeConfig, type JudgeListItem } from "../validations/judging";
import { RUBRIC_JUDGE } from "./rubric";
import { decryptSecret, encryptSecret, maskSecret } from "./secrets";

export class JudgeConfigError extends Error {
  override name = "JudgeConfigError";
  constructor(message: string, readonly code: "base_url_needs_key" | "built_in" | "no_key_stored" | "key_unreadable" | "exists" | "version_conflict") {
    super(message);
  }
}

/** A judge ready to judge: the rubric judge, or an LLM judge with its key decrypted. */
export type ResolvedJudge =
  | { kind: "rubric"; name: string; version: string }
  | {
      kind: "openai";
      name: string;
      version: string;
      baseUrl: string;
      model: string;
      apiKey: string;
      temperature: number | null;
      timeoutMs: number;
      concurrency: number;
      samples: number;
      promptTemplate: string | null;
    };

const RUBRIC_ITEM: JudgeListItem = {
  name: RUBRIC_JUDGE_NAME,
  kind: "rubric",
  version: RUBRIC_JUDGE.version,
  builtIn: true,
  baseUrl: null,
  model: null,
  apiKey: null,
  temperature: null,
  timeoutMs: null,
  concurrency: null,
  samples: null,
  promptTemplate: null,
  updatedAt: null,
};

type JudgeRow = NonNullable<Awaited<ReturnType<ReturnType<typeof prisma>["judge"]["findFirst"]>>>;

function listItem(row: JudgeRow): JudgeListItem {
  return {
    name: row.name,
    kind: "openai",
    version: row.version,
    builtIn: false,
    baseUrl: row.baseUrl,
    model: row.model,
    apiKey: row.apiKeyHint,
    temperature: row.temperature,
    timeoutMs: row.timeoutMs,
    concurrency: row.concurrency,
    samples: row.samples,
    promptTemplate: row.promptTemplate,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listJudges(projectId: number, db: Db = prisma()): Promise<JudgeListItem[]> {
  const rows = await db.judge.findMany({ where: { projectId, kind: "llm" }, orderBy: { name: "asc" } });
  return [RUBRIC_ITEM, ...rows.map(listItem)];
}

/**
 * How a change is made: `actor` audits it (in the same transaction);
 * `expectVersion` guards an edit made from a form, null meaning "a new judge"
 * (so adding never silently changes an existing one) and a version meaning
 * "the one the user was editing" (so a change saved meanwhile is not
 * overwritten unseen).
 */
export interface PutJudgeOptions {
  actor?: Actor;
  expectVersion?: string | null;
}

/** What the audit log keeps of a judge: its settings, the key only masked. */
function audited(judge: JudgeListItem) {
  const { name: _name, kind: _kind, builtIn: _builtIn, updatedAt: _updatedAt, apiKey, ...settings } = judge;
  return { ...settings, apiKeyHint: apiKey };
}

type PutResult = { judge: JudgeListItem; created: boolean; changed: boolean };

/** Creates or changes an LLM judge; a change that alters nothing keeps the version. */
export async function putJudge(projectId: number, name: string, config: JudgeConfig, db: Db = prisma(), options: PutJudgeOptions = {}): Promise<PutResult> {
  if (name === RUBRIC_JUDGE_NAME) throw new JudgeConfigError("the rubric judge is built in and cannot be configured; give this judge another name", "built_in");
  const { actor } = options;
  if (!actor) return (await storeJudge(projectId, name, config, db, options.expectVersion)).result;
  return inTransaction(db, async (tx) => {
    const { result, before, keyChanged } = await storeJudge(projectId, name, config, tx, options.expectVersion);
    if (result.changed) {
      await audit(
        {
          actor,
          projectId,
          action: result.created ? "judge.create" : "judge.update",
          objectType: "judge",
          objectId: name,
          before: before ? audited(before) : null,
          // The hint can stay the same when the key changes (same last characters): say so, without the key.
          after: { ...audited(result.judge), apiKeyChanged: keyChanged },
        },
        tx,
      );
    }
    return result;
  });
}

async function storeJudge(projectId: number, name: string, config: JudgeConfig, db: Db, expectVersion: string | null | undefined): Promise<{ result: PutResult; before: JudgeListItem | null; keyChanged: boolean }> {
  const existing = await db.judge.findUnique({ where: { projectId_name: { projectId, name } } });
  if (existing && expectVersion === null) throw new JudgeConfigError(`there is already a judge named '${name}': pick it to change it`, "exists");
  if (typeof expectVersion === "string" && existing?.version !== expectVersion) {
    throw new JudgeConfigError(
      existing ? `someone saved version ${existing.version} of judge '${name}' meanwhile: reload to see it, then change it again` : `there is no judge named '${name}' any more`,
      "version_conflict",
    );
  }
  if (!existing && config.apiKey === undefined) throw new JudgeConfigError("apiKey is required for a new judge (send any non-empty value if the server needs none)", "no_key_stored");
  if (existing && config.apiKey === undefined && existing.baseUrl !== config.baseUrl) {
    throw new JudgeConfigError("baseUrl changed: send apiKey again (a stored key is never sent to a new address)", "base_url_needs_key");
  }
  const settings = {
    baseUrl: config.baseUrl,
    model: config.model,
    temperature: config.temperature ?? null,
    timeoutMs: config.timeoutMs,
    concurrency: config.concurrency,
    samples: config.samples,
    promptTemplate: config.promptTemplate ?? null,
  };
  const secret = config.apiKey === undefined ? {} : { apiKeyEncrypted: encryptSecret(config.apiKey), apiKeyHint: maskSecret(config.apiKey) };
  if (!existing) {
    const row = await db.judge.create({ data: { projectId, name, kind: "llm", version: "1", ...settings, ...secret } }).catch((error: unknown) => {
      throw prismaCode(error) === "P2002" ? new JudgeConfigError(`judge '${name}' was created by someone else meanwhile: reload to see it, then change it`, "version_conflict") : error;
    });
    return { result: { judge: listItem(row), created: true, changed: true }, before: null, keyChanged: true };
  }
  const storedKey = () => {
    try {
      return existing.apiKeyEncrypted === null ? null : decryptSecret(existing.apiKeyEncrypted);
    } catch {
      return null; // unreadable (the instance key changed): the new key replaces it
    }
  };
  const before = listItem(existing);
  const keyChanged = config.apiKey !== undefined && storedKey() !== config.apiKey;
  const changed = keyChanged || (Object.keys(settings) as (keyof typeof settings)[]).some((key) => existing[key] !== settings[key]);
  if (!changed) return { result: { judge: before, created: false, changed: false }, before, keyChanged };
  // Only over the version read: two changes at once never both become the same next version.
  const row = await db.judge.update({
    where: { id: existing.id, version: existing.version },
    data: { ...settings, ...secret, version: String(Number(existing.version) + 1) },
  }).catch((error: unknown) => {
    throw prismaCode(error) === "P2025" ? new JudgeConfigError(`judge '${name}' was changed by someone else meanwhile: reload to see its new version, then change it again`, "version_conflict") : error;
  });
  return { result: { judge: listItem(row), created: false, changed: true }, before, keyChanged };
}

function prismaCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" ? error.code : undefined;
}

/** A judge by name, ready to judge, or null when the project has none of that name. */
export async function resolveJudge(projectId: number, name: string, db: Db = prisma()): Promise<ResolvedJudge | null> {
  if (name === RUBRIC_JUDGE_NAME) return { kind: "rubric", name, version: RUBRIC_JUDGE.version };
  const row = await db.judge.findUnique({ where: { projectId_name: { projectId, name } } });
  if (!row || row.kind !== "llm" || !row.baseUrl || !row.model) return null;
  return {
    kind: "openai",
    name,
    version: row.version,
    baseUrl: row.baseUrl,
    model: row.model,
    apiKey: row.apiKeyEncrypted ? readKey(name, row.apiKeyEncrypted) : "",
    temperature: row.temperature,
    timeoutMs: row.timeoutMs,
    concurrency: row.concurrency,
    samples: row.samples,
    promptTemplate: row.promptTemplate,
  };
}

function readKey(judge: string, stored: string): string {
  try {
    return decryptSecret(stored);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new JudgeConfigError(`cannot decrypt the API key of judge '${judge}' (${why}): was IB_SECRET_KEY or <IB_DATA_DIR>/secret-key changed? Send the key again with PUT /api/v1/judges/${judge}`, "key_unreadable");
  }
}
