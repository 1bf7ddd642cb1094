import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { apiKey, ib, ibWithInput } from "./fixtures/cli";
import { signInFrom } from "./fixtures/sign-in";

/**
 * The judges page for a project admin: add an LLM judge (its key shown only
 * masked, never in the page), change it, be refused a new base URL without the
 * key, choose the built-in rubric as the primary judge and see what counts
 * follow; a lead of the same project sees neither form. The project is this
 * file's own; the base URL is a loopback port nothing listens on (saving a
 * judge calls nothing).
 */
const PROJECT = `judges-admin-${Date.now().toString(36)}`;
const SECRET = `sk-e2e-${randomBytes(8).toString("hex")}`;
const HINT = `sk-…${SECRET.slice(-4)}`;
const reply = (text: string) => `<analysis>A refund.</analysis><intent>get_refund</intent> ${text}`;
const SIGNED_OUT = { cookies: [], origins: [] };

test.beforeAll(async ({ request }) => {
  ib("project", "create", PROJECT);
  const headers = { authorization: `Bearer ${apiKey(PROJECT, "admin")}` };
  const intents = [{ id: "get_refund", label: "Get refund", policy: "Ask which order it is." }];
  expect((await request.put("/api/v1/intents", { headers, data: { intents } })).status()).toBe(200);
  // Two imported verdicts of another judge: what counts until a primary judge is chosen.
  const records = [
    { id: "refund-1", text: "Which order is it?", verdict: "pass" },
    { id: "refund-2", text: "Refunded!", verdict: "fail" },
  ].map(({ id, text, verdict }) => ({
    case: { id, messages: [{ role: "user", content: "I want my money back" }], expectedIntent: "get_refund" },
    completions: [{ run: "r1", model: "m1", text: reply(text), policy: { verdict, rationale: "imported", judge: "import-judge" } }],
  }));
  expect((await request.post("/api/v1/ingest", { headers, data: { records } })).status()).toBe(200);
});

test("an admin adds an LLM judge, is refused a new base URL without the key, and makes rubric the primary judge", async ({ page }) => {
  await page.goto(`/projects/${PROJECT}/judges`);
  await expect(page.getByTestId("counted-rule")).toContainText("No primary judge");

  const form = page.getByRole("form", { name: "Judge settings" });
  await form.getByLabel("Name").fill("gpt-e2e");
  await form.getByLabel("Base URL").fill("http://127.0.0.1:9/v1");
  await form.getByLabel("Model").fill("gpt-4o-mini");
  await form.getByLabel("API key").fill(SECRET);
  await form.getByLabel("Samples").fill("3");
  await form.getByRole("button", { name: "Add judge" }).click();
  await expect(form.getByRole("status")).toHaveText("Added judge gpt-e2e: configuration version 1.");

  const row = page.getByTestId("judge-row").filter({ hasText: "gpt-e2e" });
  await expect(row.getByTestId("judge-key")).toHaveText(HINT);
  await expect(row).toContainText("http://127.0.0.1:9/v1");
  expect(await page.content()).not.toContain(SECRET);

  // Open it in the form: everything but the key pre-filled, the key only as its hint.
  await page.getByLabel("Add or change").selectOption("gpt-e2e");
  await page.getByRole("button", { name: "Open" }).click();
  await expect(page).toHaveURL(/\?edit=gpt-e2e$/);
  const edit = page.getByRole("form", { name: "Judge settings" });
  await expect(edit.getByLabel("Base URL")).toHaveValue("http://127.0.0.1:9/v1");
  await expect(edit.getByLabel("Samples")).toHaveValue("3");
  await expect(edit.getByLabel("API key")).toHaveValue("");
  await expect(edit.getByTestId("stored-key")).toHaveText(HINT);
  expect(await page.content()).not.toContain(SECRET);

  // A new address without the key again is refused; nothing changes.
  await edit.getByLabel("Base URL").fill("http://127.0.0.1:10/v1");
  await edit.getByRole("button", { name: "Save judge" }).click();
  await expect(edit.getByRole("alert")).toContainText("baseUrl changed: send apiKey again (a stored key is never sent to a new address)");
  await expect(edit.getByLabel("Base URL")).toHaveValue("http://127.0.0.1:10/v1");
  await expect(row).toContainText("http://127.0.0.1:9/v1");
  await expect(row.getByRole("cell").last()).toHaveText("1");

  // A change that keeps the address keeps the stored key and makes version 2.
  await edit.getByLabel("Base URL").fill("http://127.0.0.1:9/v1");
  await edit.getByLabel("Samples").fill("5");
  await edit.getByRole("button", { name: "Save judge" }).click();
  await expect(edit.getByRole("status")).toContainText("Saved judge gpt-e2e: new configuration version 2");
  await expect(row.getByRole("cell").last()).toHaveText("2");
  await expect(row.getByTestId("judge-key")).toHaveText(HINT);

  // rubric has judged nothing here: both imported verdicts stop counting.
  await page.goto(`/projects/${PROJECT}`);
  await expect(page.getByTestId("policy-counts").first()).toContainText("1 pass · 1 fail · 0 pending");
  await page.goto(`/projects/${PROJECT}/judges`);
  const primary = page.getByRole("form", { name: "Choose the primary judge" });
  await primary.getByLabel("Primary judge").selectOption("rubric");
  await primary.getByRole("button", { name: "Save primary judge" }).click();
  await expect(primary.getByRole("status")).toHaveText("Saved: the primary judge is rubric. 2 completions' counted verdicts changed.");
  await expect(page.getByTestId("counted-rule")).toContainText("most recent verdict of the primary judge, rubric");
  await expect(page.getByTestId("judge-row").filter({ hasText: "rubric (built in)" }).getByTestId("primary-marker")).toHaveText("primary");
  await page.reload();
  await expect(page.getByTestId("counted-rule")).toContainText("primary judge, rubric");
  await page.goto(`/projects/${PROJECT}`);
  await expect(page.getByTestId("policy-counts").first()).toContainText("0 pass · 0 fail · 2 pending");

  // Each change is in the audit log, the key only masked.
  await page.goto(`/projects/${PROJECT}/audit`);
  const entries = page.getByTestId("audit-row");
  await expect(entries.filter({ hasText: "project.primary_judge" })).toContainText('{"primaryJudge":null} → {"recounted":2,"primaryJudge":"rubric"}');
  await expect(entries.filter({ hasText: "judge.update" })).toHaveCount(1);
  await expect(entries.filter({ hasText: "judge.create" })).toContainText(HINT);
  expect(await page.content()).not.toContain(SECRET);
});

test("a lead of the project sees which verdicts count and the judges, but neither admin form nor a judge's endpoint or key", async ({ browser, baseURL, request }) => {
  const headers = { authorization: `Bearer ${apiKey(PROJECT, "admin")}` };
  const judge = { kind: "openai", baseUrl: "http://10.1.2.3:8000/v1", model: "private-model", apiKey: `sk-lead-${randomBytes(8).toString("hex")}` };
  expect((await request.put("/api/v1/judges/lead-visible", { headers, data: judge })).status()).toBe(200);
  const email = `lead-${randomBytes(4).toString("hex")}@e2e.example`;
  const password = "a lead's password, long enough";
  ibWithInput(`${password}\n`, "user", "create", "--email", email, "--role", "lead", "--project", PROJECT, "--password-stdin");
  const context = await browser.newContext({ baseURL, storageState: SIGNED_OUT });
  try {
    const lead = await context.newPage();
    await signInFrom(lead, `/projects/${PROJECT}/judges`, { email, password });
    await expect(lead.getByTestId("counted-rule")).toBeVisible();
    await expect(lead.getByRole("form", { name: "Judge runs" })).toBeVisible();
    await expect(lead.getByRole("form", { name: "Judge settings" })).toHaveCount(0);
    await expect(lead.getByRole("form", { name: "Choose the primary judge" })).toHaveCount(0);
    await expect(lead.getByLabel("Add or change")).toHaveCount(0);
    const row = lead.getByTestId("judge-row").filter({ hasText: "lead-visible" });
    await expect(row).toContainText("private-model");
    await expect(row.getByTestId("judge-key")).toHaveCount(0);
    await expect(lead.getByRole("columnheader", { name: "Endpoint" })).toHaveCount(0);
    const html = await lead.content();
    expect(html).not.toContain("10.1.2.3");
    expect(html).not.toContain(`sk-…${judge.apiKey.slice(-4)}`);
  } finally {
    await context.close();
  }
});
