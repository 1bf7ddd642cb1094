/**
 * Requests refused before any route sees them, because they are the client's
 * mistake and would otherwise reach code that cannot handle them (Next.js
 * answers a malformed percent-encoding with a plain-text 500; PostgreSQL
 * refuses a NUL character in text). Framework-free: the custom server
 * (scripts/serve.ts) calls it for every request.
 */
import { apiRouteMethods } from "../api/routes";

/** Methods the app serves; TRACE, CONNECT and anything else are refused. */
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

export type Screening =
  | { ok: true }
  | { ok: false; status: number; code: string; message: string; api: boolean; headers: Record<string, string> }
  /** Not an API request, and its path cannot name any page: show the app's not-found page. */
  | { ok: "not-found" };

const API_PREFIX = "/api/v1";

function refuse(status: number, code: string, message: string, api: boolean, headers: Record<string, string> = {}): Screening {
  return { ok: false, status, code, message, api, headers };
}

/** The path of a request target (origin form, or absolute form as sent to proxies); null when it is neither. */
function pathOf(target: string): string | null {
  if (target.startsWith("/")) {
    const end = target.search(/[?#]/);
    return end < 0 ? target : target.slice(0, end);
  }
  if (/^https?:\/\//i.test(target)) {
    try {
      return new URL(target).pathname;
    } catch {
      return null;
    }
  }
  return null;
}

/** A problem with the path's encoding, or null: every segment must decode as UTF-8 and hold no NUL. */
function pathProblem(path: string): string | null {
  for (const segment of path.split("/")) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return "the path holds a malformed percent-encoding (not UTF-8)";
    }
    if (decoded.includes("\u0000")) return "the path holds a NUL character";
  }
  return null;
}

export function screenRequest(method: string, target: string): Screening {
  if (target === "*") {
    if (method === "OPTIONS") return refuse(204, "", "", false, { allow: [...METHODS].join(", ") });
    return refuse(400, "bad_request_target", "the request target '*' is only meaningful with OPTIONS", false);
  }
  const path = pathOf(target);
  if (path === null) return refuse(400, "bad_request_target", "the request target must be a path", false);
  const api = path === API_PREFIX || path.startsWith(`${API_PREFIX}/`);
  if (!METHODS.has(method)) {
    return refuse(405, "method_not_allowed", `method ${method} is not served`, api, { allow: [...METHODS].join(", ") });
  }
  const problem = pathProblem(path);
  if (problem) return api ? refuse(400, "invalid_path", problem, true) : { ok: "not-found" };
  if (!api) return { ok: true };
  // Next.js drops a `__proto__` parameter while parsing the query, so the
  // endpoint's strict schema would never see it: refused here instead.
  const query = target.indexOf("?");
  if (query >= 0 && new URLSearchParams(target.slice(query)).has("__proto__")) {
    return refuse(400, "invalid_query", "invalid query parameters: unknown parameter '__proto__'", true);
  }
  const methods = apiRouteMethods(path);
  if (methods === null) return refuse(404, "not_found", `no API endpoint at ${path}: see /api/v1/openapi.json`, true);
  if (!methods.includes(method)) {
    return refuse(405, "method_not_allowed", `${path} answers ${methods.filter((m) => m !== "HEAD" && m !== "OPTIONS").join(", ")}, not ${method}`, true, { allow: methods.join(", ") });
  }
  return { ok: true };
}
