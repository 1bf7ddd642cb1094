"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { actorOf } from "@/lib/auth/access";
import { fieldErrors, type FormState } from "@/lib/auth/actions-common";
import { instanceAdminAction } from "@/lib/auth/guarded-action";
import { prisma } from "@/lib/db/prisma";
import { createProject, renameProject } from "@/lib/projects";
import { formFields, projectCreateSchema, projectRenameSchema } from "@/lib/validations/admin";

export const create = instanceAdminAction(async (user, form): Promise<FormState> => {
  const raw = formFields(form, ["name"]);
  const parsed = projectCreateSchema.safeParse(raw);
  if (!parsed.success) return { fields: fieldErrors(parsed.error.issues), values: { name: raw.name.slice(0, 100) } };
  if (!(await createProject(parsed.data.name, prisma(), actorOf(user)))) return { fields: { name: `a project named ${parsed.data.name} exists` }, values: raw };
  revalidatePath("/admin/projects");
  return { ok: `Created ${parsed.data.name}. It has no members yet: add them on its Members page.` };
});

const REFUSED = {
  missing: "That project no longer exists.",
  taken: "That name is taken by another project: choose another.",
  demo: "The demo project keeps its name: the app loads the demo data into the project named demo.",
};

export const rename = instanceAdminAction(async (user, form): Promise<FormState> => {
  const raw = formFields(form, ["from", "to"]);
  const parsed = projectRenameSchema.safeParse(raw);
  if (!parsed.success) return { fields: fieldErrors(parsed.error.issues), values: { to: raw.to.slice(0, 100) } };
  const { from, to } = parsed.data;
  if (from === to) return { ok: "The name is unchanged." };
  const result = await renameProject(from, to, actorOf(user));
  if (!result.ok) return { fields: { to: REFUSED[result.reason] }, values: { to } };
  revalidatePath("/admin/projects");
  // The row (keyed by name) is a new one now: the page says what happened.
  redirect(`/admin/projects?renamed=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
});
