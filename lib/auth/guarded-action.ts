import "server-only";
/**
 * Server actions are public HTTP endpoints (anyone can post to one with its
 * id), so each checks the caller on the server before it looks at its input.
 * Every action of the app is made with one of these, which also fixes its
 * calling convention: a project action takes the project's name first (bound
 * in the page: `action.bind(null, project)`), then the form state and the form.
 * The access check throws like a page's: signed out → the sign-in page, a
 * project the caller cannot see → 404, a role too weak → 403.
 */
import { z } from "zod";
import type { FormState } from "./actions-common";
import { projectAccess, requireInstanceAdmin, requireUser, type ProjectAccess, type SignedIn } from "./access";
import type { Role } from "./roles";

const projectArg = z.string().min(1).max(200);

function formOf(value: unknown): FormData | null {
  return value instanceof FormData ? value : null;
}

const NO_FORM: FormState = { error: "This action takes a form." };

/** An action of one project, for callers with at least `role` in it. */
export function projectAction(role: Role, handler: (access: ProjectAccess, form: FormData, previous: FormState) => Promise<FormState>) {
  return async (project: unknown, previous: unknown, form: unknown): Promise<FormState> => {
    const name = projectArg.safeParse(project);
    // No project named: nothing to check against, and nothing is done.
    if (!name.success) {
      await requireUser();
      return { error: "No project named." };
    }
    const access = await projectAccess(encodeURIComponent(name.data), role);
    const data = formOf(form);
    return data ? handler(access, data, (previous ?? null) as FormState) : NO_FORM;
  };
}

/** An action of the whole instance, for instance admins. */
export function instanceAdminAction(handler: (user: SignedIn, form: FormData, previous: FormState) => Promise<FormState>) {
  return async (previous: unknown, form: unknown): Promise<FormState> => {
    const user = await requireInstanceAdmin();
    const data = formOf(form);
    return data ? handler(user, data, (previous ?? null) as FormState) : NO_FORM;
  };
}

/** An action of the signed-in user's own account. */
export function userAction(handler: (user: SignedIn, form: FormData, previous: FormState) => Promise<FormState>) {
  return async (previous: unknown, form: unknown): Promise<FormState> => {
    const user = await requireUser();
    const data = formOf(form);
    return data ? handler(user, data, (previous ?? null) as FormState) : NO_FORM;
  };
}

/** An action anyone may call (signing in, the first admin's setup: each checks its own secret). */
export function publicAction(handler: (form: FormData, previous: FormState) => Promise<FormState>) {
  return async (previous: unknown, form: unknown): Promise<FormState> => {
    const data = formOf(form);
    return data ? handler(data, (previous ?? null) as FormState) : NO_FORM;
  };
}
