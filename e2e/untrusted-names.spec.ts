import { expect, test, type Page } from "@playwright/test";
import { apiKey, ib } from "./fixtures/cli";

/**
 * Names and model output are untrusted text: a run name with a right-to-left
 * override, a predicted intent of 2,000 random characters, and a taxonomy wide
 * enough that the confusion matrix cannot fit the window. The project is this
 * file's own, created through the command line and the HTTP API.
 */
const PROJECT = `names-${Date.now().toString(36)}`;
const EVIL_RUN = "evil\u202Enur";
const LONG_RUN = "long-intents";
const INTENT_COUNT = 40;
const LONG_INTENT = Array.from({ length: 2000 }, (_, i) => String.fromCodePoint(0x4e00 + ((i * 7919) % 20000))).join("");

test.beforeAll(async ({ request }) => {
  ib("project", "create", PROJECT);
  const key = apiKey(PROJECT, "admin");
  const headers = { authorization: `Bearer ${key}` };
  const intents = Array.from({ length: INTENT_COUNT }, (_, i) => ({ id: `intent_number_${String(i).padStart(2, "0")}`, label: `Intent ${i}`, policy: "Be helpful." }));
  expect((await request.put("/api/v1/intents", { headers, data: { intents } })).status()).toBe(200);
  const text = (intent: string) => `<analysis>Reading it.</analysis><intent>${intent}</intent> Sure.`;
  const records = intents.map((intent, i) => ({
    case: { id: `case-${i}`, messages: [{ role: "user", content: `message ${i}` }], expectedIntent: intent.id },
    completions: [
      { run: EVIL_RUN, model: "model\u202Eevil", text: text(intents[(i + 1) % INTENT_COUNT]!.id) },
      { run: LONG_RUN, model: "m", text: text(i === 0 ? LONG_INTENT : intent.id) },
    ],
  }));
  const ingest = await request.post("/api/v1/ingest", { headers, data: { records } });
  expect(ingest.status()).toBe(200);
});

/** The element that holds exactly this text, and its tag. */
async function holderOf(page: Page, text: string): Promise<string[]> {
  return page.evaluate((wanted) => {
    const tags: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) if (node.textContent === wanted) tags.push(node.parentElement!.tagName.toLowerCase());
    return tags;
  }, text);
}

test("run and model names are isolated, so a right-to-left override cannot reverse the page around them", async ({ page }) => {
  await page.goto(`/projects/${PROJECT}`);
  await expect(page.getByTestId(`run-row-${EVIL_RUN}`)).toBeVisible();
  const runHolders = await holderOf(page, EVIL_RUN);
  expect(runHolders.length).toBeGreaterThan(0);
  expect(new Set(runHolders)).toEqual(new Set(["bdi"]));
  expect(new Set(await holderOf(page, "model\u202Eevil"))).toEqual(new Set(["bdi"]));

  await page.goto(`/projects/${PROJECT}/compare?a=${encodeURIComponent(EVIL_RUN)}&b=${LONG_RUN}`);
  await expect(page.getByTestId("reading")).toBeVisible();
  expect(new Set(await holderOf(page, EVIL_RUN))).toEqual(new Set(["bdi", "option"]));
});

test("a 2,000-character predicted intent is shortened in the matrix, shown whole on hover and on focus", async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(`/projects/${PROJECT}/confusion?run=${LONG_RUN}`);
  const header = page.locator("thead tr").first();
  await expect(header).toBeVisible();
  const box = (await header.boundingBox())!;
  expect(box.height).toBeLessThan(450); // 2,000 characters written whole would be thousands of pixels tall

  const stored = LONG_INTENT.slice(0, 200); // what the store keeps of a predicted intent (flagged as cut)
  const short = page.getByRole("columnheader").locator(`bdi[aria-label="${stored}"]`);
  await expect(short).toHaveText(/…$/);
  const tooltip = page.getByRole("tooltip").filter({ hasText: stored });
  await expect(tooltip).toBeHidden();
  await short.focus();
  await expect(tooltip).toBeVisible();
  await short.blur();
  await expect(tooltip).toBeHidden();
  await short.hover();
  await expect(tooltip).toBeVisible();
});

test("a matrix wider than the window scrolls inside its frame, the ground-truth column kept in view", async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(`/projects/${PROJECT}/confusion?run=${EVIL_RUN}`);
  const frame = page.getByTestId("matrix-scroll");
  await expect(frame).toBeVisible();
  const widths = await frame.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
  expect(widths.scroll).toBeGreaterThan(widths.client); // 40 intents do not fit: the frame scrolls

  const frameBox = (await frame.boundingBox())!;
  expect(frameBox.x + frameBox.width).toBeLessThanOrEqual(1400); // the frame itself stays inside the window
  const rowHeader = page.getByRole("rowheader").filter({ hasText: "intent_number_00" });
  const before = (await rowHeader.boundingBox())!;

  const total = page.getByTestId("grand-total");
  await total.scrollIntoViewIfNeeded();
  await expect(total).toBeInViewport();
  const after = (await rowHeader.boundingBox())!;
  expect(await frame.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
  expect(Math.abs(after.x - before.x)).toBeLessThan(2); // sticky: the ground truth stays where it was
  expect(after.x).toBeGreaterThanOrEqual(frameBox.x - 1);

  // The frame fits the window's height too, so its horizontal scroll bar is in view without scrolling the page.
  await page.evaluate(() => window.scrollTo(0, 0));
  await frame.evaluate((el) => el.scrollIntoView({ block: "nearest" }));
  const fitted = (await frame.boundingBox())!;
  expect(fitted.height).toBeLessThanOrEqual(900 * 0.8 + 1);
  const header = page.getByRole("columnheader", { name: "total", exact: true });
  await frame.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect(header).toBeInViewport(); // the header row stays in view while the rows scroll
});
