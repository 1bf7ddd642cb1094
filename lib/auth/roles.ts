/**
 * Roles in a project, each allowing what the one before does and more:
 * `viewer` reads; `annotator` also annotates; `lead` also corrects ground
 * truth, edits guidelines, runs judges and exports; `admin` also manages
 * members, API keys, judges and the project. An instance admin is `admin` in
 * every project; any signed-in user is a `viewer` of the simulated demo project.
 */
import { z } from "zod";

export const ROLES = ["viewer", "annotator", "lead", "admin"] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES, { error: "role is viewer, annotator, lead or admin" });

export function atLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** The stronger of two roles (a member of the demo project keeps the better of theirs and viewer). */
export function stronger(a: Role | null, b: Role | null): Role | null {
  if (!a) return b;
  if (!b) return a;
  return atLeast(a, b) ? a : b;
}
