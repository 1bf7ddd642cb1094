import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { apiKey, ib } from "./fixtures/cli";
import { appPages, type PageSubjects } from "./fixtures/app-pages";

/**
 * Untrusted text is only ever text. A corpus of markup, script, CSS and link
 * payloads goes through the HTTP API into every field a page shows (case ids,
 * messages, replies, analyses, predicted intents, run and model names, tags,
 * metadata, verdict rationales and judges, intent labels); then every page
 * (e2e/fixtures/app-pages.ts) is opened and must run no payload, open no
 * dialog, request nothing from another origin, show the payloads as text, send
 * its nonce-based Content-Security-Policy and still work under it.
 */
const PROJECT = `xss-${Date.now().toString(36)}`;
const EVIL = "http://evil.example";

/** Each payload, if it ever ran, sets window.__xss or opens a dialog; if it ever loaded, it asks evil.example. */
const PAYLOADS: string[] = [
  `<script>window.__xss=1</script>`,
  `<img src=x onerror="window.__xss=1">`,
  `<svg onload="window.__xss=1"><script>window.__xss=1</script></svg>`,
  `<a href="javascript:window.__xss=1">click me</a>`,
  `javascript:alert(1)`,
  `"><script>alert(1)</script>`,
  `'><img src=x onerror=alert(1)>`,
  `<body onload=alert(1)>`,
  `</style><script>window.__xss=1</script>`,
  `</textarea></title><script>alert(1)</script>`,
  `<style>body{background:url(${EVIL}/css.png)}</style>`,
  `<div style="background:url(${EVIL}/style.png)">styled</div>`,
  `![x](${EVIL}/markdown.png)`,
  `[click](javascript:alert(1))`,
  `<img src=${EVIL}/img.png>`,
  `<iframe src="${EVIL}/frame"></iframe>`,
  `<link rel=stylesheet href=${EVIL}/x.css>`,
  `<meta http-equiv="refresh" content="0;url=${EVIL}/">`,
  `{{constructor.constructor('window.__xss=1')()}}`,
  `\u202Egnp.exe\u202C <b>bold?</b>`,
];

const LONG = "W".repeat(100_000); // one unbroken word
const RUN_A = `<script>window.__xss=1</script>run-a`;
const RUN_B = `"><img src=x onerror=alert(1)>\u202Eb-nur`;
const MODEL_A = `<svg onload="window.__xss=1">model`;
const MODEL_B = `javascript:alert(1)`;
const INTENTS = [
  { id: "billing", label: `<img src=${EVIL}/label.png onerror=window.__xss=1>Billing`, description: PAYLOADS[0], policy: PAYLOADS[1] },
  { id: "refund", label: `<script>alert(1)</script>Refund`, description: PAYLOADS[3], policy: PAYLOADS[10] },
];
const caseId = (i: number) => `c${i}-${PAYLOADS[i]}`.slice(0, 200);
const predictedOf = (i: number) => (i % 2 === 0 ? `<img src=x onerror=alert(${i})>` : INTENTS[i % 2]!.id);
const textA = (i: number) => `<analysis>${PAYLOADS[i]}</analysis><intent>${predictedOf(i)}</intent> ${PAYLOADS[i]}\nsecond line`;

const SUBJECTS: PageSubjects = {
  project: PROJECT,
  runA: RUN_A,
  runB: RUN_B,
  modelA: MODEL_A,
  caseId: caseId(0),
  message: PAYLOADS[0]!,
  reply: `${PAYLOADS[0]}\nsecond line`,
  fullText: textA(0),
  tag: `tag-${PAYLOADS[2]}`,
  predictedIntent: predictedOf(0),
  intentLabel: INTENTS[0]!.label,
};

test.beforeAll(async ({ request }) => {
  ib("project", "create", PROJECT);
  const key = apiKey(PROJECT, "admin");
  const headers = { authorization: `Bearer ${key}` };
  expect((await request.put("/api/v1/intents", { headers, data: { intents: INTENTS } })).status()).toBe(200);
  const records = PAYLOADS.map((payload, i) => ({
    case: {
      id: caseId(i),
      messages: [{ role: "system", content: payload }, { role: "assistant", content: `${payload}\n${payload}` }, { role: "user", content: payload }],
      expectedIntent: INTENTS[i % 2]!.id,
      tags: [payload.slice(0, 100), `tag-${PAYLOADS[(i + 2) % PAYLOADS.length]}`.slice(0, 100), "plain"],
      metadata: { note: payload, [payload.slice(0, 200)]: [payload] },
    },
    completions: [
      { run: RUN_A, model: MODEL_A, text: textA(i), policy: { verdict: "fail", rationale: `${payload}\n${payload}`, judge: payload, judgeVersion: payload.slice(0, 100) }, metadata: { payload } },
      { run: RUN_B, model: MODEL_B, text: `<analysis>fine</analysis><intent>${INTENTS[i % 2]!.id}</intent> ${payload} answered by b` },
    ],
  }));
  records.push({
    case: { id: "long", messages: [{ role: "user", content: LONG }], expectedIntent: "billing", tags: ["plain"], metadata: { note: LONG } },
    completions: [
      { run: RUN_A, model: MODEL_A, text: `<analysis>${LONG.slice(0, 5_000)}</analysis><intent>billing</intent> ${LONG}`, policy: { verdict: "pass", rationale: LONG.slice(0, 10_000), judge: "j", judgeVersion: "1" }, metadata: { payload: LONG } },
      { run: RUN_B, model: MODEL_B, text: `<analysis>x</analysis><intent>billing</intent> ${LONG}!` },
    ],
  });
  const ingest = await request.post("/api/v1/ingest", { headers, data: { records } });
  expect(ingest.status(), await ingest.text()).toBe(200);
});

interface Watch {
  outside: string[];
  dialogs: string[];
  errors: string[];
}

/** Records every request leaving the app's origin (and stops it), every dialog, every page error and CSP report on the console. */
async function watch(context: BrowserContext, page: Page, origin: string): Promise<Watch> {
  const seen: Watch = { outside: [], dialogs: [], errors: [] };
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin) return route.continue();
    seen.outside.push(url);
    return route.abort("blockedbyclient");
  });
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith("data:") && new URL(url).origin !== origin && !seen.outside.includes(url)) seen.outside.push(url);
  });
  page.on("dialog", (dialog) => {
    seen.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on("pageerror", (error) => seen.errors.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (/content security policy/i.test(message.text())) seen.errors.push(`console: ${message.text()}`);
  });
  // Before any of the page's scripts: every violation of the policy, the app's own included.
  await page.addInitScript(() => {
    const violations: string[] = [];
    Object.defineProperty(window, "__violations", { value: violations });
    document.addEventListener("securitypolicyviolation", (event) => violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`));
  });
  return seen;
}

/** The page's text, as text nodes outside scripts and styles: what the reader is shown. */
async function shownText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const parts: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement?.closest("script, style, template, noscript")) parts.push(node.textContent ?? "");
    }
    return parts.join("");
  });
}

/** The sources of one directive of a policy. */
function sourcesOf(policy: string, directive: string): string[] {
  const found = policy.split(";").map((part) => part.trim().split(/\s+/)).find(([name]) => name === directive);
  return found ? found.slice(1) : [];
}

for (const target of appPages(SUBJECTS)) {
  test(`${target.name}: payloads stay text, nothing runs or leaves the origin, the policy holds`, async ({ page, context, baseURL }) => {
    const origin = new URL(baseURL!).origin;
    const seen = await watch(context, page, origin);
    const response = await page.goto(target.path);
    expect(response).not.toBeNull();
    // The page itself, not an error page or a redirect to the sign-in page.
    expect(response!.status()).toBe(target.status ?? 200);
    expect(new URL(page.url()).pathname).toBe(new URL(target.path, origin).pathname);

    const policy = response!.headers()["content-security-policy"] ?? "";
    const scriptSources = sourcesOf(policy, "script-src");
    const nonce = scriptSources.find((source) => /^'nonce-[A-Za-z0-9+/=_-]{16,}'$/.test(source))?.slice(7, -1);
    expect(nonce, `script-src carries a nonce: ${policy}`).toBeDefined();
    expect(scriptSources).not.toContain("'unsafe-inline'");
    expect(scriptSources).not.toContain("'unsafe-eval'");
    expect(sourcesOf(policy, "style-src")).not.toContain("'unsafe-inline'");
    expect(sourcesOf(policy, "frame-ancestors")).toEqual(["'none'"]);
    expect(response!.headers()["x-content-type-options"]).toBe("nosniff");
    expect(response!.headers()["referrer-policy"]).toBe("same-origin");

    // The app's scripts ran under the policy: React hydrated (Next mounts its route announcer then).
    await expect(page.locator("next-route-announcer")).toBeAttached();
    await page.evaluate(() => document.fonts.ready);
    // Next put this request's nonce on every script the page was sent with (payloads arrive as
    // escaped text, so each `<script` in the HTML is a real tag); scripts those load later carry
    // none ('strict-dynamic' trusts them) and come from the build's own files.
    const tags = (await response!.text()).match(/<script\b[^>]*>/g) ?? [];
    expect(tags.length).toBeGreaterThan(0);
    for (const tag of tags) expect(tag).toContain(` nonce="${nonce}"`);
    const loaded = await page.evaluate(() => [...document.scripts].filter((script) => !script.nonce).map((script) => script.src));
    for (const src of loaded) expect(src).toMatch(new RegExp(`^${origin}/_next/static/`));
    expect(await page.evaluate(() => document.querySelectorAll("img, svg, iframe, object, embed, link[href^='http'], meta[http-equiv], [onerror], [onload], [style*='url']").length)).toBe(0);
    expect(await page.evaluate(() => [...document.querySelectorAll("a[href]")].map((a) => a.getAttribute("href")!).filter((href) => !href.startsWith("/") && !href.startsWith("#")))).toEqual([]);

    const text = await shownText(page);
    for (const shown of target.shows) expect(text, `the page shows ${JSON.stringify(shown.slice(0, 80))} as text`).toContain(shown);
    // The app's own font, bundled from @fontsource, loaded under font-src 'self'.
    expect(await page.evaluate(() => [...document.fonts].some((font) => font.family.includes("Inter") && font.status === "loaded"))).toBe(true);

    expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
    expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
    expect(seen.dialogs).toEqual([]);
    expect(seen.outside).toEqual([]);
    expect(seen.errors).toEqual([]);
  });
}

test("every page gets a nonce of its own", async ({ request }) => {
  const nonces = new Set<string>();
  for (let i = 0; i < 5; i++) {
    const policy = (await request.get(`/projects/${encodeURIComponent(PROJECT)}`)).headers()["content-security-policy"] ?? "";
    nonces.add(/'nonce-([^']+)'/.exec(policy)?.[1] ?? "");
  }
  expect(nonces.size).toBe(5);
  expect(nonces.has("")).toBe(false);
});

test("API answers are JSON that browsers may not sniff, and their addresses go to no other site", async ({ request }) => {
  for (const path of ["/api/v1/health", "/api/v1/runs", "/api/v1/nope"]) {
    const response = await request.get(path);
    expect(response.headers()["content-type"]).toMatch(/^application\/json/);
    expect(response.headers()["x-content-type-options"]).toBe("nosniff");
    expect(response.headers()["referrer-policy"]).toBe("same-origin");
  }
});

test("the app works under its policy: a long message opens and closes by keyboard, the per-intent table sorts", async ({ page, context, baseURL }) => {
  const seen = await watch(context, page, new URL(baseURL!).origin);
  await page.goto(`/projects/${encodeURIComponent(PROJECT)}/cases/long`);
  const message = page.getByTestId("message").last();
  const more = message.getByRole("button");
  await expect(more).toHaveAttribute("aria-expanded", "false");
  await expect(more).toHaveText("Show more (100,000 characters)");
  const body = message.locator("p");
  const collapsed = (await body.boundingBox())!.height;
  expect(collapsed).toBeLessThan(300); // six lines of a 100,000-character word, not thousands
  expect(await body.textContent()).toBe(LONG); // the whole text is in the page all along
  await more.focus();
  await page.keyboard.press("Enter");
  await expect(more).toHaveAttribute("aria-expanded", "true");
  await expect(more).toHaveText("Show less");
  expect((await body.boundingBox())!.height).toBeGreaterThan(collapsed * 5);
  await page.keyboard.press("Space");
  await expect(more).toHaveAttribute("aria-expanded", "false");
  // The reply and the full generation collapse the same way; the page stays within the window's width.
  await expect(page.getByTestId("completion-card").first().getByRole("button", { name: /^Show more/ })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);

  await page.goto(`/projects/${encodeURIComponent(PROJECT)}`);
  const header = page.getByRole("columnheader", { name: /Support/ });
  await expect(header).not.toHaveAttribute("aria-sort", /.+/);
  await header.getByRole("button").click();
  await expect(header).toHaveAttribute("aria-sort", /ascending|descending/);

  expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
  expect(seen.errors).toEqual([]);
  expect(seen.outside).toEqual([]);
});
