/**
 * `ib user ...` run as an operator runs it: the real CLI in a child process
 * against this run's test database, then the rows checked directly. Each test
 * makes its own project and users (random names), so none depends on another.
 */
import { createHash, randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { coreAuth } from "../../lib/auth/core";
import type { Role } from "../../lib/auth/roles";
import { createUser, setDisabled, setRole } from "../../lib/auth/users";
import { prisma } from "../../lib/db/prisma";
import { createProject, findProjectId } from "../../lib/projects";
import { ib } from "./cli";
import { useTestDatabase } from "./helpers";

const db = useTestDatabase();
afterAll(() => db.close());

const PASSWORD = "correct horse battery";
const suffix = () => randomBytes(4).toString("hex");
const newEmail = (who = "user") => `${who}-${suffix()}@example.org`;

async function newProject(): Promise<string> {
  const name = `users-${suffix()}`;
  expect(await createProject(name)).toBe(true);
  return name;
}

async function stored(email: string) {
  return prisma().user.findUnique({
    where: { email },
    include: { accounts: true, sessions: true, memberships: { include: { project: { select: { name: true } } } } },
  });
}

async function passwordVerifies(email: string, password: string): Promise<boolean> {
  const user = await stored(email);
  const hash = user?.accounts.find((account) => account.providerId === "credential")?.password;
  if (!hash) return false;
  return (await (await coreAuth()).$context).password.verify({ hash, password });
}

const lastLine = (text: string) => text.trim().split("\n").at(-1)!;

/** Setup done in this process through the library (fast); the command under test runs as its own process. */
async function givenUser(email: string, options: { password?: string; isAdmin?: boolean; project?: string; role?: Role } = {}): Promise<string> {
  const membership = options.project ? { projectId: (await findProjectId(options.project))!, role: options.role ?? "viewer" } : undefined;
  return createUser({ email, password: options.password, isAdmin: options.isAdmin, membership }, { type: "system", id: "test setup" });
}

// Each command is a process of its own (a few seconds each, mostly start-up); the tests share
// nothing, so they run side by side.
const SLOW = { timeout: 300_000, concurrent: true };

describe("ib user create", SLOW, () => {
  it("with --password-stdin stores a password that verifies, and the role in the project", async () => {
    const project = await newProject();
    const email = newEmail("lead");
    const result = await ib(["user", "create", "--email", email, "--role", "lead", "--project", project, "--name", "Lee Lead", "--password-stdin"], { input: `${PASSWORD}\n` });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`created user ${email}, lead in '${project}'\npassword set from standard input\n`);

    const user = await stored(email);
    expect(user).toMatchObject({ name: "Lee Lead", isAdmin: false, disabledAt: null });
    expect(user!.memberships.map((m) => [m.project.name, m.role])).toEqual([[project, "lead"]]);
    expect(await passwordVerifies(email, PASSWORD)).toBe(true);
    expect(await passwordVerifies(email, `${PASSWORD}\n`)).toBe(false);
    expect(await passwordVerifies(email, "correct horse battery staple")).toBe(false);
    // The newline is not part of it, and the hash is not the password.
    expect(user!.accounts[0]!.password).not.toContain(PASSWORD);

    const audited = await prisma().auditEvent.findMany({ where: { objectId: email }, orderBy: { id: "asc" } });
    expect(audited.map((entry) => entry.action)).toEqual(["user.create", "member.add"]);
    for (const entry of audited) {
      expect(entry.actorType).toBe("system");
      expect(entry.actorId).toMatch(/^cli(:.+)?$/);
    }
  });

  it("reads only the first line of standard input and strips a Windows line ending", async () => {
    const project = await newProject();
    const email = newEmail();
    const result = await ib(["user", "create", "--email", email, "--role", "viewer", "--project", project, "--password-stdin"], { input: `${PASSWORD}\r\nsecond line\n` });
    expect(result.code).toBe(0);
    expect(await passwordVerifies(email, PASSWORD)).toBe(true);
    // Without a final newline the whole input is the password.
    const other = newEmail();
    expect((await ib(["user", "create", "--email", other, "--role", "viewer", "--project", project, "--password-stdin"], { input: "no newline at the end" })).code).toBe(0);
    expect(await passwordVerifies(other, "no newline at the end")).toBe(true);
  });

  it("without a password prints a one-time link whose token is stored only hashed", async () => {
    const project = await newProject();
    const email = newEmail("viewer");
    const result = await ib(["user", "create", "--email", email.toUpperCase(), "--role", "viewer", "--project", project], { env: { IB_PUBLIC_URL: "https://ib.example.com/" } });
    expect(result.code).toBe(0);
    // Emails are kept lower-case.
    expect(result.stdout.split("\n")[0]).toBe(`created user ${email}, viewer in '${project}'`);
    expect(result.stdout).toContain("valid 7 days, for opening at https://ib.example.com");

    const link = new URL(lastLine(result.stdout));
    expect(link.origin).toBe("https://ib.example.com");
    expect(link.pathname).toBe("/auth/magic-link/verify");
    const token = link.searchParams.get("token")!;
    expect(token).toMatch(/^[A-Za-z]{32}$/);
    const hashed = createHash("sha256").update(token).digest("base64url");
    const rows = await prisma().verification.findMany({ where: { value: { contains: email } } });
    expect(rows.map((row) => row.identifier)).toEqual([`magic-link:${hashed}`]);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows[0]!.expiresAt.getTime() - Date.now()).toBeGreaterThan(6.9 * 24 * 3600 * 1000);

    const user = await stored(email);
    expect(user!.accounts).toEqual([]);

    // `user link` makes another link (another token); the first stays valid until used or expired.
    const again = await ib(["user", "link", "--email", email]);
    expect(again.code).toBe(0);
    const second = new URL(lastLine(again.stdout)).searchParams.get("token")!;
    expect(second).not.toBe(token);
    expect(await prisma().verification.count({ where: { value: { contains: email } } })).toBe(2);
  });

  it("with --admin and no project makes an instance admin", async () => {
    const email = newEmail("admin");
    const result = await ib(["user", "create", "--email", email, "--admin", "--password-stdin"], { input: `${PASSWORD}\n` });
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n")[0]).toBe(`created user ${email}, an instance admin`);
    expect(await stored(email)).toMatchObject({ isAdmin: true, memberships: [] });
  });

  it("for an existing user adds or changes the role, says which, and leaves the password alone", async () => {
    const [first, second] = [await newProject(), await newProject()];
    const email = newEmail();
    await givenUser(email, { password: PASSWORD, project: first, role: "viewer" });

    const changed = await ib(["user", "create", "--email", email, "--role", "annotator", "--project", first, "--password-stdin"], { input: "another password entirely\n" });
    expect(changed.code).toBe(0);
    expect(changed.stdout).toBe(`user ${email} exists\n${email}: role in '${first}' changed from viewer to annotator\npassword unchanged: the user exists (they change it on /account)\n`);
    expect(await passwordVerifies(email, PASSWORD)).toBe(true);

    const added = await ib(["user", "create", "--email", email, "--role", "lead", "--project", second]);
    expect(added.stdout).toBe(`user ${email} exists\nadded ${email} to '${second}' as lead\n`);
    const same = await ib(["user", "create", "--email", email, "--role", "lead", "--project", second]);
    expect(same.stdout).toBe(`user ${email} exists\n${email} is already lead in '${second}'\n`);

    const user = await stored(email);
    expect(user!.memberships.map((m) => [m.project.name, m.role]).sort()).toEqual([[first, "annotator"], [second, "lead"]].sort());
  });
});

describe("ib user create refuses", SLOW, () => {
  const cases: { name: string; args: (project: string, email: string) => string[]; input?: string; message: string }[] = [
    { name: "an unknown project", args: (_p, email) => ["--email", email, "--role", "viewer", "--project", "no-such-project"], message: "ib: no project 'no-such-project': create it with `npm run ib -- project create no-such-project`" },
    { name: "a bad role", args: (p, email) => ["--email", email, "--role", "owner", "--project", p], message: "ib: --role: role is viewer, annotator, lead or admin" },
    { name: "a bad email", args: (p) => ["--email", "not-an-email", "--role", "viewer", "--project", p], message: "ib: --email: must be an email address" },
    { name: "a missing project without --admin", args: (_p, email) => ["--email", email, "--role", "viewer"], message: "ib: --project: required (the project the user gets a role in), unless --admin makes an instance admin" },
    { name: "a project without a role", args: (p, email) => ["--email", email, "--project", p], message: "ib: --role: required with --project: viewer, annotator, lead or admin" },
    { name: "an empty password", args: (p, email) => ["--email", email, "--role", "viewer", "--project", p, "--password-stdin"], input: "\n", message: "ib: --password-stdin: standard input is empty; give the password on its first line" },
    { name: "a short password", args: (p, email) => ["--email", email, "--role", "viewer", "--project", p, "--password-stdin"], input: "nine char\n", message: "ib: --password-stdin: a password has at least 10 characters" },
  ];

  it.each(cases)("$name: exit 2, one clear line, no user made", async ({ args, input, message }) => {
    const project = await newProject();
    const email = newEmail();
    const result = await ib(["user", "create", ...args(project, email)], { input });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`${message}\n`);
    expect(result.stdout).toBe("");
    expect(await stored(email)).toBeNull();
  });
});

describe("ib user role, list, disable, enable, link", SLOW, () => {
  it("role changes and removes a membership; refuses an unknown user or a non-member", async () => {
    const project = await newProject();
    const email = newEmail();
    await givenUser(email, { project, role: "viewer" });

    const promoted = await ib(["user", "role", "--email", email, "--project", project, "--role", "admin"]);
    expect(promoted.stdout).toBe(`${email}: role in '${project}' changed from viewer to admin\n`);
    expect((await stored(email))!.memberships.map((m) => m.role)).toEqual(["admin"]);

    const removed = await ib(["user", "role", "--email", email, "--project", project, "--remove"]);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toBe(`removed ${email} from '${project}'\n`);
    expect((await stored(email))!.memberships).toEqual([]);
    expect((await prisma().auditEvent.findMany({ where: { objectId: email, projectId: { not: null } }, orderBy: { id: "asc" } })).map((e) => [e.action, e.before, e.after])).toEqual([
      ["member.add", null, { role: "viewer" }],
      ["member.role", { role: "viewer" }, { role: "admin" }],
      ["member.remove", { role: "admin" }, null],
    ]);

    const again = await ib(["user", "role", "--email", email, "--project", project, "--remove"]);
    expect([again.code, again.stderr]).toEqual([2, `ib: ${email} is not a member of '${project}'\n`]);
    const unknown = await ib(["user", "role", "--email", "nobody@example.org", "--project", project, "--role", "lead"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("ib: no user with the email nobody@example.org");
    const both = await ib(["user", "role", "--email", email, "--project", project, "--role", "lead", "--remove"]);
    expect([both.code, both.stderr]).toEqual([2, "ib: --remove: either --role R or --remove, not both\n"]);
  });

  it("list shows email, admin flag, disabled, password set and memberships", async () => {
    const [a, b] = [await newProject(), await newProject()];
    const email = newEmail("listed");
    await givenUser(email, { password: PASSWORD, project: b, role: "annotator" });
    await setRole((await findProjectId(a))!, (await stored(email))!.id, "viewer", { type: "system", id: "test setup" });
    const admin = newEmail("listed-admin");
    await setDisabled(await givenUser(admin, { isAdmin: true }), true, { type: "system", id: "test setup" });

    const listed = await ib(["user", "list"]);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trim().split("\n");
    // Memberships in project-name order; the names are random, so the expectation is sorted too.
    const memberships = [`${a}:viewer`, `${b}:annotator`].sort().join(",");
    expect(lines).toContain(`${email}\t-\tenabled\tpassword\t${memberships}`);
    expect(lines).toContain(`${admin}\tadmin\tdisabled\tno-password\t-`);
  });

  it("disable ends every session of the user and enable lets them back; a disabled user gets no link", async () => {
    const project = await newProject();
    const email = newEmail();
    await givenUser(email, { password: PASSWORD, project });
    const user = (await stored(email))!;
    const ctx = await (await coreAuth()).$context;
    await ctx.internalAdapter.createSession(user.id);
    await ctx.internalAdapter.createSession(user.id);
    // Someone else's session is not touched.
    const bystander = newEmail("bystander");
    await ctx.internalAdapter.createSession(await givenUser(bystander, { project }));
    expect((await stored(email))!.sessions).toHaveLength(2);

    const disabled = await ib(["user", "disable", "--email", email]);
    expect(disabled.code).toBe(0);
    expect(disabled.stdout).toBe(`disabled ${email}: their sessions are ended and they cannot sign in\n`);
    const after = (await stored(email))!;
    expect(after.sessions).toEqual([]);
    expect(after.disabledAt).not.toBeNull();
    expect((await stored(bystander))!.sessions).toHaveLength(1);

    const link = await ib(["user", "link", "--email", email]);
    expect([link.code, link.stderr]).toEqual([2, `ib: ${email} is disabled: \`npm run ib -- user enable --email ${email}\` first\n`]);

    const enabled = await ib(["user", "enable", "--email", email]);
    expect(enabled.stdout).toBe(`enabled ${email}: they can sign in again\n`);
    expect((await stored(email))!.disabledAt).toBeNull();
    expect(await passwordVerifies(email, PASSWORD)).toBe(true);
    expect((await prisma().auditEvent.findMany({ where: { objectId: email, action: { in: ["user.disable", "user.enable"] } }, orderBy: { id: "asc" } })).map((e) => e.action)).toEqual(["user.disable", "user.enable"]);
  });

  it("a wrong subcommand prints the usage and exits 2", async () => {
    const result = await ib(["user", "promote"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^ib: usage: user create --email E/);
  });
});
