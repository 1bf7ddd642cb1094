import { expect, test } from "@playwright/test";
import { E2E_DEMO_CASES } from "../playwright.config";
import { DEMO_INTENTS } from "../lib/demo/generate";
import { DEMO_FIXTURE } from "./fixtures/demo-60";

/** A run's confusion counts from the independently tallied fixture (e2e/fixtures/demo-60.ts). */
function expectedMatrix(run: string) {
  const found = DEMO_FIXTURE.confusion.find((matrix) => matrix.run === run);
  if (!found) throw new Error(`no confusion fixture for ${run}`);
  return {
    cells: new Map<string, number>(found.cells.map(([truth, predicted, n]) => [`${truth}|${predicted}`, n])), // "expected|predicted"
    formatErrors: new Map<string, number>(found.formatErrors),
    totals: new Map<string, number>(found.totals),
    top: [...found.top],
  };
}

test("the confusion matrix of small-base shows every cell, the format errors and the top confusions", async ({ page }) => {
  const expected = expectedMatrix("small-base");
  expect(expected.top.length).toBeGreaterThan(0);
  expect([...expected.formatErrors.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

  await page.goto("/projects/demo/confusion?run=small-base");
  await expect(page.getByRole("heading", { name: "Confusion matrix" })).toBeVisible();
  await expect(page.getByLabel("Run", { exact: true })).toHaveValue("small-base");

  for (const [key, n] of expected.cells) {
    const [truth, predicted] = key.split("|");
    const cell = page.getByTestId(`cell-${truth}-${predicted}`);
    await expect(cell).toHaveText(String(n));
    const label = truth === predicted ? `${truth} read correctly: ${n}` : `${truth} read as ${predicted}: ${n}`;
    await expect(cell.getByRole("link", { name: label, exact: true })).toHaveText(String(n));
    await expect(cell).toHaveAttribute("title", label);
    await expect(cell).toHaveAttribute("data-kind", truth === predicted ? "correct" : "confusion");
  }
  for (const [truth, n] of expected.formatErrors) {
    await expect(page.getByTestId(`format-error-${truth}`)).toHaveText(String(n));
  }
  for (const [truth, n] of expected.totals) {
    await expect(page.getByTestId(`total-${truth}`)).toHaveText(String(n));
  }
  // Nothing else is counted: every non-empty cell is one of the expected ones.
  const nonEmpty = page.locator("td[data-kind]");
  await expect(nonEmpty).toHaveCount(expected.cells.size + expected.formatErrors.size);
  await expect(page.getByTestId("format-error-total")).toHaveText(String([...expected.formatErrors.values()].reduce((a, b) => a + b, 0)));
  await expect(page.getByTestId("grand-total")).toHaveText(String(E2E_DEMO_CASES));

  await expect(page.getByTestId("top-confusion")).toHaveText(expected.top);
});

test("the matrix scrolls sideways inside its box with the intent column pinned", async ({ page }) => {
  await page.setViewportSize({ width: 900, height: 800 });
  await page.goto("/projects/demo/confusion?run=small-base");
  const box = page.getByTestId("matrix-scroll");
  await expect(page.getByRole("table", { name: /Confusion matrix of small-base/ }).getByRole("columnheader")).toHaveCount(DEMO_INTENTS.length + 3);
  expect(await box.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

  const rowHeader = page.getByTestId(`matrix-row-${DEMO_INTENTS[0]!.id}`).getByRole("rowheader");
  const before = (await rowHeader.boundingBox())!;
  await box.evaluate((el) => el.scrollTo({ left: 400 }));
  await expect.poll(() => box.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
  await expect.poll(async () => (await rowHeader.boundingBox())!.x).toBeCloseTo(before.x, 0);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the run picker is a plain form", async ({ page }) => {
    await page.goto("/projects/demo/confusion");
    await expect(page.getByLabel("Run", { exact: true })).toHaveValue(DEMO_FIXTURE.runs[0]);
    await page.getByLabel("Run", { exact: true }).selectOption("small-rft");
    await page.getByRole("button", { name: "Show" }).click();
    await expect(page).toHaveURL(/\?run=small-rft$/);
    await expect(page.getByTestId("format-error-total")).toHaveText(String([...expectedMatrix("small-rft").formatErrors.values()].reduce((a, b) => a + b, 0)));
  });
});

test("an unknown run name falls back to the first run and says so", async ({ page }) => {
  const response = await page.goto("/projects/demo/confusion?run=no-such-run");
  expect(response?.status()).toBe(200);
  await expect(page.getByTestId("unknown-run")).toContainText("No run named “no-such-run”");
  await expect(page.getByRole("heading", { name: DEMO_FIXTURE.runs[0], exact: true })).toBeVisible();
});
