/**
 * Tolerant parsing of page query strings: a page reads its state from the URL
 * on the server, and a bad or hand-edited query string falls back to the
 * defaults instead of crashing the page. (APIs parse strictly instead.)
 * Pure: no React, no Next.
 */
import { z } from "zod";
import { isStorableText } from "./validations/text";

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
  return z.preprocess(firstValue, z.string().trim().min(1).max(max).refine(isStorableText).optional()).catch(undefined);
}

/** A parameter from an allowlist; a missing or unknown value reads as the fallback. */
export function enumParam<const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) {
  return z.preprocess(firstValue, z.enum(values).default(fallback)).catch(fallback);
}

/** Parses search params with a shape whose fields each fall back on their own; never throws on user input. */
export function parseSearchParams<T extends z.ZodRawShape>(shape: T, params: SearchParams): z.output<z.ZodObject<T>> {
  return z.object(shape).parse(params);
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
