/**
 * A page's forms work before its scripts have run (a slow machine, a click
 * during hydration) and without scripts at all: each is a plain form post,
 * and the same-origin check must see where it comes from.
 */
import { test } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";
import { signInFrom } from "./fixtures/sign-in";

test("signing in is a plain form post: it works with scripts turned off", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false, storageState: { cookies: [], origins: [] } });
  try {
    await signInFrom(await context.newPage(), "/projects/demo", E2E_ADMIN);
  } finally {
    await context.close();
  }
});
