/**
 * The one wrapper every /api/v1 route goes through: authentication and scope,
 * admission control, body and query parsing with zod, and errors as JSON
 * (4xx for the client's mistakes, 503 + Retry-After while PostgreSQL is away,
 * 500 for our own bugs, never an HTML page or a stack trace).
 */
import type { z } from "zod";
import { pool } from "../db/pool";
import { readJson } from "./body";
import { ApiError, errorResponse, isDatabaseUnavailable, issueDetails, jsonResponse } from "./errors";
import type { Endpoint } from "./endpoint";
import { allows, verifyApiKey, type Permission, type VerifiedKey } from "./keys";
import { InFlightLimiter } from "./limits";

const globalForLimiter = globalThis as unknown as { ibLimiter?: InFlightLimiter };
const limiter = (globalForLimiter.ibLimiter ??= new InFlightLimiter(
  Number(process.env.IB_API_MAX_INFLIGHT_PER_PROJECT ?? 16),
  Number(process.env.IB_API_MAX_INFLIGHT ?? 64),
));

export interface RouteContext<B, Q> {
  key: VerifiedKey;
  body: B;
  query: Q;
  params: Record<string, string>;
  request: Request;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export function apiRoute<BS extends z.ZodType | undefined = undefined, QS extends z.ZodType | undefined = undefined>(
  options: Endpoint<BS, QS>,
  handle: (context: RouteContext<Out<BS>, Out<QS>>) => Promise<Response | unknown>,
) {
  return async (request: Request, segment: { params: Promise<Record<string, string | string[]>> }): Promise<Response> => {
    let release: (() => void) | null = null;
    try {
      const key = await authenticate(request, options.permission);
      release = limiter.acquire(key.projectName);
      const params = Object.fromEntries(Object.entries((await segment.params) ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.join("/") : v]));
      const query = options.query ? parse(options.query, searchParamsObject(new URL(request.url).searchParams), "invalid_query", "query parameters") : undefined;
      const body = options.body ? parse(options.body, await readJson(request, options.maxBytes ?? 1_000_000), "invalid_body", "request body") : undefined;
      const result = await handle({ key, body: body as Out<BS>, query: query as Out<QS>, params, request });
      return result instanceof Response ? result : jsonResponse(200, result);
    } catch (error) {
      return toResponse(error);
    } finally {
      release?.();
    }
  };
}

export function toResponse(error: unknown): Response {
  if (error instanceof ApiError) return errorResponse(error);
  if (isDatabaseUnavailable(error)) {
    return errorResponse(new ApiError(503, "database_unavailable", "the database is unavailable; retry after the delay in Retry-After", null, { "retry-after": "2" }));
  }
  console.error("[api] unexpected error", error);
  return errorResponse(new ApiError(500, "internal", "internal error; it has been logged"));
}

async function authenticate(request: Request, permission: Permission): Promise<VerifiedKey> {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new ApiError(401, "unauthorized", "missing API key: send Authorization: Bearer <api key>", null, { "www-authenticate": "Bearer" });
  const key = await verifyApiKey(pool(), match[1]!);
  if (!key) throw new ApiError(401, "unauthorized", "invalid or revoked API key", null, { "www-authenticate": "Bearer" });
  if (!allows(key.scope, permission)) throw new ApiError(403, "forbidden", `this key has scope '${key.scope}'; this request needs '${permission}'`);
  return key;
}

function parse<S extends z.ZodType>(schema: S, value: unknown, code: string, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const first = result.error.issues[0];
    const where = first && first.path.length > 0 ? ` at ${first.path.join(".")}` : "";
    throw new ApiError(400, code, `invalid ${what}${where}: ${first?.message ?? "invalid"}`, issueDetails(result.error.issues));
  }
  return result.data;
}

/** Repeated parameters become arrays; single ones stay strings. */
export function searchParamsObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    out[key] = values.length === 1 ? values[0]! : values;
  }
  return out;
}
