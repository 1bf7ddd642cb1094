/**
 * Opaque keyset-pagination cursors: the sort key of the last row of a page,
 * as base64url JSON. Clients pass them back unchanged; anything that does not
 * decode to the expected shape is rejected (a 400 at the API), never guessed.
 */
import type { z } from "zod";

/** Longer than any cursor we hand out; refuses absurd input before decoding it. */
export const CURSOR_MAX_LENGTH = 512;

// btoa/atob with TextEncoder rather than Buffer: the filter schemas that decode
// cursors are shared with the browser.
export function encodeCursor(key: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(key));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The decoded key, or null when the text is not a cursor of this shape. */
export function decodeCursor<S extends z.ZodType>(text: string, schema: S): z.output<S> | null {
  if (text.length === 0 || text.length > CURSOR_MAX_LENGTH || !/^[A-Za-z0-9_-]+$/.test(text)) return null;
  let value: unknown;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return null;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
