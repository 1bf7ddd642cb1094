import { expect, test, type Page } from "@playwright/test";
import { DEMO_FIXTURE } from "./fixtures/demo-60";

/**
 * From a number to exactly its completions: confusion-matrix cells and
 * leaderboard counts open the interaction table filtered to them, and the
 * table's match count equals the number clicked. Expected figures come from
 * the independently tallied fixture (e2e/fixtures/demo-60.ts).
 */
const matchCount = (page: Page) => page.getByTestId("match-count");

function smallBase() {
  const matrix = DEMO_FIXTURE.confusion.find((m) => m.run === "small-base")!;
  const [expected, predicted, n] = matrix.cells.find(([truth, guess, count]) => truth !== guess && count >= 2)!;
  return { matrix, expected, predicted, n };
}

test("a confusion-matrix cell opens exactly its completions", async ({ page }) => {
  const { expected, predicted, n } = smallBase();
  await page.goto("/projects/demo/confusion?run=small-base");
  await page.getByTestId(`cell-${expected}-${predicted}`).getByRole("link").click();
  await expect(page).toHaveURL(`/projects/demo/cases?run=small-base&expectedIntent=${expected}&predictedIntent=${predicted}`);
  await expect(matchCount(page)).toHaveText(String(n));
  const rows = page.getByTestId("completion-row");
  await expect(rows).toHaveCount(n);
  for (const row of await rows.all()) {
    await expect(row).toContainText("small-base");
    await expect(row.getByRole("cell").nth(3)).toHaveText(expected);
    await expect(row.getByRole("cell").nth(4)).toHaveText(predicted);
  }
});

test("a format-error cell opens that intent's format errors", async ({ page }) => {
  const { matrix } = smallBase();
  const [intent, n] = matrix.formatErrors[0]!;
  await page.goto("/projects/demo/confusion?run=small-base");
  await page.getByTestId(`format-error-${intent}`).getByRole("link").click();
  await expect(matchCount(page)).toHaveText(String(n));
  await expect(page.getByTestId("completion-row").first()).toContainText("format error");
});

test("each leaderboard count opens its completions", async ({ page }) => {
  const hosted = DEMO_FIXTURE.leaderboard.find((run) => run.run === "hosted-baseline")!;
  const [, correct, wrong] = /^(\d+) correct · (\d+) wrong/.exec(hosted.intentCounts)!;
  const [, pass] = /^(\d+) pass/.exec(hosted.policyCounts)!;
  for (const [text, n] of [[`${wrong} wrong`, wrong], [`${correct} correct`, correct], [`${pass} pass`, pass]] as const) {
    await page.goto("/projects/demo");
    await page.getByTestId("run-row-hosted-baseline").getByRole("link", { name: text, exact: true }).click();
    await expect(matchCount(page)).toHaveText(n!);
  }
  await page.goto("/projects/demo");
  await page.getByTestId("run-row-hosted-baseline").getByTestId("total").getByRole("link").click();
  await expect(matchCount(page)).toHaveText(String(hosted.total));
});

test("paging walks every match exactly once, and a copied address shows the same page", async ({ page, context }) => {
  const all = DEMO_FIXTURE.cases * DEMO_FIXTURE.runs.length;
  await page.goto("/projects/demo/cases");
  await expect(matchCount(page)).toHaveText(String(all));
  const seen: string[] = [];
  for (;;) {
    const rows = page.getByTestId("completion-row");
    await expect(rows.first()).toBeVisible();
    for (const row of await rows.all()) seen.push(`${await row.getByRole("cell").nth(0).textContent()}|${await row.getByRole("cell").nth(2).textContent()}`);
    const next = page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "Next page" });
    if ((await next.count()) === 0) break;
    const before = { url: page.url(), first: await rows.first().textContent() };
    await next.click();
    // Wait for the next page itself, not for a link the previous page may already show.
    await expect(page).not.toHaveURL(before.url);
    await expect(rows.first()).not.toHaveText(before.first!);
    await expect(page.getByRole("link", { name: "First page" })).toBeVisible();
    if (seen.length === 100) {
      const copied = await context.newPage();
      await copied.goto(page.url());
      await expect(copied.getByTestId("completion-row")).toHaveCount(50);
      expect(await copied.getByTestId("completion-row").first().textContent()).toBe(await page.getByTestId("completion-row").first().textContent());
      await copied.close();
    }
  }
  expect(seen).toHaveLength(all);
  expect(new Set(seen).size).toBe(all);
});

test("bad values in the address are dropped with a notice, never an error page", async ({ page }) => {
  await page.goto("/projects/demo/cases?intentVerdict=bogus&intentVerdict=wrong&run=small-base&cursor=nonsense&sort=sideways");
  await expect(page.getByTestId("dropped-parameters")).toContainText("intentVerdict");
  await expect(page.getByTestId("dropped-parameters")).toContainText("cursor");
  await expect(page.getByTestId("dropped-parameters")).toContainText("sort");
  const wrong = /(\d+) wrong/.exec(DEMO_FIXTURE.leaderboard.find((run) => run.run === "small-base")!.intentCounts)![1]!;
  await expect(matchCount(page)).toHaveText(wrong);
  await expect(page.getByTestId("facet-intentVerdict").getByRole("checkbox", { name: /^wrong/ })).toBeChecked();
  await expect(page.getByTestId("facet-intentVerdict").getByRole("checkbox", { name: /^correct/ })).not.toBeChecked();

  // The case view too: its own values, the table's it keeps, and a run it has no reply of.
  const caseId = (await page.getByTestId("completion-row").first().getByRole("cell").first().textContent())!;
  await page.goto(`/projects/demo/cases/${encodeURIComponent(caseId)}?view=sideways&from=elsewhere&a=no-such-run&run=small-base&intentVerdict=bogus`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Case ${caseId}`);
  const notice = page.getByTestId("dropped-parameters");
  await expect(notice).toContainText("intentVerdict");
  await expect(notice).toContainText("view (expected one of: customer, full)");
  await expect(notice).toContainText("from (expected one of: table, inbox)");
  await expect(notice).toContainText("a (no reply of a run of that name in this case");
  await expect(page.getByRole("link", { name: "Customer view" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByRole("link", { name: "Back to the table" })).toHaveAttribute("href", /run=small-base/);
});

test("a case view with a plain address says nothing was ignored", async ({ page }) => {
  await page.goto("/projects/demo/cases?run=small-base");
  const caseId = (await page.getByTestId("completion-row").first().getByRole("cell").first().textContent())!;
  await page.goto(`/projects/demo/cases/${encodeURIComponent(caseId)}?run=small-base&view=full`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Case ${caseId}`);
  await expect(page.getByRole("link", { name: "Full generation" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByTestId("dropped-parameters")).toHaveCount(0);
});

test("a row opens its case: the conversation, then every run's answer side by side", async ({ page }) => {
  await page.goto("/projects/demo/cases?run=hosted-baseline&intentVerdict=wrong");
  const row = page.getByTestId("completion-row").first();
  const [caseId, expected, predicted] = await Promise.all([0, 3, 4].map((i) => row.getByRole("cell").nth(i).textContent()));
  await row.getByRole("link", { name: caseId!, exact: true }).click();
  // The case view keeps the filter it was opened from (for next and previous).
  await expect(page).toHaveURL(`/projects/demo/cases/${encodeURIComponent(caseId!)}?run=hosted-baseline&intentVerdict=wrong`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Case ${caseId}`);
  await expect(page.getByTestId("message").last()).toContainText("customer");

  const cards = page.getByTestId("completion-card");
  await expect(cards).toHaveCount(DEMO_FIXTURE.runs.length);
  const hosted = page.getByRole("article", { name: "Run hosted-baseline" });
  await expect(hosted.getByTestId("predicted")).toHaveText(predicted!);
  await expect(hosted.getByTestId("intent-verdict")).toContainText("intent wrong");
  await expect(hosted).toContainText(`Ground truth${expected}`);
  await expect(hosted.getByTestId("answer")).not.toContainText("<intent>");

  await page.getByRole("link", { name: "Full generation" }).click();
  await expect(page).toHaveURL(/[?&]view=full(&|$)/);
  await expect(hosted.getByTestId("answer")).toContainText(`<intent>${predicted}</intent>`);
});

test("a discordant case on the comparison opens its case view, and an unknown case is a 404 page", async ({ page }) => {
  await page.goto("/projects/demo/compare?a=small-base&b=small-rft&metric=system");
  const first = page.getByTestId("only-b-cases").getByRole("rowheader").first();
  const id = (await first.textContent())!;
  await first.getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Case ${id}`);
  const response = await page.goto("/projects/demo/cases/no-such-case");
  expect(response!.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});

test("the word diff of two replies rebuilds each reply exactly, changes marked", async ({ page }) => {
  await page.goto("/projects/demo/cases?run=hosted-baseline&intentVerdict=wrong");
  const caseId = (await page.getByTestId("completion-row").first().getByRole("cell").first().textContent())!;
  await page.goto(`/projects/demo/cases/${encodeURIComponent(caseId)}?a=hosted-baseline&b=small-rft`);
  const reply = (run: string) => page.getByRole("article", { name: `Run ${run}` }).getByTestId("answer").textContent();
  const [from, to] = [await reply("hosted-baseline"), await reply("small-rft")];
  expect(from).not.toBe(to);
  const diff = page.getByTestId("reply-diff");
  await expect(page.getByLabel("From", { exact: true })).toHaveValue("hosted-baseline");
  await expect(page.getByLabel("To", { exact: true })).toHaveValue("small-rft");
  const sides = await diff.evaluate((el) => {
    const parts = [...el.childNodes].map((node) => ({ tag: (node as Element).tagName?.toLowerCase() ?? "text", text: node.textContent ?? "" }));
    return {
      from: parts.filter((p) => p.tag !== "ins").map((p) => p.text).join(""),
      to: parts.filter((p) => p.tag !== "del").map((p) => p.text).join(""),
      changed: parts.filter((p) => p.tag === "ins" || p.tag === "del").length,
    };
  });
  expect(sides.from).toBe(from);
  expect(sides.to).toBe(to);
  expect(sides.changed).toBeGreaterThan(0);
});
