/**
 * `ib user ...`: people and their roles, from the terminal of the machine the
 * app runs on (the admin pages do the same through the same lib/auth/users.ts).
 * Roles and what each allows: README "People and access".
 */
import os from "node:os";
import { z } from "zod";
import type { Actor } from "../../lib/audit";
import { LINK_SECONDS, publicUrl } from "../../lib/auth/core";
import { roleSchema, type Role } from "../../lib/auth/roles";
import { adminExists, createUser, emailSchema, findUser, listUsers, removeMember, setDisabled, setInstanceAdmin, setRole, signInLink, UserExistsError } from "../../lib/auth/users";
import { findProjectId } from "../../lib/projects";
import { parseOptions, UsageError } from "../args";
import { readPasswordFromStdin } from "../password-stdin";
import { projectNameSchema, withDatabase } from "./project";

const USAGE = [
  "usage: user create --email E (--role R --project P | --admin) [--name N] [--password-stdin]",
  "       user list",
  "       user role --email E --project P (--role R | --remove)",
  "       user disable --email E | user enable --email E",
  "       user link --email E",
  "roles: viewer, annotator, lead, admin",
].join("\n");

/** Who the audit log names for changes made here: the command line, and the account that ran it. */
function cliActor(): Actor {
  let name = "";
  try {
    name = os.userInfo().username;
  } catch {
    // No passwd entry for this uid (some containers): the command line alone.
  }
  return { type: "system", id: name ? `cli:${name}` : "cli" };
}

async function projectId(name: string): Promise<number> {
  const id = await findProjectId(name);
  if (id === null) throw new UsageError(`no project '${name}': create it with \`npm run ib -- project create ${name}\``);
  return id;
}

async function existingUser(email: string) {
  const user = await findUser(email);
  if (!user) throw new UsageError(`no user with the email ${email}: add one with \`npm run ib -- user create --email ${email} --role viewer --project P\``);
  return user;
}

/** The link on the last line of the output alone, like an API key's secret. */
async function printLink(email: string): Promise<void> {
  const url = await signInLink(email);
  console.log(`one-time sign-in link for ${email}, valid ${LINK_SECONDS / 86_400} days, for opening at ${publicUrl()} (IB_PUBLIC_URL sets that address):`);
  console.log(url);
}

function roleChange(email: string, project: string, role: Role, before: Role | null): string {
  if (before === null) return `added ${email} to '${project}' as ${role}`;
  if (before === role) return `${email} is already ${role} in '${project}'`;
  return `${email}: role in '${project}' changed from ${before} to ${role}`;
}

const emailOption = { email: emailSchema };

const createSchema = z
  .object({ ...emailOption, role: roleSchema.optional(), project: projectNameSchema.optional(), name: z.string().trim().min(1).max(200).optional(), admin: z.boolean().default(false), "password-stdin": z.boolean().default(false) })
  .superRefine((values, ctx) => {
    if (values.project === undefined && !values.admin) ctx.addIssue({ code: "custom", path: ["project"], message: "required (the project the user gets a role in), unless --admin makes an instance admin" });
    if (values.project !== undefined && values.role === undefined) ctx.addIssue({ code: "custom", path: ["role"], message: "required with --project: viewer, annotator, lead or admin" });
    if (values.project === undefined && values.admin && values.role !== undefined) ctx.addIssue({ code: "custom", path: ["role"], message: "a role is given in a project: add --project P" });
  });

async function create(args: string[]): Promise<void> {
  const { values, positionals } = parseOptions(
    args,
    { email: { type: "string" }, role: { type: "string" }, project: { type: "string" }, name: { type: "string" }, admin: { type: "boolean" }, "password-stdin": { type: "boolean" } },
    createSchema,
  );
  if (positionals.length > 0) throw new UsageError(USAGE);
  // Read and checked before the database is opened: a bad password costs nothing.
  const password = values["password-stdin"] ? await readPasswordFromStdin() : undefined;
  const actor = cliActor();
  await withDatabase(async () => {
    const membership = values.project !== undefined ? { projectId: await projectId(values.project), role: values.role! } : undefined;
    const user = await findUser(values.email);
    if (!user) {
      await createUser({ email: values.email, name: values.name, password, isAdmin: values.admin, membership }, actor).catch((error: unknown) => {
        if (error instanceof UserExistsError) throw new UsageError(`${values.email} was created by someone else meanwhile: run the command again to give them the role`);
        throw error;
      });
      const what = [values.admin ? "an instance admin" : null, membership ? `${membership.role} in '${values.project}'` : null].filter(Boolean).join(" and ");
      console.log(`created user ${values.email}, ${what}`);
      if (password !== undefined) console.log("password set from standard input");
      else await printLink(values.email);
      return;
    }
    console.log(`user ${values.email} exists`);
    if (values.admin) console.log((await setInstanceAdmin(user.id, true, actor)) ? `made ${values.email} an instance admin` : `${values.email} is already an instance admin`);
    if (membership) console.log(roleChange(values.email, values.project!, membership.role, await setRole(membership.projectId, user.id, membership.role, actor)));
    if (values.name !== undefined) console.log("--name left as it was: the user exists");
    if (password !== undefined) console.log("password unchanged: the user exists (they change it on /account)");
    if (user.disabledAt) console.log(`note: ${values.email} is disabled: \`npm run ib -- user enable --email ${values.email}\``);
  });
}

async function list(args: string[]): Promise<void> {
  const { positionals } = parseOptions(args, {}, z.object({}));
  if (positionals.length > 0) throw new UsageError(USAGE);
  await withDatabase(async () => {
    // One user a line, tab-separated: email, instance admin, disabled, password, project:role,...
    for (const user of await listUsers()) {
      const memberships = user.memberships.map((m) => `${m.project}:${m.role}`).join(",");
      console.log([user.email, user.isAdmin ? "admin" : "-", user.disabledAt ? "disabled" : "enabled", user.hasPassword ? "password" : "no-password", memberships || "-"].join("\t"));
    }
  });
}

const roleOptionsSchema = z
  .object({ ...emailOption, project: projectNameSchema, role: roleSchema.optional(), remove: z.boolean().default(false) })
  .superRefine((values, ctx) => {
    if (values.remove && values.role !== undefined) ctx.addIssue({ code: "custom", path: ["remove"], message: "either --role R or --remove, not both" });
    if (!values.remove && values.role === undefined) ctx.addIssue({ code: "custom", path: ["role"], message: "required (viewer, annotator, lead or admin), or --remove to take the user out of the project" });
  });

async function role(args: string[]): Promise<void> {
  const { values, positionals } = parseOptions(args, { email: { type: "string" }, project: { type: "string" }, role: { type: "string" }, remove: { type: "boolean" } }, roleOptionsSchema);
  if (positionals.length > 0) throw new UsageError(USAGE);
  const actor = cliActor();
  await withDatabase(async () => {
    const project = await projectId(values.project);
    const user = await existingUser(values.email);
    if (values.remove) {
      if (!(await removeMember(project, user.id, actor))) throw new UsageError(`${values.email} is not a member of '${values.project}'`);
      console.log(`removed ${values.email} from '${values.project}'`);
    } else {
      console.log(roleChange(values.email, values.project, values.role!, await setRole(project, user.id, values.role!, actor)));
    }
  });
}

async function disableOrEnable(args: string[], disabled: boolean): Promise<void> {
  const { values, positionals } = parseOptions(args, { email: { type: "string" } }, z.object(emailOption));
  if (positionals.length > 0) throw new UsageError(USAGE);
  const actor = cliActor();
  await withDatabase(async () => {
    const user = await existingUser(values.email);
    const already = (user.disabledAt !== null) === disabled;
    await setDisabled(user.id, disabled, actor);
    if (!disabled) console.log(already ? `${values.email} is already enabled` : `enabled ${values.email}: they can sign in again`);
    else console.log(already ? `${values.email} is already disabled (any session of theirs is ended)` : `disabled ${values.email}: their sessions are ended and they cannot sign in`);
    if (disabled && user.isAdmin && !(await adminExists())) console.log("no enabled instance admin is left: the next `npm start` prints a one-time setup link for a new one");
  });
}

async function link(args: string[]): Promise<void> {
  const { values, positionals } = parseOptions(args, { email: { type: "string" } }, z.object(emailOption));
  if (positionals.length > 0) throw new UsageError(USAGE);
  await withDatabase(async () => {
    const user = await existingUser(values.email);
    if (user.disabledAt) throw new UsageError(`${values.email} is disabled: \`npm run ib -- user enable --email ${values.email}\` first`);
    await printLink(values.email);
  });
}

export async function userCommand(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  if (action === "create") await create(rest);
  else if (action === "list") await list(rest);
  else if (action === "role") await role(rest);
  else if (action === "disable") await disableOrEnable(rest, true);
  else if (action === "enable") await disableOrEnable(rest, false);
  else if (action === "link") await link(rest);
  else throw new UsageError(USAGE);
}
