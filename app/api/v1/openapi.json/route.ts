import { jsonResponse } from "@/lib/api/errors";
import { openApiDocument } from "@/lib/api/openapi";
import packageJson from "@/package.json";

export const dynamic = "force-static";

/** The OpenAPI 3.1 document of /api/v1, generated from the handlers' own schemas. */
export function GET(): Response {
  return jsonResponse(200, openApiDocument(packageJson.version), { "cache-control": "public, max-age=300" });
}
