import { createHash } from "node:crypto";
import { expect, test } from "@playwright/test";
import { E2E_DEMO_CASES } from "../playwright.config";
import { generateDemoRecords } from "../lib/demo/generate";
import { DEMO_FIXTURE } from "./fixtures/demo-60";

test("the fixture was tallied from the demo records this server loads", () => {
  expect(DEMO_FIXTURE.cases).toBe(E2E_DEMO_CASES);
  const jsonl = [...generateDemoRecords({ cases: E2E_DEMO_CASES })].map((record) => `${JSON.stringify(record)}\n`).join("");
  const hint = "the demo generator changed: regenerate e2e/fixtures/demo-60.ts (see its header) and review the diff";
  expect(createHash("sha256").update(jsonl).digest("hex"), hint).toBe(DEMO_FIXTURE.recordsSha256);
});

test("the leaderboard shows the three demo runs with their exact figures", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/projects\/demo$/);
  await expect(page.getByRole("heading", { name: "Leaderboard" })).toBeVisible();
  await expect(page.getByRole("note")).toContainText("Simulated demo data");

  expect(DEMO_FIXTURE.leaderboard).toHaveLength(3);
  for (const run of DEMO_FIXTURE.leaderboard) {
    const row = page.getByTestId(`run-row-${run.run}`);
    await expect(row).toContainText(run.model);
    await expect(row.getByTestId("total")).toHaveText(String(run.total));
    await expect(row.getByTestId("intent-accuracy")).toHaveText(run.intent);
    await expect(row.getByTestId("intent-ci")).toContainText(run.intentCi);
    await expect(row.getByTestId("intent-counts")).toHaveText(run.intentCounts);
    await expect(row.getByTestId("policy-accuracy")).toHaveText(run.policy);
    await expect(row.getByTestId("policy-counts")).toHaveText(run.policyCounts);
    await expect(row.getByTestId("system-accuracy")).toHaveText(run.system);
    await expect(row.getByTestId("system-ci")).toContainText(run.systemCi);
    await expect(row.getByTestId("product-reference")).toHaveText(run.product);
  }
});

test("the per-intent breakdown sorts by a column from the keyboard", async ({ page }) => {
  await page.goto("/projects/demo");
  const table = page.getByRole("table", { name: /Per-intent accuracy/ });
  await expect(table.getByRole("row").nth(3)).toBeVisible();
  const support = table.getByRole("button", { name: /Support/ });
  await support.focus();
  await page.keyboard.press("Enter");
  await expect(table.getByRole("columnheader", { name: /Support/ })).toHaveAttribute("aria-sort", /ascending|descending/);
  const values = await table.locator("tbody tr td:nth-child(2)").allInnerTexts();
  const numbers = values.map((v) => Number(v.replace(/,/g, "")));
  const sortedAsc = [...numbers].sort((a, b) => a - b);
  const sortedDesc = [...sortedAsc].reverse();
  expect([JSON.stringify(sortedAsc), JSON.stringify(sortedDesc)]).toContain(JSON.stringify(numbers));
});

test("an unknown project is a 404 page, not an error", async ({ page }) => {
  const response = await page.goto("/projects/no-such-project");
  expect(response?.status()).toBe(404);
});
