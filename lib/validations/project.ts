import { z } from "zod";

/** A project name: it appears in URLs (`/projects/{name}`), so plain lower-case. */
export const projectNameSchema = z
  .string()
  .trim()
  .min(1, "a project name must not be empty")
  .max(100, "a project name is at most 100 characters")
  .regex(/^[a-z0-9][a-z0-9_-]*$/, "a project name is lower-case letters, digits, '-' and '_'");
