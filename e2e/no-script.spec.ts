/**
 * A page's forms work before its scripts have run (a slow machine, a click
 * during hydration) and without scripts at all: each is a plain form post,
 * and the same-origin check must see where it comes from.
 */
import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";

test("signing in is a plain form post: it works with scripts turned off", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false, storageState: { cookies: [], origins: [] } });
  try {
    const page = await context.newPage();
    await page.goto("/projects/demo");
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fprojects%2Fdemo$/);
    await page.getByLabel("Email").fill(E2E_ADMIN.email);
    await page.getByLabel("Password").fill(E2E_ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/projects\/demo$/);
    await expect(page.getByTestId("signed-in-as")).toHaveText(E2E_ADMIN.email);
  } finally {
    await context.close();
  }
});
