/**
 * A fresh install with no admin: `npm start` prints a one-time link, the link
 * creates the first admin and signs them in, and it works once. A second
 * server of its own (a fresh data directory, no IB_ADMIN_EMAIL), beside the
 * one the other specs use.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { TEST_PORTS } from "../tests/support/ports";
import { submitSignIn } from "./fixtures/sign-in";

const PORT = TEST_PORTS.IB_E2E_PORT + 1;
let server: ChildProcess;
let output = "";

test.use({ storageState: { cookies: [], origins: [] } });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  rmSync(".data/e2e-fresh", { recursive: true, force: true });
  server = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: "",
      IB_ADMIN_EMAIL: "",
      IB_ADMIN_PASSWORD: "",
      IB_DATA_DIR: ".data/e2e-fresh",
      IB_DB_PORT: String(TEST_PORTS.IB_E2E_DB_PORT + 1),
      IB_DEMO_CASES: "0",
      PORT: String(PORT),
      HOST: "127.0.0.1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  server.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await expect.poll(() => /setup\?token=/.test(output) || server.exitCode !== null, { timeout: 280_000, intervals: [500] }).toBe(true);
  if (server.exitCode !== null) throw new Error(`the fresh server exited:\n${output}`);
});

test.afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill("SIGINT");
    await new Promise((resolve) => server.once("exit", resolve));
  }
});

test("the one-time link of a fresh install creates the first admin and signs them in, once", async ({ page, browser }) => {
  const link = /(http:\/\/localhost:\d+\/setup\?token=[A-Za-z0-9_-]+)/.exec(output)![1]!;
  // The printed link names localhost; open it as printed.
  expect(new URL(link).port).toBe(String(PORT));
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Create the first admin" })).toBeVisible();
  await page.getByLabel("Email").fill("first-admin@example.com");
  await page.getByLabel("Password", { exact: true }).fill("the first admin's password");
  await page.getByLabel("Repeat the password").fill("the first admin's password");
  await page.getByRole("button", { name: "Create admin and sign in" }).click();
  await expect(page.getByTestId("signed-in-as")).toHaveText("first-admin@example.com");
  await expect(page.getByRole("heading", { name: "No projects yet" })).toBeVisible();

  // Used: the same link creates nobody else.
  const other = await browser.newContext();
  const again = await other.newPage();
  await again.goto(link);
  await expect(again.getByTestId("setup-invalid")).toBeVisible();
  await expect(again.getByLabel("Email")).toHaveCount(0);
  await other.close();

  // The admin signs in again with what they chose.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await submitSignIn(page, { email: "first-admin@example.com", password: "the first admin's password" });
  await expect(page.getByTestId("signed-in-as")).toHaveText("first-admin@example.com");
});
