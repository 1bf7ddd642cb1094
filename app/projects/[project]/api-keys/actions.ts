"use server";
import { revalidatePath } from "next/cache";
import { createApiKey, revokeApiKey } from "@/lib/api/keys";
import { actorOf, projectAccess } from "@/lib/auth/access";
import { fieldErrors, type FormState } from "@/lib/auth/actions-common";
import { prisma } from "@/lib/db/prisma";
import { apiKeyCreateSchema, apiKeyRevokeSchema, formFields } from "@/lib/validations/admin";

export type NewKeyState = (FormState & { secret?: string; prefix?: string }) | null;

const keysPath = (project: string) => `/projects/${encodeURIComponent(project)}/api-keys`;

/** Creates a key; its secret is in this answer only (never stored, never shown again). */
export async function createKey(_previous: NewKeyState, form: FormData): Promise<NewKeyState> {
  const raw = formFields(form, ["project", "name", "scope"]);
  const { project, user } = await projectAccess(raw.project, "admin");
  const parsed = apiKeyCreateSchema.safeParse(raw);
  if (!parsed.success) return { fields: fieldErrors(parsed.error.issues), values: { name: raw.name.slice(0, 200), scope: raw.scope.slice(0, 10) } };
  const key = await createApiKey(project.id, parsed.data.name, parsed.data.scope, prisma(), actorOf(user));
  revalidatePath(keysPath(project.name));
  return { ok: `Created ${parsed.data.scope} key '${parsed.data.name}' (prefix ${key.prefix}).`, secret: key.secret, prefix: key.prefix };
}

export async function revokeKey(_previous: FormState, form: FormData): Promise<FormState> {
  const raw = formFields(form, ["project", "prefix"]);
  const { project, user } = await projectAccess(raw.project, "admin");
  const parsed = apiKeyRevokeSchema.safeParse(raw);
  if (!parsed.success) return { error: "No such key." };
  const revoked = await revokeApiKey(project.id, parsed.data.prefix, prisma(), actorOf(user));
  revalidatePath(keysPath(project.name));
  return revoked ? { ok: "Revoked: requests with this key are refused from now on." } : { error: "That key was already revoked." };
}
