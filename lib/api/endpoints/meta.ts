/** The endpoints that need no key: health and the OpenAPI document. */
import { z } from "zod";
import type { DocumentedEndpoint } from "../endpoint";

export const healthSchema = z.object({
  status: z.enum(["ok", "degraded"]),
  database: z.enum(["ok", "unavailable"]),
});

export const healthEndpoint: DocumentedEndpoint = {
  method: "GET",
  path: "/api/v1/health",
  operationId: "health",
  summary: "Liveness and database reachability",
  description: "200 when the server can reach PostgreSQL; 503 with Retry-After when it cannot. Reveals nothing else.",
  tags: ["meta"],
  permission: null,
  responses: {
    200: { description: "Serving, database reachable.", schema: healthSchema },
    503: { description: "Serving, database unreachable; retry after Retry-After.", schema: healthSchema },
  },
};

export const openapiEndpoint: DocumentedEndpoint = {
  method: "GET",
  path: "/api/v1/openapi.json",
  operationId: "openapi",
  summary: "This OpenAPI 3.1 document",
  description: "Generated from the same zod schemas the handlers parse with.",
  tags: ["meta"],
  permission: null,
  responses: { 200: { description: "The OpenAPI 3.1 document (JSON)." } },
};
