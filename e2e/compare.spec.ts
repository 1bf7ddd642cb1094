import { expect, test, type Page } from "@playwright/test";
import { E2E_DEMO_CASES } from "../playwright.config";
import { DEMO_INTENTS, DEMO_RUNS, generateDemoRecords } from "../lib/demo/generate";
import { pValue } from "../lib/format";
import { gradeIntent } from "../lib/grading/intent";
import { mcnemarExact } from "../lib/metrics/stats";

type Kind = "system" | "intent" | "policy";

/**
 * The comparison the page must show, tallied straight from the generated
 * records as e2e/expected.ts does: the grader's verdict, the record's policy
 * verdict, a format error failing policy.
 */
function expectedComparison(a: string, b: string, kind: Kind) {
  const taxonomy = new Set(DEMO_INTENTS.map((intent) => intent.id));
  const result = { paired: 0, both: 0, bothFail: 0, onlyA: [] as string[], onlyB: [] as string[], lastMessage: new Map<string, string>() };
  for (const record of generateDemoRecords({ cases: E2E_DEMO_CASES })) {
    const success = (run: string) => {
      const completion = record.completions.find((c) => c.run === run)!;
      const grade = gradeIntent(completion.text, record.case.expectedIntent, { taxonomy });
      const policy = grade.verdict === "format_error" ? "fail" : completion.policy?.verdict;
      if (kind === "intent") return grade.verdict === "correct";
      if (kind === "policy") return policy === "pass";
      return grade.verdict === "correct" && policy === "pass";
    };
    const [sa, sb] = [success(a), success(b)];
    result.paired++;
    if (sa && sb) result.both++;
    if (!sa && !sb) result.bothFail++;
    if (sa && !sb) result.onlyA.push(record.case.id);
    if (sb && !sa) result.onlyB.push(record.case.id);
    result.lastMessage.set(record.case.id, record.case.messages.at(-1)!.content);
  }
  result.onlyA.sort();
  result.onlyB.sort();
  const test = mcnemarExact(result.onlyA.length, result.onlyB.length);
  return { ...result, p: pValue(test.pValue, test.logPValue) };
}

async function expectFigures(page: Page, expected: ReturnType<typeof expectedComparison>) {
  await expect(page.getByTestId("paired")).toHaveText(String(expected.paired));
  await expect(page.getByTestId("both-succeed")).toHaveText(String(expected.both));
  await expect(page.getByTestId("both-fail")).toHaveText(String(expected.bothFail));
  await expect(page.getByTestId("only-a")).toHaveText(String(expected.onlyA.length));
  await expect(page.getByTestId("only-b")).toHaveText(String(expected.onlyB.length));
  await expect(page.getByTestId("p-value")).toHaveText(expected.p);
  const rowsA = page.getByTestId("only-a-cases").getByTestId("discordant-row").getByRole("rowheader");
  const rowsB = page.getByTestId("only-b-cases").getByTestId("discordant-row").getByRole("rowheader");
  await expect(rowsA).toHaveText(expected.onlyA.slice(0, 50));
  await expect(rowsB).toHaveText(expected.onlyB.slice(0, 50));
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
  await expect(row).toContainText(expected.lastMessage.get(first)!.slice(0, 60));
});

test("the defaults are the first two runs on system success", async ({ page }) => {
  await page.goto("/projects/demo/compare");
  const [a, b] = [DEMO_RUNS[0]!.name, DEMO_RUNS[1]!.name];
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
  await expect(page.getByLabel("Run A")).toHaveValue(DEMO_RUNS[0]!.name);
  await expect(page.getByLabel("Success means")).toHaveValue("system");
  await expectFigures(page, expectedComparison(DEMO_RUNS[0]!.name, "small-rft", "system"));
});
