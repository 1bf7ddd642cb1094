/** The state a form's server action hands back to it: a message to show, or the fields' problems. */
/** `values`: what the user typed, shown again (React resets a form after its action). */
/** `once`: a secret or link to show this one time (a new API key, an invitation's sign-in link); it is stored nowhere. */
export type FormState = { error?: string; ok?: string; fields?: Record<string, string>; values?: Record<string, string>; once?: string } | null;

/** zod's problems of a form, one message per field. */
export function fieldErrors(issues: readonly { path: PropertyKey[]; message: string }[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const key = String(issue.path[0] ?? "form");
    fields[key] ??= issue.message;
  }
  return fields;
}
