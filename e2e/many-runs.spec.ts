import { expect, test } from "@playwright/test";
import { apiKey, ib } from "./fixtures/cli";

/**
 * A case answered by more runs than fit side by side: the case view shows
 * five and the lead picks which by check boxes, in the address. The project
 * is this file's own, created through the command line and the HTTP API.
 */
const PROJECT = `runs-${Date.now().toString(36)}`;
const RUNS = Array.from({ length: 7 }, (_, i) => `run-${i + 1}`);

test.beforeAll(async ({ request }) => {
  ib("project", "create", PROJECT);
  const key = apiKey(PROJECT, "admin");
  const headers = { authorization: `Bearer ${key}` };
  expect((await request.put("/api/v1/intents", { headers, data: { intents: [{ id: "get_refund", label: "Get refund", policy: "Ask for the order number." }] } })).status()).toBe(200);
  const records = [
    {
      case: { id: "the-case", messages: [{ role: "user", content: "I want my money back" }], expectedIntent: "get_refund" },
      completions: RUNS.map((run) => ({ run, model: `model-${run}`, text: `<analysis>Refund.</analysis><intent>get_refund</intent> Reply of ${run}.` })),
    },
  ];
  expect((await request.post("/api/v1/ingest", { headers, data: { records } })).status()).toBe(200);
});

test("more than five runs: five side by side, and check boxes pick which", async ({ page }) => {
  await page.goto(`/projects/${PROJECT}/cases/the-case`);
  const cards = page.getByTestId("completion-card");
  await expect(cards).toHaveCount(5);
  await expect(page.getByRole("form", { name: "Runs side by side" })).toContainText("7 runs answered");
  for (const run of RUNS.slice(0, 5)) await expect(page.getByRole("article", { name: `Run ${run}` })).toBeVisible();
  const picker = page.getByRole("form", { name: "Runs side by side" });
  for (const run of ["run-1", "run-2", "run-3"]) await picker.getByRole("checkbox", { name: run }).uncheck();
  await picker.getByRole("checkbox", { name: "run-7" }).check();
  await picker.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/show=run-4&show=run-5&show=run-7/);
  await expect(cards).toHaveCount(3);
  await expect(page.getByRole("article", { name: "Run run-7" })).toContainText("Reply of run-7.");
  // The choice stays when the view changes.
  await page.getByRole("link", { name: "Full generation" }).click();
  await expect(page).toHaveURL(/view=full/);
  await expect(cards).toHaveCount(3);
});
