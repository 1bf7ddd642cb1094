// A brand shared by every copy of this module in the process (the custom
// server's and Next's bundled one share objects such as the admission limiter),
// where `instanceof` would only know its own copy's class.
const API_ERROR = Symbol.for("interaction-browser.ApiError");

/** The API's error shape, the same for every endpoint (README, "HTTP API"): {"error": {"code", "message", "details"}}. */
export class ApiError extends Error {
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[API_ERROR] === true;
  }

  readonly [API_ERROR] = true;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export function errorBody(code: string, message: string, details: unknown = null) {
  return { error: { code, message, details } };
}

/** An API answer as plain data, for Next's Response and Node's http layer alike. */
export class JsonReply {
  readonly headers: Record<string, string>;
  readonly body: string;

  constructor(
    readonly status: number,
    value: unknown,
    headers: Record<string, string> = {},
  ) {
    this.body = JSON.stringify(value);
    this.headers = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers };
  }

  toResponse(): Response {
    return new Response(this.body, { status: this.status, headers: this.headers });
  }
}

export function errorReply(error: ApiError): JsonReply {
  return new JsonReply(error.status, errorBody(error.code, error.message, error.details), error.headers);
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new JsonReply(status, body, headers).toResponse();
}

export function errorResponse(error: ApiError): Response {
  return errorReply(error).toResponse();
}

/** zod issues as details: where and what. */
export function issueDetails(issues: readonly { path: readonly PropertyKey[]; message: string }[]) {
  return issues.map((issue) => ({ path: issue.path.map((p) => (typeof p === "symbol" ? String(p) : p)), message: issue.message }));
}

/** PostgreSQL is down, restarting or refusing connections: the client should retry. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const err = error as { code?: string; message?: string } | null;
  if (!err) return false;
  const code = err.code ?? "";
  if (["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "57P01", "57P02", "57P03", "53300"].includes(code)) return true;
  if (code.startsWith("08")) return true; // connection exceptions
  const message = err.message ?? "";
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down)/i.test(message);
}

/** Throws a 413 naming the limit when a batch holds more than `limit` items ("records", "items"). */
export function checkBatchSize(count: number, limit: number, noun: string): void {
  if (count <= limit) return;
  throw new ApiError(
    413,
    `too_many_${noun}`,
    `at most ${limit.toLocaleString("en-US")} ${noun} per request; this one has ${count.toLocaleString("en-US")}: split it into smaller batches`,
    { limit, count },
  );
}
