import { expect, test } from "@playwright/test";
import { E2E_DEMO_CASES } from "../playwright.config";
import { DEMO_INTENTS, DEMO_RUNS, generateDemoRecords } from "../lib/demo/generate";
import { gradeIntent } from "../lib/grading/intent";

/** A run's confusion counts tallied from the generated records with the grader, as e2e/expected.ts does. */
function expectedMatrix(run: string) {
  const taxonomy = new Set(DEMO_INTENTS.map((intent) => intent.id));
  const cells = new Map<string, number>(); // "expected|predicted"
  const formatErrors = new Map<string, number>();
  const totals = new Map<string, number>();
  for (const record of generateDemoRecords({ cases: E2E_DEMO_CASES })) {
    const completion = record.completions.find((c) => c.run === run)!;
    const expected = record.case.expectedIntent;
    const grade = gradeIntent(completion.text, expected, { taxonomy });
    totals.set(expected, (totals.get(expected) ?? 0) + 1);
    if (grade.predictedIntent === null) formatErrors.set(expected, (formatErrors.get(expected) ?? 0) + 1);
    else cells.set(`${expected}|${grade.predictedIntent}`, (cells.get(`${expected}|${grade.predictedIntent}`) ?? 0) + 1);
  }
  const confusions = [...cells]
    .map(([key, n]) => ({ expected: key.split("|")[0]!, predicted: key.split("|")[1]!, n }))
    .filter((cell) => cell.expected !== cell.predicted)
    .sort((x, y) => y.n - x.n || x.expected.localeCompare(y.expected) || x.predicted.localeCompare(y.predicted));
  return { cells, formatErrors, totals, confusions };
}

test("the confusion matrix of small-base shows every cell, the format errors and the top confusions", async ({ page }) => {
  const expected = expectedMatrix("small-base");
  expect(expected.confusions.length).toBeGreaterThan(0);
  expect([...expected.formatErrors.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

  await page.goto("/projects/demo/confusion?run=small-base");
  await expect(page.getByRole("heading", { name: "Confusion matrix" })).toBeVisible();
  await expect(page.getByLabel("Run", { exact: true })).toHaveValue("small-base");

  for (const [key, n] of expected.cells) {
    const [truth, predicted] = key.split("|");
    const cell = page.getByTestId(`cell-${truth}-${predicted}`);
    await expect(cell).toHaveText(String(n));
    const label = truth === predicted ? `${truth} read correctly: ${n}` : `${truth} read as ${predicted}: ${n}`;
    await expect(cell).toHaveAttribute("aria-label", label);
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

  const top = expected.confusions.slice(0, 10).map((c) => `${c.expected} read as ${c.predicted}: ${c.n} of ${expected.totals.get(c.expected)} cases`);
  await expect(page.getByTestId("top-confusion")).toHaveText(top);
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
    await expect(page.getByLabel("Run", { exact: true })).toHaveValue(DEMO_RUNS[0]!.name);
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
  await expect(page.getByRole("heading", { name: DEMO_RUNS[0]!.name, exact: true })).toBeVisible();
});
