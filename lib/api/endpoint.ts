import type { z } from "zod";
import type { Permission } from "./keys";

/** Path parameters: an object of schemas over the segments' strings, each described with `.meta({ description })`. */
export type ParamsSchema = z.ZodObject<Record<string, z.ZodType>>;

/**
 * One API endpoint, described once: the route handler parses with these
 * schemas, and the OpenAPI document is generated from the same objects.
 */
export interface Endpoint<
  BS extends z.ZodType | undefined = z.ZodType | undefined,
  QS extends z.ZodType | undefined = z.ZodType | undefined,
  PS extends ParamsSchema | undefined = ParamsSchema | undefined,
> {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** OpenAPI-style path, e.g. `/api/v1/runs/{run}/metrics`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  permission: Permission;
  body?: BS;
  query?: QS;
  /** Path parameters, parsed like the body and the query (a bad one is a 400 `invalid_path`). */
  params?: PS;
  /** Body size limit in bytes (default 1 MB). */
  maxBytes?: number;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
}

export function defineEndpoint<BS extends z.ZodType | undefined = undefined, QS extends z.ZodType | undefined = undefined, PS extends ParamsSchema | undefined = undefined>(
  endpoint: Endpoint<BS, QS, PS>,
): Endpoint<BS, QS, PS> {
  return endpoint;
}

/** Any endpoint in the OpenAPI document: `permission: null` for the few that need no key (health, the document). */
export type DocumentedEndpoint = Omit<Endpoint, "permission"> & { permission: Permission | null };
