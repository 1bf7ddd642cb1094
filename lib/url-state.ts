/**
 * Tolerant parsing of page query strings: a page reads its state from the URL
 * on the server, and a bad or hand-edited query string falls back to the
 * defaults instead of crashing the page. (APIs parse strictly instead.)
 * Pure: no React, no Next.
 */
import { z } from "zod";
import type { DroppedParameter } from "./validations/filters";
import { isStorableText, NOT_STORABLE_MESSAGE } from "./validations/text";

/** What Next.js hands a page as `searchParams`. */
export type SearchParams = Record<string, string | string[] | undefined>;

/**
 * A query string as a plain object: repeated parameters become arrays. Built
 * with Object.fromEntries, so a parameter named `__proto__` is an ordinary key
 * that a strict schema reports, not a prototype assignment that vanishes.
 */
export function searchParamsObject(params: URLSearchParams | SearchParams): Record<string, string | string[]> {
  if (!(params instanceof URLSearchParams)) {
    return Object.fromEntries(Object.entries(params).filter((entry): entry is [string, string | string[]] => entry[1] !== undefined));
  }
  return Object.fromEntries(
    [...new Set(params.keys())].map((key) => {
      const values = params.getAll(key);
      return [key, values.length === 1 ? values[0]! : values];
    }),
  );
}

/** A repeated parameter (`?a=x&a=y`) reads as its first value. */
function firstValue(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

/** An optional free-text parameter; blank or over-long values read as absent. */
export function textParam(max = 200) {
  return z.preprocess(firstValue, z.string().trim().min(1).max(max).refine(isStorableText, NOT_STORABLE_MESSAGE).optional()).catch(undefined);
}

/** A parameter from an allowlist; a missing or unknown value reads as the fallback. */
export function enumParam<const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) {
  return z.preprocess(firstValue, z.enum(values).default(fallback)).catch(fallback);
}

/** Parses search params with a shape whose fields each fall back on their own; never throws on user input. */
export function parseSearchParams<T extends z.ZodRawShape>(shape: T, params: SearchParams): z.output<z.ZodObject<T>> {
  return z.object(shape).parse(params);
}

/**
 * parseSearchParams, and each parameter the URL gave whose value did not
 * parse and so fell back to its default, with why: the page says so (a blank
 * value is simply absent, not reported). Each field's schema is read without
 * its fallback (`.catch`) to tell.
 */
export function parseSearchParamsReporting<T extends z.ZodRawShape>(shape: T, params: SearchParams): { values: z.output<z.ZodObject<T>>; dropped: DroppedParameter[] } {
  const dropped: DroppedParameter[] = [];
  for (const [parameter, field] of Object.entries(shape)) {
    const given = params[parameter];
    if (given === undefined || [given].flat().every((value) => value.trim() === "")) continue;
    const strict = field instanceof z.ZodCatch ? field.unwrap() : field;
    const result = z.safeParse(strict, given);
    if (!result.success) dropped.push({ parameter, value: [given].flat().join(", "), reason: reasonOf(result.error.issues[0]) });
  }
  return { values: parseSearchParams(shape, params), dropped };
}

/** Why a value was dropped, in the words the pages use. */
function reasonOf(issue: z.core.$ZodIssue | undefined): string {
  if (issue?.code === "invalid_value") return `expected one of: ${issue.values.map(String).join(", ")}`;
  if (issue?.code === "too_big") return `longer than ${String(issue.maximum)} characters`;
  if (issue?.code === "custom") return issue.message;
  return "not a valid value";
}

export interface NamedChoice<T> {
  /** The option named in the URL; undefined when none was named or the name is unknown. */
  chosen: T | undefined;
  /** The name asked for when no option has it, to tell the reader we fell back. */
  unknown: string | null;
}

/** Finds the option the URL names (e.g. a run by name), remembering a name that matched nothing. */
export function pickByName<T extends { name: string }>(options: readonly T[], requested: string | undefined): NamedChoice<T> {
  if (requested === undefined) return { chosen: undefined, unknown: null };
  const chosen = options.find((option) => option.name === requested);
  return chosen ? { chosen, unknown: null } : { chosen: undefined, unknown: requested };
}

/**
 * A dynamic path segment as the page receives it (Next.js leaves page params
 * percent-encoded) decoded to the name it stands for, or null when it is not
 * valid percent-encoding or holds a NUL: no case or run can have that name.
 */
export function decodePathParam(segment: string): string | null {
  try {
    const decoded = decodeURIComponent(segment);
    return decoded.includes("\u0000") ? null : decoded;
  } catch {
    return null;
  }
}
