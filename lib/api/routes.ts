/**
 * Which methods each /api/v1 path answers, from the endpoint descriptions
 * (the OpenAPI test checks they equal the route files). The server uses it to
 * answer an unknown API path with a JSON 404 and a wrong method with a JSON
 * 405, where Next.js would answer an HTML page or an empty body.
 */
import { ENDPOINTS } from "./openapi";

interface RoutePattern {
  segments: (string | null)[]; // null: a path parameter
  methods: Set<string>;
}

const PATTERNS: RoutePattern[] = (() => {
  const byPath = new Map<string, RoutePattern>();
  for (const endpoint of ENDPOINTS) {
    const pattern = byPath.get(endpoint.path) ?? {
      segments: endpoint.path.split("/").slice(1).map((segment) => (/^\{.+\}$/.test(segment) ? null : segment)),
      methods: new Set<string>(["OPTIONS"]),
    };
    pattern.methods.add(endpoint.method);
    if (endpoint.method === "GET") pattern.methods.add("HEAD");
    byPath.set(endpoint.path, pattern);
  }
  return [...byPath.values()];
})();

/** A path parameter is never empty, `.` or `..` (ingestion refuses such names: they are path steps, not names). */
function isParameterValue(segment: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return false;
  }
  return decoded !== "" && decoded !== "." && decoded !== "..";
}

/** The methods a path under /api/v1 answers (sorted), or null when no endpoint has that path. */
export function apiRouteMethods(pathname: string): string[] | null {
  const segments = pathname.replace(/\/+$/, "").split("/").slice(1);
  for (const pattern of PATTERNS) {
    if (pattern.segments.length !== segments.length) continue;
    if (pattern.segments.every((segment, i) => (segment === null ? isParameterValue(segments[i]!) : segment === segments[i]))) return [...pattern.methods].sort();
  }
  return null;
}
