import { expect, test, type Locator, type Page } from "@playwright/test";
import { apiKey, ib } from "./fixtures/cli";

/**
 * The policy judge from the browser: a lead writes a rubric into a guideline,
 * runs the built-in rubric judge on a run, watches the job finish, and the
 * leaderboard's policy figures follow. The project is this file's own.
 */
const PROJECT = `judging-${Date.now().toString(36)}`;
const reply = (text: string) => `<analysis>A refund.</analysis><intent>get_refund</intent> ${text}`;

test.beforeAll(async ({ request }) => {
  ib("project", "create", PROJECT);
  const headers = { authorization: `Bearer ${apiKey(PROJECT, "admin")}` };
  const intents = [{ id: "get_refund", label: "Get refund", policy: "Ask which order it is." }];
  expect((await request.put("/api/v1/intents", { headers, data: { intents } })).status()).toBe(200);
  const texts = ["Which order is it?", "Sure, done.", "Please send me the order number.", "Refunded!"];
  const records = texts.map((text, i) => ({
    case: { id: `refund-${i + 1}`, messages: [{ role: "user", content: "I want my money back" }], expectedIntent: "get_refund" },
    completions: [{ run: "r1", model: "m1", text: reply(text) }],
  }));
  expect((await request.post("/api/v1/ingest", { headers, data: { records } })).status()).toBe(200);
});

/**
 * The job the form just started, found by the number it reports: the list's first job may still be an
 * earlier one, and a later test must not begin while this job could still run (it would judge against
 * the guideline that test saves).
 */
async function startedJob(page: Page): Promise<Locator> {
  const started = page.getByRole("form", { name: "Judge runs" }).getByText(/Job \d+ started: rubric on r1/);
  await expect(started).toBeVisible();
  const id = /Job (\d+) started/.exec((await started.textContent()) ?? "")![1];
  return page.getByTestId("judge-job").and(page.getByLabel(`Job ${id}`, { exact: true }));
}

test("edit a guideline, run the rubric judge from the page, watch it finish, and the leaderboard follows", async ({ page }) => {
  await page.goto(`/projects/${PROJECT}`);
  await expect(page.getByTestId("policy-counts").first()).toContainText("0 pass · 0 fail · 4 pending");

  await page.goto(`/projects/${PROJECT}/guidelines`);
  const refund = page.getByTestId("guideline-get_refund");
  await refund.getByText("Edit").click();
  await refund.getByLabel("Rubric items (JSON)").fill(JSON.stringify([{ id: "order", description: "asks for the order", mustInclude: ["order"] }]));
  await refund.getByRole("button", { name: "Save as a new version" }).click();
  await expect(refund.getByText(/Saved as version 2/)).toBeVisible();

  await page.goto(`/projects/${PROJECT}/judges`);
  const form = page.getByRole("form", { name: "Judge runs" });
  await form.getByLabel("Judge").selectOption("rubric");
  await form.getByRole("checkbox", { name: "r1" }).check();
  await form.getByRole("button", { name: "Start judging" }).click();
  const job = await startedJob(page);
  // The page follows the job by itself: no reload here.
  await expect(job.getByTestId("job-status")).toHaveText("done", { timeout: 30_000 });
  await expect(job.getByTestId("job-progress")).toContainText("4 of 4 judged · 0 errors");
  await expect(job.getByRole("progressbar")).toHaveAttribute("value", "4");

  await page.goto(`/projects/${PROJECT}`);
  await expect(page.getByTestId("policy-counts").first()).toContainText("2 pass · 2 fail · 0 pending");
  await expect(page.getByTestId("policy-accuracy").first()).toHaveText("50.0%");

  // The same run again: nothing left to judge, nothing sent.
  await page.goto(`/projects/${PROJECT}/judges`);
  await form.getByRole("checkbox", { name: "r1" }).check();
  await form.getByRole("button", { name: "Start judging" }).click();
  const again = await startedJob(page);
  await expect(again.getByTestId("job-status")).toHaveText("done", { timeout: 30_000 });
  await expect(again.getByTestId("job-progress")).toContainText("0 of 0 judged");
});

test("a changed guideline makes the verdicts stale in the table; the leaderboard shows one judge's verdicts alone", async ({ page }) => {
  // Runs after the test above (one worker, in order): r1 has rubric verdicts on guideline v2.
  await page.goto(`/projects/${PROJECT}/guidelines`);
  const refund = page.getByTestId("guideline-get_refund");
  await refund.getByText("Edit").click();
  await refund.getByLabel("Guideline").fill("Ask which order it is, and say when the refund arrives.");
  await refund.getByRole("button", { name: "Save as a new version" }).click();
  await expect(refund.getByText(/Saved as version 3/)).toBeVisible();

  await page.goto(`/projects/${PROJECT}/cases`);
  await page.getByLabel("Stale verdict").selectOption("true");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/[?&]stale=true/);
  await expect(page.getByTestId("match-count")).toHaveText("4");
  await expect(page.getByTestId("stale")).toHaveCount(4);
  await expect(page.getByTestId("judge-shown")).toContainText("most recent one, from any judge");
  // Every verdict is stale now, so the other value must match none (an ignored filter would show all 4).
  await page.getByLabel("Stale verdict").selectOption("false");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/[?&]stale=false/);
  await expect(page.getByTestId("match-count")).toHaveText("0");

  // The table with one judge's verdicts alone, chosen in its filter form; an unknown name is dropped.
  await page.goto(`/projects/${PROJECT}/cases`);
  await page.getByLabel("Policy verdicts of").selectOption("rubric");
  await page.getByRole("checkbox", { name: /^pass/ }).check();
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/[?&]judge=rubric/);
  await expect(page.getByTestId("judge-shown")).toContainText("rubric's verdicts alone");
  await expect(page.getByTestId("match-count")).toHaveText("2");
  await page.goto(`/projects/${PROJECT}/cases?judge=nobody&policyVerdict=pass`);
  await expect(page.getByTestId("dropped-parameters")).toContainText("no judge of that name in this project");
  await expect(page.getByTestId("match-count")).toHaveText("2");

  await page.goto(`/projects/${PROJECT}`);
  await page.getByLabel("Policy verdicts of").selectOption("rubric");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/[?&]judge=rubric/);
  await expect(page.getByTestId("judge-shown")).toContainText("rubric's verdicts alone");
  await expect(page.getByTestId("policy-counts").first()).toContainText("2 pass · 2 fail · 0 pending");
  await page.goto(`/projects/${PROJECT}?judge=nobody`);
  await expect(page.getByTestId("judge-notice")).toContainText("No judge named “nobody”");
  await expect(page.getByTestId("policy-counts").first()).toContainText("2 pass · 2 fail · 0 pending");
});
