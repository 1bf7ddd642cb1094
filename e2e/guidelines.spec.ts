import { expect, test } from "@playwright/test";
import { apiKey, ib } from "./fixtures/cli";

/**
 * A lead edits a guideline in the browser: a new version, and the verdict
 * judged against the old one is marked stale on its case. The project is this
 * file's own, created through the command line and the HTTP API.
 */
const PROJECT = `guidelines-${Date.now().toString(36)}`;

test.beforeAll(async ({ request }) => {
  ib("project", "create", PROJECT);
  const headers = { authorization: `Bearer ${apiKey(PROJECT, "admin")}` };
  const intents = [
    { id: "get_refund", label: "Get refund", policy: "Ask for the order number." },
    { id: "cancel_order", label: "Cancel order", policy: "Confirm the order first." },
  ];
  expect((await request.put("/api/v1/intents", { headers, data: { intents } })).status()).toBe(200);
  const records = [
    {
      case: { id: "refund-1", messages: [{ role: "user", content: "I want my money back" }], expectedIntent: "get_refund" },
      completions: [{ run: "r1", model: "m1", text: "<analysis>Refund.</analysis><intent>get_refund</intent> Which order?", policy: { verdict: "pass", rationale: "asked", judge: "import" } }],
    },
  ];
  expect((await request.post("/api/v1/ingest", { headers, data: { records } })).status()).toBe(200);
});

test("a lead edits a guideline: a new version, refused when invalid, and older verdicts marked stale", async ({ page }) => {
  await page.goto(`/projects/${PROJECT}/guidelines`);
  const refund = page.getByTestId("guideline-get_refund");
  await expect(refund.getByTestId("guideline-version")).toHaveText("version 1");
  await refund.getByText("Edit").click();
  await refund.getByLabel("Rubric items (JSON)").fill("[{not json");
  await refund.getByRole("button", { name: "Save as a new version" }).click();
  await expect(refund.getByText(/the rubric is not JSON/)).toBeVisible();
  await expect(refund.getByLabel("Rubric items (JSON)")).toHaveValue("[{not json");

  await refund.getByLabel("Guideline").fill("Ask for the order number and the reason.");
  await refund.getByLabel("Rubric items (JSON)").fill(JSON.stringify([{ id: "order", description: "asks for the order number", mustInclude: ["order"] }]));
  await refund.getByRole("button", { name: "Save as a new version" }).click();
  await expect(refund.getByText("Saved as version 2.", { exact: false })).toBeVisible();
  await page.reload();
  await expect(refund.getByTestId("guideline-version")).toHaveText("version 2");
  await expect(refund).toContainText("Ask for the order number and the reason.");
  await expect(refund).toContainText("asks for the order number");
  await expect(page.getByTestId("guideline-cancel_order").getByTestId("guideline-version")).toHaveText("version 1");

  await page.goto(`/projects/${PROJECT}/cases/refund-1`);
  await expect(page.getByTestId("guideline").first()).toContainText("stale: v2 is in force");
});
