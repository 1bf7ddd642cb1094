/**
 * The admin pages' forms (members, API keys, projects, users): one schema per
 * form, parsed by its server action (an action is a public POST endpoint, so
 * the browser's own checks count for nothing). A project page's actions get
 * the project bound, not from the form (lib/auth/guarded-action.ts).
 */
import { z } from "zod";
import { API_KEY_SCOPES } from "../api/keys";
import { roleSchema } from "../auth/roles";
import { emailSchema } from "../auth/users";
import { projectNameSchema } from "./project";

/** A user's id (Better Auth's random string). */
const userId = z.string().min(1).max(100);

export const inviteSchema = z.object({ email: emailSchema, role: roleSchema });
export const memberRoleSchema = z.object({ userId, role: roleSchema });
export const memberSchema = z.object({ userId });

export const apiKeyCreateSchema = z.object({
  name: z.string().trim().min(1, "give the key a name").max(200, "a key name is at most 200 characters"),
  scope: z.enum(API_KEY_SCOPES, { error: "scope is ingest, read or admin" }),
});
export const apiKeyRevokeSchema = z.object({ prefix: z.string().regex(/^[a-z0-9]{12}$/, "not a key prefix") });

export const projectCreateSchema = z.object({ name: projectNameSchema });
export const projectRenameSchema = z.object({ from: projectNameSchema, to: projectNameSchema });

export const userFlagSchema = z.object({ userId, value: z.enum(["on", "off"]) });

/** A form's fields as strings (a missing field is ""), for zod. */
export function formFields<Name extends string>(form: FormData, names: readonly Name[]): Record<Name, string> {
  return Object.fromEntries(names.map((name) => [name, typeof form.get(name) === "string" ? (form.get(name) as string) : ""])) as Record<Name, string>;
}
