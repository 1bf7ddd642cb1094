import { expect, test, type Page } from "@playwright/test";
import { apiKey, ib } from "./fixtures/cli";
import { DEMO_FIXTURE } from "./fixtures/demo-60";

/**
 * Browsing the demo: the story of a lead looking for the cases a model read
 * wrongly yet answered within policy, one row per case against the
 * independently tallied comparisons, facet counts against the tallied
 * leaderboard, and keyboard-only use.
 */
const matchCount = (page: Page) => page.getByTestId("match-count");

/**
 * Opens the shortcut list with "?", pressing again only while it is still
 * closed: until the case page has hydrated, a key reaches no listener. Once it
 * opens, every shortcut is live.
 */
async function openShortcuts(page: Page) {
  const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(async () => {
    if (!(await dialog.isVisible())) await page.keyboard.press("?");
    await expect(dialog).toBeVisible({ timeout: 1_000 });
  }).toPass();
  return dialog;
}

test("the story: filter, open a case, read both answers, and walk the filter with j and k", async ({ page }) => {
  const filter = "run=hosted-baseline&intentVerdict=wrong&policyVerdict=pass";
  await page.goto(`/projects/demo/cases?${filter}`);
  const rows = page.getByTestId("completion-row");
  await expect(rows.first()).toBeVisible();
  const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector("td")!.textContent!));
  expect(ids.length).toBeGreaterThan(1);
  await expect(matchCount(page)).toHaveText(String(ids.length));

  await rows.first().getByRole("link", { name: ids[0], exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Case ${ids[0]}`);
  await openShortcuts(page);
  await page.keyboard.press("Escape");
  for (let i = 0; i < ids.length; i++) {
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Case ${ids[i]}`);
    await expect(page).toHaveURL(new RegExp(`/cases/${ids[i]}\\?${filter}$`));
    const hosted = page.getByRole("article", { name: "Run hosted-baseline" });
    await expect(hosted.getByTestId("intent-verdict")).toContainText("intent wrong");
    await expect(hosted.getByTestId("policy-verdict")).toContainText("policy pass");
    // The other runs' answers to the same customer, side by side.
    await expect(page.getByRole("article", { name: "Run small-rft" }).getByTestId("answer")).not.toBeEmpty();
    if (i < ids.length - 1) await page.keyboard.press("j");
  }
  await expect(page.getByText("last case of the filter")).toBeVisible();
  await page.keyboard.press("k");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Case ${ids.at(-2)}`);
  await page.keyboard.press("ArrowRight");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Case ${ids.at(-1)}`);
  await page.keyboard.press("u");
  await expect(page).toHaveURL(`/projects/demo/cases?${filter}`);
});

test("? lists the shortcuts, and typing in a field is not a shortcut", async ({ page }) => {
  await page.goto("/projects/demo/cases?run=small-base&intentVerdict=wrong");
  await page.getByTestId("completion-row").first().getByRole("link").first().click();
  // The case page's own heading, not the table's that is still shown while it loads.
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/^Case /);
  const heading = await page.getByRole("heading", { level: 1 }).textContent();
  await openShortcuts(page);
  await expect(page.getByTestId("shortcuts")).toContainText("next case of the filter");
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toBeHidden();
  // A shortcut takes its key (preventDefault) as it starts to move, in the keydown itself; a listener added
  // after the page's own sees whether it did, so nothing has to be waited for to know that nothing moves.
  await page.evaluate(() => window.addEventListener("keydown", (event) => document.body.setAttribute("data-last-key-taken", String(event.defaultPrevented))));
  const here = page.url();
  await page.getByLabel("From", { exact: true }).focus();
  await page.keyboard.press("j");
  await expect(page.locator("body")).toHaveAttribute("data-last-key-taken", "false");
  expect(page.url()).toBe(here);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(heading!);
});

test("one row per case: the cases only one run wins are exactly the tallied discordant pairs", async ({ page }) => {
  for (const c of DEMO_FIXTURE.comparisons) {
    for (const [winner, want] of [[c.a, c.onlyA], [c.b, c.onlyB]] as const) {
      await page.goto(`/projects/demo/cases?rows=case&run=${c.a}&run=${c.b}&agreement=disagree&success=${c.kind}&winner=${winner}`);
      await expect(matchCount(page)).toHaveText(String(want.length));
      if (want.length === 0) {
        await expect(page.getByText("No case matches this filter.")).toBeVisible();
        continue;
      }
      const ids = await page.getByTestId("case-row").evaluateAll((trs) => trs.map((tr) => tr.querySelector("td")!.textContent!));
      expect(ids).toEqual([...want].slice(0, 50));
    }
    await page.goto(`/projects/demo/cases?rows=case&run=${c.a}&run=${c.b}&agreement=allFail&success=${c.kind}`);
    await expect(matchCount(page)).toHaveText(String(c.bothFail));
    await page.goto(`/projects/demo/cases?rows=case&run=${c.a}&run=${c.b}&agreement=allSucceed&success=${c.kind}`);
    await expect(matchCount(page)).toHaveText(String(c.both));
  }
});

test("a case row shows every run's verdicts, the matching one marked", async ({ page }) => {
  await page.goto("/projects/demo/cases?rows=case&run=small-base&intentVerdict=wrong");
  const row = page.getByTestId("case-row").first();
  await expect(row.locator("[data-matched=true]")).toHaveCount(1);
  await expect(row.locator("[data-matched=true]")).toContainText("intent wrong");
  // Without a run filter, a column per run.
  await page.goto("/projects/demo/cases?rows=case");
  await expect(matchCount(page)).toHaveText(String(DEMO_FIXTURE.cases));
  for (const run of DEMO_FIXTURE.runs) await expect(page.getByRole("columnheader", { name: run })).toBeVisible();
});

test("facet counts beside the filters equal the tallied leaderboard", async ({ page }) => {
  for (const run of DEMO_FIXTURE.leaderboard) {
    const [, correct, wrong, format] = /^(\d+) correct · (\d+) wrong · (\d+) format/.exec(run.intentCounts)!;
    const [, pass, fail, pending] = /^(\d+) pass · (\d+) fail · (\d+) pending/.exec(run.policyCounts)!;
    // A verdict filter of its own does not change its own facet's counts.
    await page.goto(`/projects/demo/cases?run=${run.run}&intentVerdict=wrong`);
    const count = (facet: string, value: string) => page.getByTestId(`facet-${facet}`).locator(`[data-testid=facet-count][data-value=${value}]`);
    await expect(count("intentVerdict", "correct")).toHaveText(correct!);
    await expect(count("intentVerdict", "wrong")).toHaveText(wrong!);
    await expect(count("intentVerdict", "format_error")).toHaveText(format!);
    await expect(count("run", run.run)).toHaveText(wrong!);
    await page.goto(`/projects/demo/cases?run=${run.run}`);
    await expect(count("policyVerdict", "pass")).toHaveText(pass!);
    await expect(count("policyVerdict", "fail")).toHaveText(fail!);
    await expect(count("policyVerdict", "pending")).toHaveText(pending!);
  }
});

test("counts the aggregates cannot give (a text search) and those of the one-value filters fill in after the page, each equal to the table's own count with that value", async ({ page }) => {
  const filter = "q=refund&run=small-base";
  await page.goto(`/projects/demo/cases?${filter}`);
  const count = (facet: string, value: string) => page.getByTestId(`facet-${facet}`).locator(`[data-testid=facet-count][data-value=${value}]`);
  // Once counted, nothing is left as "…" or "–", and the note about counting is gone.
  await expect(page.getByTestId("facet-count").filter({ hasText: /^(…|–)$/ })).toHaveCount(0);
  await expect(page.getByTestId("facets-counting")).toHaveCount(0);
  await expect(page.getByTestId("facets-left-out")).toHaveCount(0);
  const shown = {
    correct: await count("intentVerdict", "correct").textContent(),
    wrong: await count("intentVerdict", "wrong").textContent(),
    pass: await count("policyVerdict", "pass").textContent(),
    run: await count("run", "small-rft").textContent(),
  };
  // Each against the match count of the table with that value chosen (a count of its own, not the facets' pass).
  const tableCount = async (query: string) => {
    const other = await page.context().newPage();
    try {
      await other.goto(`/projects/demo/cases?${query}`);
      return await matchCount(other).textContent();
    } finally {
      await other.close();
    }
  };
  expect(shown.correct).toBe(await tableCount(`${filter}&intentVerdict=correct`));
  expect(shown.wrong).toBe(await tableCount(`${filter}&intentVerdict=wrong`));
  expect(shown.pass).toBe(await tableCount(`${filter}&policyVerdict=pass`));
  // The run facet keeps the text and drops its own filter.
  expect(shown.run).toBe(await tableCount("q=refund&run=small-rft"));
  expect(Number(shown.wrong)).toBeGreaterThan(0);
  // The one-value filters carry counts in their options too: "runs disagree (N)", "small-rft (N)".
  const option = async (select: string, value: string) => {
    const text = (await page.locator(`#${select} option[value="${value}"]`).textContent()) ?? "";
    return /\(([\d,]+)\)$/.exec(text)?.[1]?.replaceAll(",", "") ?? text;
  };
  expect(await option("f-agreement", "disagree")).toBe(await tableCount(`${filter}&agreement=disagree`));
  expect(await option("f-winner", "small-rft")).toBe(await tableCount(`${filter}&winner=small-rft`));
});

test("the search text is marked in the rows, and columns and density are part of the address", async ({ page }) => {
  await page.goto("/projects/demo/cases?q=refund");
  const marks = page.getByTestId("completion-row").first().locator("mark");
  await expect(marks.first()).toHaveText(/^refund$/i);
  await page.getByText("Columns", { exact: true }).click();
  await page.getByRole("checkbox", { name: "Reply" }).uncheck();
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/columns=none&columns=message/);
  // A row of the new page first: its table, header included, is then there, so "no Reply column" is about it.
  const tableShown = () => expect(page.getByTestId("completion-row").first()).toBeVisible();
  await tableShown();
  await expect(page.getByRole("columnheader", { name: "Customer" })).toBeVisible();
  await expect(page.getByRole("columnheader", { name: "Reply" })).toHaveCount(0);
  await page.getByRole("link", { name: "Compact" }).click();
  await expect(page).toHaveURL(/density=compact/);
  await expect(page.getByRole("link", { name: "Compact" })).toHaveAttribute("aria-current", "page");
  await tableShown();
  await expect(page.getByRole("columnheader", { name: "Reply" })).toHaveCount(0);
  // Applying a filter keeps the view.
  await page.getByTestId("facet-run").getByRole("checkbox", { name: /^small-rft/ }).check();
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/run=small-rft/);
  await expect(page).toHaveURL(/density=compact/);
  await expect(page.getByTestId("facet-run").getByRole("checkbox", { name: /^small-rft/ })).toBeChecked();
  await tableShown();
  await expect(page.getByRole("columnheader", { name: "Reply" })).toHaveCount(0);
  // The case view opened from a search marks it too.
  await page.goto("/projects/demo/cases?q=refund");
  await page.getByTestId("completion-row").first().getByRole("link").first().click();
  // The case page's own heading (the table's, "Cases", is still shown while it loads), then its marks.
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/^Case /);
  await expect(page.getByRole("article").or(page.getByTestId("message")).locator("mark").first()).toHaveText(/^refund$/i);
});

/** Tabs through the page and returns how many of its focusable controls were never reached. */
async function unreachedByTab(page: Page): Promise<string[]> {
  const focusable = await page.evaluate(() => {
    const all = [...document.querySelectorAll<HTMLElement>("a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex='-1'])")];
    const visible = all.filter((el) => el.getClientRects().length > 0 && !el.closest("dialog:not([open])") && !el.closest("details:not([open]) > :not(summary)"));
    visible.forEach((el, i) => el.setAttribute("data-focus-id", String(i)));
    return visible.length;
  });
  const reached = new Set<string>();
  for (let i = 0; i < focusable + 5; i++) {
    await page.keyboard.press("Tab");
    const id = await page.evaluate(() => document.activeElement?.getAttribute("data-focus-id") ?? null);
    if (id !== null) reached.add(id);
  }
  return page.evaluate((ids) => [...document.querySelectorAll("[data-focus-id]")].filter((el) => !ids.includes(el.getAttribute("data-focus-id")!)).map((el) => el.outerHTML.slice(0, 120)), [...reached]);
}

test("keyboard only: Tab reaches every control of the table and the case view", async ({ page }) => {
  await page.goto("/projects/demo/cases?run=small-base&intentVerdict=wrong");
  expect(await unreachedByTab(page)).toEqual([]);
  await page.goto("/projects/demo/cases?rows=case");
  expect(await unreachedByTab(page)).toEqual([]);
  await page.goto(`/projects/demo/cases/${DEMO_FIXTURE.comparisons[0]!.onlyB[0]}?run=small-base`);
  expect(await unreachedByTab(page)).toEqual([]);
});

test("the disagreement inbox: the rule in one sentence, every listed case a real split, j walks the ranking", async ({ page }) => {
  await page.goto("/projects/demo/inbox");
  await expect(page.getByTestId("ranking-rule")).toContainText("the more even the split the higher");
  const rows = page.getByTestId("case-row");
  await expect(rows.first()).toBeVisible();
  const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector("td")!.textContent!));
  expect(Number(await page.getByTestId("match-count").textContent())).toBeGreaterThanOrEqual(ids.length);
  // Two runs compared: every listed case shows the two runs splitting on intent or on policy.
  await page.goto("/projects/demo/inbox?run=small-base&run=small-rft");
  const listed = await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector("td")!.textContent!));
  expect(listed.length).toBeGreaterThan(0);
  for (const row of await rows.all()) {
    const cells = await row.locator("[data-matched]").allTextContents();
    expect(cells).toHaveLength(2);
    const intents = cells.map((text) => text.includes("intent correct"));
    const policies = cells.map((text) => (text.includes("policy pass") ? "pass" : text.includes("policy fail") ? "fail" : "pending"));
    expect(intents[0] !== intents[1] || (policies.includes("pass") && policies.includes("fail"))).toBe(true);
  }
  await rows.first().getByRole("link").first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Case ${listed[0]}`);
  await expect(page.getByRole("link", { name: "Back to the inbox" })).toBeVisible();
  await openShortcuts(page);
  await page.keyboard.press("Escape");
  await page.keyboard.press("j");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Case ${listed[1]}`);
  await expect(page).toHaveURL(/from=inbox&run=small-base&run=small-rft/);
});

test("each comparison count opens exactly that many cases, and the counts agree with GET /api/v1/runs/{run}/metrics", async ({ page, request }) => {
  test.setTimeout(240_000); // four comparisons, five figures each
  const key = apiKey("demo", "read", `browse-${Date.now()}`);
  for (const c of DEMO_FIXTURE.comparisons) {
    const compare = `/projects/demo/compare?a=${c.a}&b=${c.b}&metric=${c.kind}`;
    await page.goto(compare);
    const figures: Record<string, number> = { paired: c.paired, "both-succeed": c.both, "both-fail": c.bothFail, "only-a": c.onlyA.length, "only-b": c.onlyB.length };
    for (const [testId, n] of Object.entries(figures)) {
      await expect(page.getByTestId(testId)).toHaveText(String(n));
      await page.getByTestId(testId).getByRole("link").click();
      await expect(matchCount(page)).toHaveText(String(n));
      await page.goto(compare);
    }
    // Each run's successes on the paired cases are the cases both succeed plus those it alone succeeds (every demo case is paired).
    expect(c.paired).toBe(DEMO_FIXTURE.cases);
    for (const [run, alone] of [[c.a, c.onlyA.length], [c.b, c.onlyB.length]] as const) {
      const metrics = await (await request.get(`/api/v1/runs/${run}/metrics`, { headers: { authorization: `Bearer ${key}` } })).json();
      const successes = c.kind === "system" ? metrics.system.success : c.kind === "intent" ? metrics.intent.correct : metrics.policy.pass;
      expect(successes).toBe(c.both + alone);
    }
  }
});

test("a long reply shows as an excerpt in the table, around the search text when it is found further on; replies too far apart are not diffed", async ({ page, request }) => {
  const project = `long-${Date.now().toString(36)}`;
  ib("project", "create", project);
  const headers = { authorization: `Bearer ${apiKey(project, "admin")}` };
  expect((await request.put("/api/v1/intents", { headers, data: { intents: [{ id: "get_refund", label: "Get refund", policy: "Ask for the order number." }] } })).status()).toBe(200);
  // 100,000 characters: more than a browser keeps in one text node, which React would take for a mismatch.
  const reply = `${"a".repeat(5000)} ORDER-7731 ${"b".repeat(94_988)}`;
  const answer = (run: string, text: string) => ({ run, model: "m", text: `<analysis>x</analysis><intent>get_refund</intent> ${text}` });
  const record = { case: { id: "long-1", messages: [{ role: "user", content: "Where is my refund?" }], expectedIntent: "get_refund" }, completions: [answer("r", reply)] };
  // Two replies of 1,000 words that share none: too many places to mark word by word.
  const words = (prefix: string) => Array.from({ length: 1000 }, (_, i) => `${prefix}${i}`).join(" ");
  const apart = { case: { id: "apart", messages: [{ role: "user", content: "Where is my refund?" }], expectedIntent: "get_refund" }, completions: [answer("r", words("x")), answer("r2", words("y"))] };
  expect((await request.post("/api/v1/ingest", { headers, data: { records: [record, apart] } })).status()).toBe(200);
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));

  const cell = () => page.getByTestId("completion-row").filter({ has: page.getByRole("link", { name: "long-1", exact: true }) }).locator("td p").last();
  await page.goto(`/projects/${project}/cases`);
  await expect(page.locator("next-route-announcer")).toBeAttached();
  await expect(cell()).toHaveText(`${"a".repeat(1000)}…`);

  await page.goto(`/projects/${project}/cases?q=${encodeURIComponent("order-7731")}`);
  await expect(page.locator("next-route-announcer")).toBeAttached();
  await expect(cell().locator("mark")).toHaveText("ORDER-7731");
  const shown = await cell().textContent();
  expect(shown).toBe(`…${"a".repeat(79)} ORDER-7731 ${"b".repeat(1000 - 79 - 12)}…`);
  // The case view still has the whole reply.
  await page.getByTestId("completion-row").getByRole("link", { name: "long-1", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Case long-1");
  // Replies too far apart to compare word by word: the case view says so instead.
  await page.goto(`/projects/${project}/cases/apart`);
  await expect(page.getByTestId("reply-diff-too-different")).toContainText("more than 1,000 places");
  await expect(page.getByTestId("reply-diff")).toHaveCount(0);
  expect(errors).toEqual([]);
});
