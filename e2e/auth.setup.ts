/** Signs the instance admin in through the sign-in page once; the other specs start from that session. */
import { test as setup } from "@playwright/test";
import { E2E_ADMIN, E2E_ADMIN_STATE } from "../playwright.config";
import { signInFrom } from "./fixtures/sign-in";

setup("the admin signs in", async ({ page }) => {
  await signInFrom(page, "/projects/demo", E2E_ADMIN);
  await page.context().storageState({ path: E2E_ADMIN_STATE });
});
