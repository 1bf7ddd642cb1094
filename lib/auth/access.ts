import "server-only";
/**
 * Who is asking, and what they may do: called by every page, route handler
 * and server action on the server (never only in the proxy or the client).
 *
 * A signed-out visitor of a page is sent to /sign-in and back afterwards. A
 * project the user cannot see is a 404, the same as one that does not exist,
 * so a page never confirms another team's project; a role too weak for the
 * page is a 403.
 */
import { forbidden, notFound, redirect } from "next/navigation";
import { headers } from "next/headers";
import { cache } from "react";
import { loadProject, type ProjectContext } from "../projects";
import type { Actor } from "../audit";
import { pool } from "../db/pool";
import { prisma } from "../db/prisma";
import { projectNameSchema } from "../validations/project";
import { atLeast, stronger, type Role } from "./roles";
import { auth } from "./server";
import { REQUEST_PATH_HEADER, signInPath } from "./redirect";

export interface SignedIn {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  sessionId: string;
}

/** The signed-in user of this request (once per request), or null; a disabled user counts as signed out. */
export const currentUser = cache(async (): Promise<SignedIn | null> => {
  const session = await (await auth()).api.getSession({ headers: await headers() });
  if (!session) return null;
  const user = session.user as typeof session.user & { isAdmin?: boolean; disabledAt?: Date | null };
  if (user.disabledAt) return null;
  return { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin === true, sessionId: session.session.id };
});

/** The signed-in user, or a redirect to the sign-in page and back to this page. */
export async function requireUser(): Promise<SignedIn> {
  const user = await currentUser();
  if (!user) redirect(signInPath((await headers()).get(REQUEST_PATH_HEADER)));
  return user;
}

/** An instance admin, or a 404 for anyone else (the admin pages are not advertised). */
export async function requireInstanceAdmin(): Promise<SignedIn> {
  const user = await requireUser();
  if (!user.isAdmin) notFound();
  return user;
}

/** The user's role in the project: admin for an instance admin, their membership, viewer of the demo project; null: none. */
export async function roleIn(user: SignedIn, project: { id: number; simulated: boolean }): Promise<Role | null> {
  if (user.isAdmin) return "admin";
  const membership = await prisma().membership.findUnique({ where: { projectId_userId: { projectId: project.id, userId: user.id } }, select: { role: true } });
  return stronger(membership?.role ?? null, project.simulated ? "viewer" : null);
}

export interface ProjectAccess {
  project: ProjectContext;
  user: SignedIn;
  role: Role;
}

/** Decodes and checks the URL's project name (a name no project can have is a 404 without a query). */
function projectName(raw: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    notFound();
  }
  if (!projectNameSchema.safeParse(decoded).success) notFound();
  return decoded;
}

/**
 * The project named in the URL as `user` may see it, at least `needed`:
 * otherwise a 404 when they cannot see it at all, a 403 when their role is too weak.
 */
export const projectAccess = cache(async (rawName: string, needed: Role = "viewer"): Promise<ProjectAccess> => {
  const user = await requireUser();
  const name = projectName(rawName);
  const project = await loadProject(pool(), name);
  if (!project) notFound();
  const role = await roleIn(user, project);
  if (!role) notFound();
  if (!atLeast(role, needed)) forbidden();
  return { project, user, role };
});

/** Projects the user can see, by name, with their role in each. */
export async function visibleProjects(user: SignedIn): Promise<{ name: string; simulated: boolean; role: Role }[]> {
  const projects = await prisma().project.findMany({
    where: user.isAdmin ? {} : { OR: [{ simulated: true }, { memberships: { some: { userId: user.id } } }] },
    select: { name: true, simulated: true, memberships: { where: { userId: user.id }, select: { role: true } } },
    orderBy: { name: "asc" },
  });
  return projects.map((p) => ({
    name: p.name,
    simulated: p.simulated,
    role: user.isAdmin ? "admin" : stronger(p.memberships[0]?.role ?? null, p.simulated ? "viewer" : null)!,
  }));
}

/** The signed-in user as the audit log names them. */
export function actorOf(user: SignedIn): Actor {
  return { type: "user", id: user.id, email: user.email };
}
