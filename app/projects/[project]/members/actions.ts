"use server";
import { revalidatePath } from "next/cache";
import { actorOf } from "@/lib/auth/access";
import { fieldErrors, type FormState } from "@/lib/auth/actions-common";
import { projectAction } from "@/lib/auth/guarded-action";
import { changeMemberRole, inviteMember, removeMember } from "@/lib/auth/users";
import { formFields, inviteSchema, memberRoleSchema, memberSchema } from "@/lib/validations/admin";

const membersPath = (project: string) => `/projects/${encodeURIComponent(project)}/members`;

/** Invites an email into the project: a new user gets a one-time link, shown once (`once`); an existing user is added. */
export const invite = projectAction("admin", async ({ project, user }, form): Promise<FormState> => {
  const raw = formFields(form, ["email", "role"]);
  const values = { email: raw.email.slice(0, 254), role: raw.role.slice(0, 20) };
  const parsed = inviteSchema.safeParse(raw);
  if (!parsed.success) return { fields: fieldErrors(parsed.error.issues), values };
  const { email, role } = parsed.data;
  const result = await inviteMember(project.id, email, role, actorOf(user));
  revalidatePath(membersPath(project.name));
  if (result.created) return { ok: `Invited ${email} as ${role}. Send them this one-time sign-in link:`, once: result.link };
  if (result.alreadyMember) return { error: `${email} is already a member: change their role in the list.`, values };
  return { ok: `${email} already had an account and is now a ${role} of ${project.name}.` };
});

export const changeRole = projectAction("admin", async ({ project, user }, form): Promise<FormState> => {
  const parsed = memberRoleSchema.safeParse(formFields(form, ["userId", "role"]));
  if (!parsed.success) return { error: Object.values(fieldErrors(parsed.error.issues)).join("; ") };
  const result = await changeMemberRole(project.id, parsed.data.userId, parsed.data.role, actorOf(user));
  if (result === "missing") return { error: "That user is not a member any more." };
  if (result === "same") return { ok: `Already ${parsed.data.role}.` };
  revalidatePath(membersPath(project.name));
  return { ok: `Now ${parsed.data.role}.` };
});

export const remove = projectAction("admin", async ({ project, user }, form): Promise<FormState> => {
  const parsed = memberSchema.safeParse(formFields(form, ["userId"]));
  if (!parsed.success) return { error: "No such member." };
  const removed = await removeMember(project.id, parsed.data.userId, actorOf(user));
  revalidatePath(membersPath(project.name));
  return removed ? { ok: "Removed." } : { error: "That user was not a member any more." };
});
