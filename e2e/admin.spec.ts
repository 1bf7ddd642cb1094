/**
 * The admin pages end to end: an instance admin invites a viewer, who signs in
 * with the one-time link, sets a password and finds nothing to change; the
 * admin creates an API key in the UI, sees it once, uses it over HTTP, revokes
 * it, and the next request is refused.
 *
 * Runs signed in as the instance admin the server was started with
 * (E2E_ADMIN, playwright.config.ts; e2e/auth.setup.ts).
 */
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { E2E_ADMIN as ADMIN } from "../playwright.config";

/** A browser of someone else: nobody signed in. */
const SIGNED_OUT = { cookies: [], origins: [] };

/** Words of a control that changes something; a viewer's pages must have none. */
const CHANGING = /invite|create|revoke|remove|rename|disable|enable|save|delete|edit|change|correct|annotate|judge|import|upload|set password/i;

test("a viewer invited by link sets a password, sees the demo leaderboard, and can change nothing", async ({ page, browser, baseURL }) => {
  const email = `viewer-${randomBytes(4).toString("hex")}@e2e.example`;
  await page.goto("/projects/demo/members");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption("viewer");
  await page.getByRole("button", { name: "Invite" }).click();
  const link = await page.getByTestId("invite-link").textContent();
  expect(link).toMatch(/\/auth\/magic-link\/verify\?token=/);
  await expect(page.getByTestId("member-row").filter({ hasText: email })).toContainText("invited");

  // The link is opened on the address the tests use (it names the server's public URL).
  const viewerContext = await browser.newContext({ baseURL, storageState: SIGNED_OUT });
  try {
    const viewer = await viewerContext.newPage();
    const url = new URL(link!);
    await viewer.goto(url.pathname + url.search);
    await expect(viewer).toHaveURL(/\/account\?welcome=1$/);
    await expect(viewer.getByTestId("signed-in-as")).toHaveText(email);
    await viewer.getByLabel("New password", { exact: true }).fill("viewer-password-1");
    await viewer.getByLabel("Repeat the new password").fill("viewer-password-1");
    await viewer.getByRole("button", { name: "Set password" }).click();
    await expect(viewer.getByText("Password set.")).toBeVisible();

    // The link was for one use.
    const again = await browser.newContext({ baseURL, storageState: SIGNED_OUT });
    const reused = await again.newPage();
    await reused.goto(url.pathname + url.search);
    await expect(reused).toHaveURL(/\/sign-in/);
    await again.close();

    await viewer.goto("/projects/demo");
    await expect(viewer.getByRole("heading", { name: "Leaderboard" })).toBeVisible();
    await expect(viewer.getByTestId("project-role")).toContainText("viewer");
    // No link to the admin pages, and no control that changes anything: the only
    // form that posts is signing out; the other buttons sort or show things.
    for (const page of ["members", "api-keys", "audit"]) await expect(viewer.locator(`a[href*="/${page}"]`)).toHaveCount(0);
    await expect(viewer.locator('a[href^="/admin"]')).toHaveCount(0);
    const postingForms = viewer.locator('form[method="post" i], form[method="POST"]');
    await expect(postingForms).toHaveCount(1);
    await expect(postingForms.getByRole("button")).toHaveText(["Sign out"]);
    for (const label of await viewer.getByRole("button").allTextContents()) expect(label).not.toMatch(CHANGING);
    // The one control is a view's, in a GET form: whose policy verdicts the leaderboard shows.
    await expect(viewer.locator("input:not([type=hidden]), textarea, select")).toHaveCount(1);
    await expect(viewer.locator('form[method="get" i] select#judge-view')).toHaveCount(1);

    // Asking for an admin page by its address is refused.
    const refused = await viewer.goto("/projects/demo/members");
    expect(refused?.status()).toBe(403);

    // The admin makes them an annotator, then removes them (they stay a viewer of the demo, as everyone is).
    await page.reload();
    const member = page.getByTestId("member-row").filter({ hasText: email });
    await expect(member).toContainText("password set");
    await member.getByLabel(`Role of ${email}`, { exact: true }).selectOption("annotator");
    await member.getByRole("button", { name: "Change role" }).click();
    await expect(member.getByText("Now annotator.")).toBeVisible();
    await viewer.goto("/projects/demo");
    await expect(viewer.getByTestId("project-role")).toContainText("annotator");
    await member.getByLabel(`Remove ${email}`).click();
    await member.getByRole("button", { name: "Remove member" }).click();
    await expect(page.getByTestId("member-row").filter({ hasText: email })).toHaveCount(0);
    await viewer.reload();
    await expect(viewer.getByTestId("project-role")).toContainText("viewer");
  } finally {
    await viewerContext.close();
  }
});

test("an API key made in the UI is shown once, works over HTTP, and is refused once revoked", async ({ page, baseURL }) => {
  // A key name is untrusted text: shown as typed, never as markup.
  const name = `<b>ui-key</b> ${randomBytes(4).toString("hex")}`;
  await page.goto("/projects/demo/api-keys");
  await page.getByLabel("Key name").fill(name);
  await page.getByLabel("Scope").selectOption("read");
  await page.getByRole("button", { name: "Create key" }).click();
  const secret = (await page.getByTestId("new-api-key").textContent())!;
  expect(secret).toMatch(/^ib_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
  const prefix = secret.split("_")[1]!;
  const row = page.getByTestId("api-key-row").filter({ hasText: prefix });
  await expect(row).toContainText(name);
  await expect(row).toContainText(ADMIN.email);
  await expect(row).toContainText("never");

  await page.reload();
  await expect(page.getByTestId("api-key-row").filter({ hasText: prefix })).toBeVisible();
  await expect(page.getByTestId("new-api-key")).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);

  const runs = () => fetch(new URL("/api/v1/runs", baseURL), { headers: { authorization: `Bearer ${secret}` } });
  const ok = await runs();
  expect(ok.status).toBe(200);
  const listed = (await ok.json()) as { runs: { name: string }[] };
  expect(listed.runs.map((run) => run.name)).toContain("hosted-baseline"); // the demo project's runs

  await row.getByLabel(`Revoke key ${prefix}`).click();
  await row.getByRole("button", { name: "Revoke key" }).click();
  await expect(page.getByTestId("api-key-row").filter({ hasText: prefix })).toContainText("revoked");

  const refused = await runs();
  expect(refused.status).toBe(401);
  expect((await refused.json()).error.code).toEqual(expect.any(String));

  // Both changes are in the project's audit log, with the admin as their author.
  await page.goto("/projects/demo/audit");
  const entries = page.getByTestId("audit-row").filter({ hasText: prefix });
  await expect(entries).toHaveCount(2);
  await expect(entries.first()).toContainText("apikey.revoke");
  await expect(entries.last()).toContainText("apikey.create");
  await expect(entries.first()).toContainText(ADMIN.email);
});

test("an instance admin creates and renames a project, and cannot unmake the last admin", async ({ page }) => {
  const name = `p-${randomBytes(4).toString("hex")}`;
  await page.goto("/admin/projects");
  await page.getByLabel("Project name").fill("Not A Name");
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByText("a project name is lower-case letters")).toBeVisible();
  await page.getByLabel("Project name").fill(name);
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByText(`Created ${name}.`)).toBeVisible();
  const row = page.getByTestId("project-row").filter({ has: page.getByRole("link", { name, exact: true }) });
  await expect(row.getByRole("cell").nth(1)).toHaveText("0"); // no case yet

  // A taken name is refused with a clear message, and nothing changes.
  await row.getByLabel(`New name for ${name}`).fill("demo");
  await row.getByRole("button", { name: `Rename ${name}` }).click();
  await expect(row.getByText("That name is taken by another project")).toBeVisible();

  await row.getByLabel(`New name for ${name}`).fill(`${name}-new`);
  await row.getByRole("button", { name: `Rename ${name}` }).click();
  await expect(page.getByTestId("renamed")).toContainText(`Renamed ${name} to ${name}-new`);
  await page.getByTestId("renamed").getByRole("link", { name: `${name}-new` }).click();
  await expect(page).toHaveURL(new RegExp(`/projects/${name}-new$`));
  expect((await page.goto(`/projects/${name}`))?.status()).toBe(404);

  await page.goto(`/projects/${name}-new/audit`);
  await expect(page.getByTestId("audit-row").first()).toContainText("project.rename");
  await expect(page.getByTestId("audit-row").first()).toContainText(`{"name":"${name}"} → {"name":"${name}-new"}`);

  // The server's admin is the only one: unmaking them is refused.
  await page.goto("/admin/users");
  const me = page.getByTestId("user-row").filter({ hasText: ADMIN.email });
  await me.getByRole("button", { name: `Unmake admin for ${ADMIN.email}` }).click();
  await expect(me.getByRole("alert")).toContainText("last enabled instance admin");
  await page.reload();
  await expect(page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Users" })).toBeVisible();
});
