"use server";
import { revalidatePath } from "next/cache";
import { actorOf, projectAccess } from "@/lib/auth/access";
import { fieldErrors, type FormState } from "@/lib/auth/actions-common";
import { changeMemberRole, inviteMember, removeMember } from "@/lib/auth/users";
import { formFields, inviteSchema, memberRoleSchema, memberSchema } from "@/lib/validations/admin";

export type InviteState = (FormState & { link?: string; email?: string }) | null;

const membersPath = (project: string) => `/projects/${encodeURIComponent(project)}/members`;

/** Invites an email into the project: a new user gets a one-time link, shown once here; an existing user is added. */
export async function invite(_previous: InviteState, form: FormData): Promise<InviteState> {
  const raw = formFields(form, ["project", "email", "role"]);
  const { project, user } = await projectAccess(raw.project, "admin");
  const parsed = inviteSchema.safeParse(raw);
  const values = { email: raw.email.slice(0, 254), role: raw.role.slice(0, 20) };
  if (!parsed.success) return { fields: fieldErrors(parsed.error.issues), values };
  const result = await inviteMember(project.id, parsed.data.email, parsed.data.role, actorOf(user));
  revalidatePath(membersPath(project.name));
  if (result.created) return { ok: `Invited ${parsed.data.email} as ${parsed.data.role}.`, link: result.link, email: parsed.data.email };
  if (result.alreadyMember) return { error: `${parsed.data.email} is already a member: change their role in the list.`, values };
  return { ok: `${parsed.data.email} already had an account and is now a ${parsed.data.role} of ${project.name}.` };
}

export async function changeRole(_previous: FormState, form: FormData): Promise<FormState> {
  const raw = formFields(form, ["project", "userId", "role"]);
  const { project, user } = await projectAccess(raw.project, "admin");
  const parsed = memberRoleSchema.safeParse(raw);
  if (!parsed.success) return { error: Object.values(fieldErrors(parsed.error.issues)).join("; ") };
  const result = await changeMemberRole(project.id, parsed.data.userId, parsed.data.role, actorOf(user));
  if (result === "missing") return { error: "That user is not a member any more." };
  if (result === "same") return { ok: `Already ${parsed.data.role}.` };
  revalidatePath(membersPath(project.name));
  return { ok: `Now ${parsed.data.role}.` };
}

export async function remove(_previous: FormState, form: FormData): Promise<FormState> {
  const raw = formFields(form, ["project", "userId"]);
  const { project, user } = await projectAccess(raw.project, "admin");
  const parsed = memberSchema.safeParse(raw);
  if (!parsed.success) return { error: "No such member." };
  const removed = await removeMember(project.id, parsed.data.userId, actorOf(user));
  revalidatePath(membersPath(project.name));
  return removed ? { ok: "Removed." } : { error: "That user was not a member any more." };
}
