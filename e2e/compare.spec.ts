import { expect, test, type Page } from "@playwright/test";
import { DEMO_FIXTURE } from "./fixtures/demo-60";

type Kind = "system" | "intent" | "policy";
type Comparison = (typeof DEMO_FIXTURE.comparisons)[number];

const [FIRST_RUN, SECOND_RUN] = DEMO_FIXTURE.runs;

/** The comparison the page must show, from the independently tallied fixture (e2e/fixtures/demo-60.ts). */
function expectedComparison(a: string, b: string, kind: Kind): Comparison {
  const found = DEMO_FIXTURE.comparisons.find((c) => c.a === a && c.b === b && c.kind === kind);
  if (!found) throw new Error(`no fixture for ${a} vs ${b} on ${kind}: add it to COMPARISONS in e2e/fixtures/tally-demo.mjs`);
  return found;
}

async function expectFigures(page: Page, expected: Comparison) {
  await expect(page.getByTestId("paired")).toHaveText(String(expected.paired));
  await expect(page.getByTestId("both-succeed")).toHaveText(String(expected.both));
  await expect(page.getByTestId("both-fail")).toHaveText(String(expected.bothFail));
  await expect(page.getByTestId("only-a")).toHaveText(String(expected.onlyA.length));
  await expect(page.getByTestId("only-b")).toHaveText(String(expected.onlyB.length));
  await expect(page.getByTestId("p-value")).toHaveText(expected.p);
  const rowsA = page.getByTestId("only-a-cases").getByTestId("discordant-row").getByRole("rowheader");
  const rowsB = page.getByTestId("only-b-cases").getByTestId("discordant-row").getByRole("rowheader");
  await expect(rowsA).toHaveText([...expected.onlyA.slice(0, 50)]);
  await expect(rowsB).toHaveText([...expected.onlyB.slice(0, 50)]);
}

test("small-base vs small-rft on system success shows the discordant cases both ways and McNemar's p", async ({ page }) => {
  const expected = expectedComparison("small-base", "small-rft", "system");
  expect(expected.onlyB.length).toBeGreaterThan(expected.onlyA.length); // the demo's fine-tuned run is better
  await page.goto("/projects/demo/compare?a=small-base&b=small-rft&metric=system");
  await expect(page.getByRole("heading", { name: "Compare runs" })).toBeVisible();
  await expectFigures(page, expected);
  const cases = (n: number) => `${n} ${n === 1 ? "case" : "cases"}`;
  await expect(page.getByTestId("reading")).toHaveText(
    new RegExp(`^small-rft succeeds on ${cases(expected.onlyB.length)} where small-base fails, and the reverse happens on ${expected.onlyA.length}; ` +
      `a difference this large would arise by chance with p = ${expected.p.replace(/[.+]/g, "\\$&")}`),
  );

  // The customer's words, shown as text.
  const first = expected.onlyB[0]!;
  const row = page.getByTestId("only-b-cases").getByRole("row").filter({ has: page.getByRole("rowheader", { name: first, exact: true }) });
  await expect(row).toContainText(expected.firstOnlyBMessage);
});

test("the defaults are the first two runs on system success", async ({ page }) => {
  await page.goto("/projects/demo/compare");
  const [a, b] = [FIRST_RUN, SECOND_RUN];
  await expect(page.getByLabel("Run A")).toHaveValue(a);
  await expect(page.getByLabel("Run B")).toHaveValue(b);
  await expect(page.getByLabel("Success means")).toHaveValue("system");
  await expectFigures(page, expectedComparison(a, b, "system"));
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the pickers are a plain form that puts the choice in the URL", async ({ page }) => {
    await page.goto("/projects/demo/compare");
    await page.getByLabel("Run A").selectOption("small-rft");
    await page.getByLabel("Run B").selectOption("hosted-baseline");
    await page.getByLabel("Success means").selectOption("intent");
    await page.getByRole("button", { name: "Compare" }).click();
    await expect(page).toHaveURL(/a=small-rft&b=hosted-baseline&metric=intent/);
    await expectFigures(page, expectedComparison("small-rft", "hosted-baseline", "intent"));
  });
});

test("the same run twice is explained instead of compared", async ({ page }) => {
  await page.goto("/projects/demo/compare?a=small-base&b=small-base");
  await expect(page.getByTestId("same-run")).toContainText("both small-base");
  await expect(page.getByTestId("paired")).toHaveCount(0);
});

test("an unknown run name or metric falls back to the defaults and says so", async ({ page }) => {
  const response = await page.goto("/projects/demo/compare?a=no-such-run&b=small-rft&metric=bogus");
  expect(response?.status()).toBe(200);
  await expect(page.getByTestId("unknown-run")).toContainText("No run named “no-such-run”");
  await expect(page.getByTestId("dropped-parameters")).toHaveText("Ignored in the address: metric (expected one of: system, intent, policy).");
  await expect(page.getByLabel("Run A")).toHaveValue(FIRST_RUN);
  await expect(page.getByLabel("Success means")).toHaveValue("system");
  await expectFigures(page, expectedComparison(FIRST_RUN, "small-rft", "system"));
});
