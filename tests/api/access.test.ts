/**
 * Who may reach what: every page, route handler and server action of the app,
 * found by walking app/ (and the build's action manifest), for a signed-out
 * visitor, a disabled user, a member of another project, each role in the
 * project and an instance admin, over the real HTTP stack. A page, route or
 * action without a rule below fails the first test, so nothing new ships
 * without its check.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLES, type Role } from "../../lib/auth/roles";
import { setDisabled } from "../../lib/auth/users";
import { ensureProject } from "../../lib/projects";
import { ROOT } from "../../scripts/build";
import { testUser, type TestUser } from "../support/users";
import { seededProject } from "./fixtures";
import { useApi } from "./helpers";

const api = useApi();
afterAll(() => api.close());

/** What a route needs: nothing, a signed-in user, an instance admin, a role in the URL's project, or an API key (cookies never count). */
type Rule = "public" | "signed-in" | "instance-admin" | { project: Role } | "api-key" | "sign-out";

const PAGE_RULES: Record<string, Rule> = {
  "/": "signed-in",
  "/sign-in": "public",
  "/setup": "public",
  "/account": "signed-in",
  "/admin/projects": "instance-admin",
  "/admin/users": "instance-admin",
  "/admin/audit": "instance-admin",
  "/projects/[project]": { project: "viewer" },
  "/projects/[project]/cases": { project: "viewer" },
  "/projects/[project]/cases/[caseId]": { project: "viewer" },
  "/projects/[project]/compare": { project: "viewer" },
  "/projects/[project]/confusion": { project: "viewer" },
  "/projects/[project]/inbox": { project: "viewer" },
  "/projects/[project]/guidelines": { project: "viewer" },
  "/projects/[project]/judges": { project: "viewer" },
  "/projects/[project]/members": { project: "admin" },
  "/projects/[project]/api-keys": { project: "admin" },
  "/projects/[project]/audit": { project: "admin" },
};

const ROUTE_RULES: Record<string, Rule> = {
  "/auth/magic-link/verify": "public",
  "/api/v1/health": "public",
  "/api/v1/openapi.json": "public",
};
/** Everything else under /api/v1 takes an API key only. */
const API_RULE: Rule = "api-key";

/** Server actions, by file and export. `public` ones check their own token or do nothing for a stranger. */
const ACTION_RULES: Record<string, Rule> = {
  "app/sign-in/actions.ts#signIn": "public",
  "app/setup/actions.ts#createFirstAdmin": "public",
  "app/account/actions.ts#changePassword": "signed-in",
  "app/projects/[project]/guidelines/actions.ts#saveGuideline": { project: "lead" },
  "app/projects/[project]/judges/actions.ts#startJudgeJob": { project: "lead" },
  "app/projects/[project]/judges/actions.ts#cancelJob": { project: "lead" },
  "app/projects/[project]/judges/actions.ts#saveJudge": { project: "admin" },
  "app/projects/[project]/judges/actions.ts#savePrimaryJudge": { project: "admin" },
  "app/projects/[project]/members/actions.ts#invite": { project: "admin" },
  "app/projects/[project]/members/actions.ts#changeRole": { project: "admin" },
  "app/projects/[project]/members/actions.ts#remove": { project: "admin" },
  "app/projects/[project]/api-keys/actions.ts#createKey": { project: "admin" },
  "app/projects/[project]/api-keys/actions.ts#revokeKey": { project: "admin" },
  "app/admin/projects/actions.ts#create": "instance-admin",
  "app/admin/projects/actions.ts#rename": "instance-admin",
  "app/admin/users/actions.ts#disable": "instance-admin",
  "app/admin/users/actions.ts#makeAdmin": "instance-admin",
  // Everyone ends up on the sign-in page (a stranger's call does nothing). Called last: they end the actors' sessions.
  "app/account/actions.ts#signOut": "sign-out",
  "app/account/actions.ts#signOutEverywhere": "sign-out",
};

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : [full];
  });
}

const APP_DIR = path.join(ROOT, "app");
const FILES = walk(APP_DIR).map((file) => path.relative(ROOT, file).split(path.sep).join("/"));
const urlOf = (file: string) => "/" + file.replace(/^app\/?/, "").replace(/\/?(page\.tsx|route\.ts)$/, "").replace(/\(\w+\)\/?/g, "");
const PAGES = FILES.filter((file) => file.endsWith("/page.tsx")).map((file) => urlOf(file).replace(/\/$/, "") || "/");
const ROUTES = FILES.filter((file) => file.endsWith("/route.ts")).map((file) => ({
  url: urlOf(file),
  methods: [...fs.readFileSync(path.join(ROOT, file), "utf8").matchAll(/export (?:async function|const) (GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]!),
}));
/** Every export of every "use server" file. */
const ACTIONS = FILES.filter((file) => /\.tsx?$/.test(file))
  .filter((file) => /^\s*["']use server["']/.test(fs.readFileSync(path.join(ROOT, file), "utf8")))
  .flatMap((file) => [...fs.readFileSync(path.join(ROOT, file), "utf8").matchAll(/export (?:async function|const) (\w+)/g)].map((m) => `${file}#${m[1]}`));

type Actor = { name: string; cookie?: string; role?: Role | "other" | "instance-admin" | "signed-out" };
let actors: Actor[] = [];
let project = "";
let caseId = "c1";

beforeAll(async () => {
  const seeded = await seededProject();
  project = seeded.name;
  const other = await ensureProject(`${project}-other`);
  const member = (role: Role) => testUser({ label: role, memberships: [{ projectId: seeded.projectId, role }] });
  const disabled = await member("admin");
  await setDisabled(disabled.id, true, { type: "system", id: "test" });
  const roles: [Role, TestUser][] = await Promise.all(ROLES.map(async (role) => [role, await member(role)] as [Role, TestUser]));
  actors = [
    { name: "signed out", role: "signed-out" },
    { name: "a disabled project admin", cookie: disabled.cookie, role: "signed-out" },
    { name: "an admin of another project", cookie: (await testUser({ label: "other", memberships: [{ projectId: other, role: "admin" }] })).cookie, role: "other" },
    ...roles.map(([role, user]) => ({ name: `${/^[aeiou]/.test(role) ? "an" : "a"} ${role}`, cookie: user.cookie, role })),
    { name: "an instance admin", cookie: (await testUser({ label: "root", admin: true })).cookie, role: "instance-admin" as const },
  ];
}, 120_000);

/** The status (and where a redirect goes) `actor` must get under `rule`. */
function expected(rule: Rule, actor: Actor): "ok" | "sign-in" | 401 | 403 | 404 {
  if (rule === "public") return "ok";
  if (rule === "sign-out") return "sign-in";
  if (rule === "api-key") return 401;
  if (actor.role === "signed-out") return "sign-in";
  if (rule === "signed-in") return "ok";
  if (rule === "instance-admin") return actor.role === "instance-admin" ? "ok" : 404;
  if (actor.role === "instance-admin") return "ok";
  if (actor.role === "other") return 404;
  return ROLES.indexOf(actor.role!) >= ROLES.indexOf(rule.project) ? "ok" : 403;
}

function concrete(url: string): string {
  return url.replace("[project]", encodeURIComponent(project)).replace("[caseId]", caseId).replace("[id]", caseId).replace("[run]", "alpha");
}

async function request(method: string, url: string, actor: Actor, init: { headers?: Record<string, string>; body?: string } = {}) {
  const headers: Record<string, string> = { origin: api.baseUrl, ...init.headers };
  if (actor.cookie) headers.cookie = actor.cookie;
  return fetch(`${api.baseUrl}${url}`, { method, headers, body: init.body, redirect: "manual" });
}

function outcome(response: Response, kind: "page" | "action"): "ok" | "sign-in" | number {
  // An action's redirect reads "/path;push" (or ";replace").
  const location = kind === "action" ? response.headers.get("x-action-redirect")?.replace(/;(push|replace)$/, "") : response.headers.get("location");
  if (location && new URL(location, api.baseUrl).pathname === "/sign-in" && (kind === "action" || response.status === 307)) return "sign-in";
  if (response.status === 401 || response.status === 403 || response.status === 404) return response.status;
  // A page that sends its visitor on (the home page to a project; the sign-in page of a signed-in user home) let them in.
  return response.status < 400 ? "ok" : response.status;
}

describe("every page, route handler and server action has an access rule", () => {
  it("finds them all, and each has a rule", () => {
    expect(PAGES.length).toBeGreaterThan(8);
    expect(PAGES.filter((page) => !(page in PAGE_RULES))).toEqual([]);
    const unruled = ROUTES.filter((route) => !(route.url in ROUTE_RULES) && !route.url.startsWith("/api/v1/")).map((route) => route.url);
    expect(unruled).toEqual([]);
    expect(ACTIONS.length).toBeGreaterThan(3);
    expect(ACTIONS.filter((action) => !(action in ACTION_RULES))).toEqual([]);
  });
});

describe("role × route", () => {
  it("pages", async () => {
    const problems: string[] = [];
    for (const page of PAGES) {
      for (const actor of actors) {
        const want = expected(PAGE_RULES[page]!, actor);
        const got = outcome(await request("GET", concrete(page), actor), "page");
        if (got !== want) problems.push(`${page} for ${actor.name}: ${got}, expected ${want}`);
      }
    }
    expect(problems).toEqual([]);
  }, 180_000);

  it("the judges page shows its admin forms to admins only, and which verdicts count to everyone", async () => {
    const problems: string[] = [];
    for (const actor of actors.filter((each) => each.role !== "signed-out" && each.role !== "other")) {
      const response = await request("GET", concrete("/projects/[project]/judges"), actor);
      const html = await response.text();
      const admin = actor.role === "admin" || actor.role === "instance-admin";
      // The sentence everyone sees proves the page rendered, so a missing form is not an error page.
      const seen = { rule: html.includes('data-testid="counted-rule"'), settings: html.includes('aria-label="Judge settings"'), primary: html.includes('aria-label="Choose the primary judge"') };
      if (response.status !== 200 || !seen.rule || seen.settings !== admin || seen.primary !== admin) problems.push(`${actor.name}: ${response.status} ${JSON.stringify(seen)}`);
    }
    expect(problems).toEqual([]);
  });

  it("route handlers: cookies never stand in for an API key", async () => {
    const problems: string[] = [];
    for (const route of ROUTES) {
      for (const method of route.methods) {
        for (const actor of actors) {
          const rule = ROUTE_RULES[route.url] ?? API_RULE;
          const url = concrete(route.url) + (route.url.startsWith("/api/v1/") ? `?project=${encodeURIComponent(project)}` : "");
          const response = await request(method, url, actor, method === "GET" ? {} : { headers: { "content-type": "application/json" }, body: "{}" });
          const got = response.status === 401 ? 401 : response.status < 500 ? "ok" : response.status;
          const want = expected(rule, actor);
          if (got !== want) problems.push(`${method} ${route.url} for ${actor.name}: ${response.status}, expected ${want}`);
        }
      }
    }
    expect(problems).toEqual([]);
  }, 180_000);

  it("server actions, called with their ids as a browser would", async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, process.env.IB_DIST_DIR || ".next", "server", "server-reference-manifest.json"), "utf8")) as {
      node: Record<string, { filename?: string; exportedName?: string; workers: Record<string, unknown> }>;
    };
    const ids = new Map(Object.entries(manifest.node).map(([id, entry]) => [`${entry.filename}#${entry.exportedName}`, { id, page: Object.keys(entry.workers).find((worker) => worker !== "app/_not-found/page")! }]));
    const problems: string[] = [];
    const last = (action: string) => (ACTION_RULES[action] === "sign-out" ? 1 : 0);
    for (const action of [...ACTIONS].sort((a, b) => last(a) - last(b))) {
      const found = ids.get(action);
      if (!found) {
        problems.push(`${action}: not in the build's action manifest`);
        continue;
      }
      const pageUrl = concrete(found.page.replace(/^app/, "").replace(/\/page$/, "") || "/");
      for (const actor of actors) {
        // The project first (as the pages bind it), then no form state and no form: a caller let in gets the action's "no form" answer.
        const response = await request("POST", pageUrl, actor, { headers: { "next-action": found.id, "content-type": "text/plain;charset=UTF-8" }, body: JSON.stringify([project]) });
        const got = outcome(response, "action");
        const want = expected(ACTION_RULES[action]!, actor);
        if (got !== want) problems.push(`${action} for ${actor.name}: ${response.status} ${response.headers.get("x-action-redirect") ?? ""}, expected ${want}`);
      }
    }
    expect(problems).toEqual([]);
  }, 180_000);
});
