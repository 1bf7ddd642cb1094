import { ApiError } from "./errors";
import type { ApiRequest } from "./handler";

const MAX_DEPTH = 64;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads a JSON body with a byte limit (413 past it, before reading it all),
 * strict UTF-8, and rejects what PostgreSQL cannot store or what only an
 * attacker sends: NUL characters, lone surrogates, absurd nesting.
 */
export async function readJson(request: ApiRequest, maxBytes: number, timeoutMs: number): Promise<unknown> {
  const limitText = `${(maxBytes / 1_000_000).toLocaleString("en-US")} MB`;
  const tooLarge = () => new ApiError(413, "payload_too_large", `request body is larger than the limit of ${limitText}`, { limitBytes: maxBytes });
  const declared = Number(request.header("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  const contentType = request.header("content-type") ?? "";
  if (contentType && !/^application\/(.+\+)?json\b/i.test(contentType)) {
    throw new ApiError(415, "unsupported_media_type", "send the body as application/json");
  }
  const bytes = await request.readBody(maxBytes, timeoutMs);
  if (bytes === null) throw tooLarge();
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new ApiError(400, "invalid_encoding", "request body is not valid UTF-8");
  }
  if (text.trim() === "") throw new ApiError(400, "invalid_json", "request body is empty: send a JSON object");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, "invalid_json", `request body is not valid JSON: ${(error as Error).message}`);
  }
  checkValue(value);
  return value;
}

/** Iterative walk (no recursion, so no stack overflow on deep input). */
function checkValue(root: unknown): void {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value: root, depth: 0, path: "" }];
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop()!;
    if (depth > MAX_DEPTH) throw new ApiError(400, "too_deep", `JSON is nested more than ${MAX_DEPTH} levels deep`);
    if (typeof value === "string") {
      checkString(value, path);
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => stack.push({ value: item, depth: depth + 1, path: `${path}/${index}` }));
    } else if (value !== null && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) {
        checkString(key, path);
        // JavaScript parsing drops such a key silently (and zod never sees it): refused rather than changed.
        if (key === "__proto__") throw new ApiError(400, "invalid_key", `'__proto__' cannot be used as a key (at ${path}/__proto__): rename it`, { pointer: `${path}/__proto__` });
        stack.push({ value: item, depth: depth + 1, path: `${path}/${key}` });
      }
    }
  }
}

function checkString(value: string, path: string): void {
  checkText(value, `text at ${path || "/"}`, { pointer: path || "/" });
}

/** PostgreSQL cannot store a NUL character, and a lone surrogate is not Unicode: a 400 naming `where`. */
export function checkText(value: string, where: string, details: unknown = null): void {
  if (value.includes("\u0000")) throw new ApiError(400, "invalid_text", `${where} contains a NUL character`, details);
  if (!value.isWellFormed()) throw new ApiError(400, "invalid_text", `${where} contains a lone surrogate (not valid Unicode)`, details);
}

/** The 408 for a body that did not arrive in time; the connection is closed, since the rest of the body is not read. */
export function bodyTimeout(): ApiError {
  return new ApiError(408, "request_timeout", "the request body did not arrive in time: send it at once, without pauses", null, { connection: "close" });
}
