import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { createApiKey, type ApiKeyScope } from "../../lib/api/keys";
import { closePool, pool } from "../../lib/db/pool";
import { ensureProject } from "../../lib/projects";
import { taxonomySchema, type IntentInput } from "../../lib/validations/taxonomy";

export function useApi() {
  process.env.DATABASE_URL = inject("databaseUrl");
  return { baseUrl: inject("baseUrl"), pool: pool(), close: closePool };
}

/** A project of the test's own with the given intents, and one key per scope. */
export async function projectWithKeys(intents: IntentInput[] = []) {
  const name = `api-${randomBytes(5).toString("hex")}`;
  const projectId = await ensureProject(name, { intents: intents.length > 0 ? taxonomySchema.parse({ intents }).intents : [] });
  const keys = {} as Record<ApiKeyScope, string>;
  for (const scope of ["ingest", "read", "admin"] as const) keys[scope] = (await createApiKey(projectId, `test-${scope}`, scope)).secret;
  return { name, projectId, keys };
}

export async function call(method: string, url: string, options: { key?: string; body?: unknown; rawBody?: string | Uint8Array; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  let body: string | Blob | undefined;
  if (options.rawBody !== undefined) body = typeof options.rawBody === "string" ? options.rawBody : new Blob([new Uint8Array(options.rawBody)]);
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers["content-type"] ??= "application/json";
  const response = await fetch(`${inject("baseUrl")}${url}`, { method, headers, body });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = { unparsed: text };
  }
  return { status: response.status, headers: response.headers, json: json as Record<string, any> };
}
