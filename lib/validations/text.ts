/** Text PostgreSQL can store and that is valid Unicode: no NUL character, no lone surrogate. */
export function isStorableText(value: string): boolean {
  return !value.includes("\u0000") && value.isWellFormed();
}

export const NOT_STORABLE_MESSAGE = "contains a NUL character or a lone surrogate";

/** Names that are path steps in a URL, never names: refused wherever a name becomes a path segment. */
export function isPathStep(value: string): boolean {
  return value === "." || value === "..";
}
