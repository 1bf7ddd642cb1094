"use server";
import { revalidatePath } from "next/cache";
import { createApiKey, revokeApiKey } from "@/lib/api/keys";
import { actorOf } from "@/lib/auth/access";
import { fieldErrors, type FormState } from "@/lib/auth/actions-common";
import { projectAction } from "@/lib/auth/guarded-action";
import { prisma } from "@/lib/db/prisma";
import { apiKeyCreateSchema, apiKeyRevokeSchema, formFields } from "@/lib/validations/admin";

const keysPath = (project: string) => `/projects/${encodeURIComponent(project)}/api-keys`;

/** Creates a key; its secret is in this answer only (`once`: never stored, never shown again). */
export const createKey = projectAction("admin", async ({ project, user }, form): Promise<FormState> => {
  const raw = formFields(form, ["name", "scope"]);
  const parsed = apiKeyCreateSchema.safeParse(raw);
  if (!parsed.success) return { fields: fieldErrors(parsed.error.issues), values: { name: raw.name.slice(0, 200), scope: raw.scope.slice(0, 10) } };
  const key = await createApiKey(project.id, parsed.data.name, parsed.data.scope, prisma(), actorOf(user));
  revalidatePath(keysPath(project.name));
  return { ok: `Created ${parsed.data.scope} key '${parsed.data.name}' (prefix ${key.prefix}).`, once: key.secret };
});

export const revokeKey = projectAction("admin", async ({ project, user }, form): Promise<FormState> => {
  const parsed = apiKeyRevokeSchema.safeParse(formFields(form, ["prefix"]));
  if (!parsed.success) return { error: "No such key." };
  const revoked = await revokeApiKey(project.id, parsed.data.prefix, prisma(), actorOf(user));
  revalidatePath(keysPath(project.name));
  return revoked ? { ok: "Revoked: requests with this key are refused from now on." } : { error: "That key was already revoked." };
});
