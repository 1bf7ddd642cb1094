/** Signs the instance admin in through the sign-in page once; the other specs start from that session. */
import { expect, test as setup } from "@playwright/test";
import { E2E_ADMIN, E2E_ADMIN_STATE } from "../playwright.config";

setup("the admin signs in", async ({ page }) => {
  await page.goto("/projects/demo");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fprojects%2Fdemo$/);
  await page.getByLabel("Email").fill(E2E_ADMIN.email);
  await page.getByLabel("Password").fill(E2E_ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/projects\/demo$/);
  await expect(page.getByTestId("signed-in-as")).toHaveText(E2E_ADMIN.email);
  await page.context().storageState({ path: E2E_ADMIN_STATE });
});
