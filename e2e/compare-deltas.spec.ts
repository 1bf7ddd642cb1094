import { expect, test, type Locator, type Page } from "@playwright/test";
import { DEMO_FIXTURE } from "./fixtures/demo-60";

/**
 * The comparison page's delta confusion matrix, per-intent success deltas and
 * summary links, against the independently tallied fixture
 * (e2e/fixtures/demo-60.ts, pairedDeltas in e2e/fixtures/tally-demo.mjs).
 */
type Kind = "system" | "intent" | "policy";

function fixture(a: string, b: string, kind: Kind) {
  const found = DEMO_FIXTURE.comparisons.find((c) => c.a === a && c.b === b && c.kind === kind);
  if (!found) throw new Error(`no fixture for ${a} vs ${b} on ${kind}: add it to COMPARISONS in e2e/fixtures/tally-demo.mjs`);
  return found;
}

const signed = (n: number) => (n === 0 ? "±0" : n > 0 ? `+${n}` : `\u2212${-n}`);
const query = (href: string | null) => new URL(href ?? "", "http://x").searchParams;

function cellOf(page: Page, truth: string, predicted: string): Locator {
  return page.getByTestId(predicted === "format_error" ? `delta-format-error-${truth}` : `delta-cell-${truth}-${predicted}`);
}

/** The address of one run's confusion cell in the table: the confusion page's own links. */
function confusionCellQuery(run: string, truth: string, predicted: string): Record<string, string> {
  return predicted === "format_error" ? { run, expectedIntent: truth, intentVerdict: "format_error" } : { run, expectedIntent: truth, predictedIntent: predicted };
}

for (const [a, b, kind] of [["small-base", "small-rft", "system"], ["small-rft", "hosted-baseline", "intent"]] as const) {
  test(`${a} vs ${b} on ${kind}: every delta-matrix cell shows B − A and both counts, linked to each run's confusion cell`, async ({ page }) => {
    const expected = fixture(a, b, kind);
    await page.goto(`/projects/demo/compare?a=${a}&b=${b}&metric=${kind}`);
    await expect(page.getByTestId("delta-population")).toContainText(`same ${expected.paired} paired cases`);
    const matrix = page.getByTestId("delta-matrix");
    // Exactly the fixture's non-empty cells carry figures; every other cell is blank.
    await expect(matrix.locator("td[data-tone]")).toHaveCount(expected.deltaCells.length);
    for (const [truth, predicted, countA, countB] of expected.deltaCells) {
      const cell = cellOf(page, truth, predicted);
      await expect(cell.getByTestId("delta")).toHaveText(signed(countB - countA));
      const tone = countB === countA ? "same" : (countB > countA) === (truth === predicted) ? "better" : "worse";
      await expect(cell).toHaveAttribute("data-tone", tone);
      for (const [side, run, n] of [["a", a, countA], ["b", b, countB]] as const) {
        const link = cell.getByTestId(`count-${side}`);
        await expect(link).toHaveText(String(n));
        expect(Object.fromEntries(query(await link.getAttribute("href")))).toEqual(confusionCellQuery(run, truth, predicted));
      }
    }
  });
}

test("a delta cell's counts open each run's confusion cell, showing that many completions", async ({ page }) => {
  const expected = fixture("small-base", "small-rft", "system");
  // Every demo case is answered by all three runs, so each run's whole confusion cell is its paired count.
  expect(expected.paired).toBe(DEMO_FIXTURE.cases);
  const picks = [
    expected.deltaCells.find(([truth, predicted, countA]) => truth !== predicted && predicted !== "format_error" && countA >= 2)!,
    expected.deltaCells.find(([truth, predicted, , countB]) => truth === predicted && countB >= 3)!,
    expected.deltaCells.find(([, predicted]) => predicted === "format_error")!,
  ];
  for (const [truth, predicted, countA, countB] of picks) {
    for (const [side, n] of [["a", countA], ["b", countB]] as const) {
      if (n === 0) continue;
      await page.goto("/projects/demo/compare?a=small-base&b=small-rft&metric=system");
      await cellOf(page, truth, predicted).getByTestId(`count-${side}`).click();
      await expect(page).toHaveURL(/\/projects\/demo\/cases\?/);
      await expect(page.getByTestId("match-count")).toHaveText(String(n));
      await expect(page.getByTestId("completion-row")).toHaveCount(n);
    }
  }
});

test("per-intent success deltas are sorted by B − A, with both rates linked to each run's cases of the intent", async ({ page }) => {
  const expected = fixture("small-base", "small-rft", "system");
  await page.goto("/projects/demo/compare?a=small-base&b=small-rft&metric=system");
  const chart = page.getByTestId("intent-deltas");
  await expect(chart.getByRole("rowheader")).toHaveText(expected.intentDeltas.map((d) => d.intent));
  for (const d of expected.intentDeltas) {
    const row = page.getByTestId(`intent-delta-${d.intent}`);
    await expect(row.getByTestId("change")).toHaveText(d.change);
    await expect(row.getByTestId("rate-a")).toHaveText(d.a);
    await expect(row.getByTestId("rate-b")).toHaveText(d.b);
    await expect(row.getByTestId("intent-paired")).toHaveText(String(d.paired));
    expect(Object.fromEntries(query(await row.getByTestId("rate-a").getAttribute("href")))).toEqual({ run: "small-base", expectedIntent: d.intent });
    expect(Object.fromEntries(query(await row.getByTestId("rate-b").getAttribute("href")))).toEqual({ run: "small-rft", expectedIntent: d.intent });
    const bar = query(await row.getByTestId("bar").getAttribute("href"));
    expect([...bar]).toEqual([["rows", "case"], ["run", "small-base"], ["run", "small-rft"], ["success", "system"], ["agreement", "paired"], ["expectedIntent", d.intent]]);
  }
  // A rate's link opens that run's completions of the intent: all paired, so as many as the row says.
  const first = expected.intentDeltas[0]!;
  await page.getByTestId(`intent-delta-${first.intent}`).getByTestId("rate-b").click();
  await expect(page.getByTestId("match-count")).toHaveText(String(first.paired));
});

test("another pair of runs comes in its own order of deltas", async ({ page }) => {
  const expected = fixture("hosted-baseline", "small-rft", "system");
  await page.goto("/projects/demo/compare?a=hosted-baseline&b=small-rft&metric=system");
  await expect(page.getByTestId("intent-deltas").getByTestId("change")).toHaveText(expected.intentDeltas.map((d) => d.change));
});

test("each summary count links to its cases in the table, one row per case", async ({ page }) => {
  await page.goto("/projects/demo/compare?a=small-base&b=small-rft&metric=intent");
  const base = [["rows", "case"], ["run", "small-base"], ["run", "small-rft"], ["success", "intent"]];
  const links: [string, string[][]][] = [
    ["paired", [["agreement", "paired"]]],
    ["both-succeed", [["agreement", "allSucceed"]]],
    ["both-fail", [["agreement", "allFail"]]],
    ["only-a", [["agreement", "disagree"], ["winner", "small-base"]]],
    ["only-b", [["agreement", "disagree"], ["winner", "small-rft"]]],
  ];
  for (const [testId, rest] of links) {
    const link = page.getByTestId(testId).getByRole("link");
    await expect(link).toHaveCount(1);
    expect([...query(await link.getAttribute("href"))]).toEqual([...base, ...rest]);
    expect(new URL((await link.getAttribute("href"))!, "http://x").pathname).toBe("/projects/demo/cases");
  }
});
