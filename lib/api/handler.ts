/**
 * The one wrapper every /api/v1 endpoint goes through: authentication and
 * scope, admission control, body and query parsing with zod, and errors as
 * JSON (4xx for the client's mistakes, 503 + Retry-After while PostgreSQL is
 * away, 500 for our own bugs, never an HTML page or a stack trace).
 *
 * The core (`apiHandler`) knows no framework: a request is headers, a query
 * string, path parameters and a way to read the body; the answer is a
 * JsonReply. `apiRoute` adapts it to a Next.js route handler, and
 * lib/api/direct.ts to Node's http layer for the endpoints the custom server
 * answers without Next.
 */
import type { z } from "zod";
import { readEnv } from "../config";
import { pool } from "../db/pool";
import { searchParamsObject } from "../url-state";
import { bodyTimeout, checkText, readJson } from "./body";
import { ApiError, errorReply, isDatabaseUnavailable, issueDetails, JsonReply } from "./errors";
import type { Endpoint, ParamsSchema } from "./endpoint";
import { allows, verifyApiKey, type Permission, type VerifiedKey } from "./keys";
import { InFlightLimiter } from "./limits";

const globalForLimiter = globalThis as unknown as { ibLimiter?: InFlightLimiter; ibBodyTimeoutMs?: number };
const limiter = (globalForLimiter.ibLimiter ??= (() => {
  const env = readEnv();
  return new InFlightLimiter(env.IB_API_MAX_INFLIGHT_PER_PROJECT, env.IB_API_MAX_INFLIGHT);
})());
const bodyTimeoutMs = (globalForLimiter.ibBodyTimeoutMs ??= readEnv().IB_API_BODY_TIMEOUT_MS);

/** An HTTP request as the API needs it, whichever server received it. */
export interface ApiRequest {
  /** A header by lower-case name. */
  header(name: string): string | null;
  /** The query string: "" or "?a=1&b=2". */
  search: string;
  params: Record<string, string>;
  /**
   * The body's bytes, or null as soon as it is longer than maxBytes (the rest
   * is discarded). Rejects with a 408 ApiError when it has not all arrived
   * within timeoutMs.
   */
  readBody(maxBytes: number, timeoutMs: number): Promise<Uint8Array | null>;
}

export type ApiHandler = (request: ApiRequest) => Promise<JsonReply>;

export interface RouteContext<B, Q, P> {
  key: VerifiedKey;
  body: B;
  query: Q;
  params: P;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
type Handle<BS, QS, PS> = (context: RouteContext<Out<BS>, Out<QS>, Out<PS>>) => Promise<JsonReply | unknown>;

/** An endpoint's whole handling: the domain function `handle` gets checked, parsed input; a plain result is a 200. */
export function apiHandler<BS extends z.ZodType | undefined = undefined, QS extends z.ZodType | undefined = undefined, PS extends ParamsSchema | undefined = undefined>(
  options: Endpoint<BS, QS, PS>,
  handle: Handle<BS, QS, PS>,
): ApiHandler {
  return async (request) => {
    let release: (() => void) | null = null;
    try {
      const key = await authenticate(request, options.permission);
      const rawQuery = searchParamsObject(new URLSearchParams(request.search));
      checkRequestText(request.params, rawQuery);
      const params = options.params ? parse(options.params, request.params, "invalid_path", "path parameter") : undefined;
      const query = options.query ? parse(options.query, rawQuery, "invalid_query", "query parameters") : undefined;
      // Admission only once the body is here: a client still sending (or
      // stalling) holds no slot, and the body has a deadline of its own.
      const body = options.body ? parse(options.body, await readJson(request, options.maxBytes ?? 1_000_000, bodyTimeoutMs), "invalid_body", "request body") : undefined;
      release = limiter.acquire(key.projectName);
      const result = await handle({ key, body: body as Out<BS>, query: query as Out<QS>, params: params as Out<PS> });
      return result instanceof JsonReply ? result : new JsonReply(200, result);
    } catch (error) {
      return replyForError(error);
    } finally {
      release?.();
    }
  };
}

/** A Next.js route handler for an API handler. */
export function nextRoute(handler: ApiHandler) {
  return async (request: Request, segment: { params: Promise<Record<string, string | string[]>> }): Promise<Response> => {
    let params: Record<string, string>;
    try {
      params = Object.fromEntries(Object.entries((await segment.params) ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.join("/") : v]));
    } catch (error) {
      return replyForError(error).toResponse();
    }
    const reply = await handler({
      header: (name) => request.headers.get(name),
      search: new URL(request.url).search,
      params,
      readBody: (maxBytes, timeoutMs) => readStream(request.body, maxBytes, timeoutMs),
    });
    return reply.toResponse();
  };
}

/** `nextRoute(apiHandler(options, handle))`. */
export function apiRoute<BS extends z.ZodType | undefined = undefined, QS extends z.ZodType | undefined = undefined, PS extends ParamsSchema | undefined = undefined>(
  options: Endpoint<BS, QS, PS>,
  handle: Handle<BS, QS, PS>,
) {
  return nextRoute(apiHandler(options, handle));
}

async function readStream(body: ReadableStream<Uint8Array> | null, maxBytes: number, timeoutMs: number): Promise<Uint8Array | null> {
  if (!body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  let timer: NodeJS.Timeout | undefined;
  let late = false;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      late = true;
      reject(bodyTimeout());
      void reader.cancel().catch(() => undefined);
    }, timeoutMs);
  });
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), timedOut]);
      // A cancelled read ends the stream: what arrived so far is not the body.
      if (late) throw bodyTimeout();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return null;
      }
      chunks.push(value);
    }
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks);
}

export function replyForError(error: unknown): JsonReply {
  if (error instanceof ApiError) return errorReply(error);
  if (isDatabaseUnavailable(error)) {
    return errorReply(new ApiError(503, "database_unavailable", "the database is unavailable; retry after the delay in Retry-After", null, { "retry-after": "2" }));
  }
  console.error("[api] unexpected error", error);
  return errorReply(new ApiError(500, "internal", "internal error; it has been logged"));
}

export function toResponse(error: unknown): Response {
  return replyForError(error).toResponse();
}

async function authenticate(request: ApiRequest, permission: Permission): Promise<VerifiedKey> {
  const header = request.header("authorization") ?? "";
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

/** Path and query text goes to PostgreSQL, which cannot hold a NUL: refused here for every route, naming the parameter. */
function checkRequestText(params: Record<string, string>, query: Record<string, string | string[]>): void {
  for (const [name, value] of Object.entries(params)) checkText(value, `path parameter '${name}'`);
  for (const [name, value] of Object.entries(query)) {
    checkText(name, "a query parameter name");
    for (const item of Array.isArray(value) ? value : [value]) checkText(item, `query parameter '${name}'`);
  }
}
