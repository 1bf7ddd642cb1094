/**
 * The OpenAPI 3.1 document of /api/v1, generated from the endpoint
 * descriptions the route handlers use (their zod schemas become JSON Schema
 * 2020-12, OpenAPI 3.1's own dialect). Nothing here is written by hand but
 * the document's frame; a route that is not in ENDPOINTS is not documented,
 * and the API tests call every documented operation.
 */
import { z } from "zod";
import { apiErrorSchema } from "../validations/api-error";
import type { DocumentedEndpoint, Endpoint } from "./endpoint";
import { feedbackIntentBatchEndpoint, feedbackIntentEndpoint } from "./endpoints/feedback";
import { healthEndpoint, openapiEndpoint } from "./endpoints/meta";
import { ingestEndpoint } from "./endpoints/ingest";
import { cancelJudgeJobEndpoint, createJudgeJobEndpoint, judgeJobEndpoint, listJudgesEndpoint, putJudgeEndpoint } from "./endpoints/judges";
import { listIntentsEndpoint, putIntentsEndpoint } from "./endpoints/intents";
import type { Permission } from "./keys";
import { caseEndpoint, listCompletionsEndpoint, listRunsEndpoint, runMetricsEndpoint } from "./endpoints/read";

type JsonSchema = Record<string, unknown>;

/** Every documented operation, in the order the document lists them. */
export const ENDPOINTS: readonly DocumentedEndpoint[] = [
  healthEndpoint,
  openapiEndpoint,
  putIntentsEndpoint,
  listIntentsEndpoint,
  ingestEndpoint,
  listRunsEndpoint,
  runMetricsEndpoint,
  caseEndpoint,
  listCompletionsEndpoint,
  feedbackIntentEndpoint,
  feedbackIntentBatchEndpoint,
  putJudgeEndpoint,
  listJudgesEndpoint,
  createJudgeJobEndpoint,
  judgeJobEndpoint,
  cancelJudgeJobEndpoint,
];

const TAGS = [
  { name: "meta", description: "Health and this document; no key needed." },
  { name: "taxonomy", description: "The project's intents, policy guidelines and rubric items." },
  { name: "ingest", description: "Pushing evaluation runs: cases and their completions, graded on the way in." },
  { name: "read", description: "Runs, cases and completions of the key's project." },
  { name: "metrics", description: "Intent accuracy (correct / all), policy accuracy (pass / (pass + fail), pending apart) and system accuracy (intent correct and policy pass / all), each with a 95% Wilson interval." },
  { name: "judging", description: "Policy judges (the built-in rubric judge and LLM judges on OpenAI-compatible endpoints) and the jobs that judge runs with them." },
  { name: "feedback", description: "The intent grader as an RL reward: same grader, same rewards as evaluation." },
];

/**
 * Shared definitions (recursive types such as free JSON metadata) go to
 * components/schemas: a `#/$defs/...` reference inside an embedded schema
 * would resolve against the document's root, where there is none.
 */
class Definitions {
  readonly schemas: Record<string, JsonSchema> = {};
  private readonly byContent = new Map<string, string>();

  jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
    const { $schema: _dialect, ...generated } = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as JsonSchema;
    // zod may put $defs at any depth; their names are unique within one generated schema.
    const found: Record<string, JsonSchema> = {};
    const hoist = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(hoist);
      if (value === null || typeof value !== "object") return value;
      const out: JsonSchema = {};
      for (const [key, inner] of Object.entries(value)) {
        if (key === "$defs") Object.assign(found, hoist(inner));
        else out[key] = hoist(inner);
      }
      return out;
    };
    const body = hoist(generated);
    const renames = new Map<string, string>();
    for (const [local, definition] of Object.entries(found)) {
      const content = JSON.stringify(definition);
      let name = this.byContent.get(content);
      if (!name) {
        name = local.startsWith("__schema") ? `Definition${this.byContent.size + 1}` : local;
        this.byContent.set(content, name);
      }
      renames.set(`#/$defs/${local}`, name);
    }
    const rewrite = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(rewrite);
      if (value === null || typeof value !== "object") return value;
      return Object.fromEntries(
        Object.entries(value).map(([key, inner]) => [key, key === "$ref" && typeof inner === "string" && renames.has(inner) ? `#/components/schemas/${renames.get(inner)}` : rewrite(inner)]),
      );
    };
    for (const [local, definition] of Object.entries(found)) this.schemas[renames.get(`#/$defs/${local}`)!] = rewrite(definition) as JsonSchema;
    return rewrite(body) as JsonSchema;
  }
}

function queryParameters(defs: Definitions, schema: z.ZodType) {
  const object = defs.jsonSchema(schema, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: "query",
      required: object.required?.includes(name) ?? false,
      ...(typeof description === "string" ? { description } : {}),
      schema: rest,
      ...(rest.type === "array" ? { style: "form", explode: true } : {}),
    };
  });
}

/** Path parameters, from the schema the handler parses them with: each required, a string as the URL has it. */
function pathParameters(defs: Definitions, schema: z.ZodType) {
  const object = defs.jsonSchema(schema, "input") as { properties?: Record<string, JsonSchema> };
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: "path", required: true, ...(typeof description === "string" ? { description } : {}), schema: rest };
  });
}

/** What every keyed endpoint may answer, from the wrapper they all go through (lib/api/handler.ts). */
function keyedResponses(permission: Permission): Endpoint["responses"] {
  return {
    401: { description: "Missing, invalid or revoked API key.", schema: apiErrorSchema },
    403: { description: permission === "admin" ? "The key's scope is not `admin`." : `The key's scope is not \`${permission}\` or \`admin\`.`, schema: apiErrorSchema },
    429: { description: "Too many requests in progress for this project (or in all); retry after Retry-After.", schema: apiErrorSchema },
    503: { description: "The database is unavailable; retry after Retry-After.", schema: apiErrorSchema },
  };
}

function operation(defs: Definitions, endpoint: DocumentedEndpoint) {
  const responses = endpoint.permission === null ? endpoint.responses : { ...keyedResponses(endpoint.permission), ...endpoint.responses };
  const parameters = [
    ...(endpoint.params ? pathParameters(defs, endpoint.params) : []),
    ...(endpoint.query ? queryParameters(defs, endpoint.query) : []),
  ];
  const needs = endpoint.permission === null ? "No key needed." : `Needs a key with scope \`${endpoint.permission}\`${endpoint.permission === "admin" ? "" : " or `admin`"}.`;
  return {
    operationId: endpoint.operationId,
    summary: endpoint.summary,
    description: [endpoint.description, needs].filter(Boolean).join("\n\n"),
    tags: endpoint.tags,
    ...(endpoint.permission === null ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(endpoint.body
      ? {
          requestBody: {
            required: true,
            description: `JSON, at most ${((endpoint.maxBytes ?? 1_000_000) / 1_000_000).toLocaleString("en-US")} MB.`,
            content: { "application/json": { schema: defs.jsonSchema(endpoint.body, "input") } },
          },
        }
      : {}),
    responses: Object.fromEntries(
      Object.entries(responses).map(([status, response]) => [
        status,
        {
          description: response.description,
          ...(response.schema ? { content: { "application/json": { schema: defs.jsonSchema(response.schema, "output") } } } : {}),
        },
      ]),
    ),
  };
}

export function openApiDocument(version: string) {
  const defs = new Definitions();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const endpoint of ENDPOINTS) {
    (paths[endpoint.path] ??= {})[endpoint.method.toLowerCase()] = operation(defs, endpoint);
  }
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "Interaction Browser API",
      version,
      description: [
        "Push evaluation runs (cases and completions), read runs, metrics, cases and completions back, and grade completions as an RL reward.",
        "Every request but health and this document carries `Authorization: Bearer <api key>`; keys belong to one project and are created with `npm run ib -- apikey create`.",
        'Errors are JSON: `{"error": {"code", "message", "details"}}`. 503 and 429 carry `Retry-After`.',
      ].join("\n\n"),
    },
    tags: TAGS,
    servers: [{ url: "/", description: "This server" }],
    security: [{ apiKey: [] }],
    components: { schemas: defs.schemas, securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "An API key: ib_<prefix>_<secret>." } } },
    paths,
  };
}
