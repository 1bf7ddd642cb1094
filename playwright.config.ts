import { defineConfig } from "@playwright/test";
import { TEST_PORTS } from "./tests/support/ports";

// End-to-end tests drive the real app (production build, embedded PostgreSQL
// in a throwaway data directory, a small generated demo dataset) in Chromium.
// Playwright cannot download browsers here: it uses the system Chromium.
const port = TEST_PORTS.IB_E2E_PORT;
export const E2E_DEMO_CASES = 60;
/** The instance admin the server is started with (IB_ADMIN_EMAIL); every spec runs signed in as them unless it says otherwise. */
export const E2E_ADMIN = { email: "admin@e2e.example", password: "e2e admin password" };
export const E2E_ADMIN_STATE = ".data/e2e-auth/admin.json";

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? "list" : [["list"]],
  timeout: 60_000,
  expect: { timeout: 15_000 },
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
    trace: "retain-on-failure",
  },
  projects: [
    { name: "sign-in", testMatch: /auth\.setup\.ts$/ },
    { name: "chromium", testIgnore: /auth\.setup\.ts$/, dependencies: ["sign-in"], use: { storageState: E2E_ADMIN_STATE } },
  ],
  webServer: {
    command: "rm -rf .data/e2e && npx tsx scripts/start.ts",
    url: `http://127.0.0.1:${port}/`,
    timeout: 420_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGINT", timeout: 20_000 },
    env: {
      DATABASE_URL: "",
      IB_DATA_DIR: ".data/e2e",
      IB_DB_PORT: String(TEST_PORTS.IB_E2E_DB_PORT),
      IB_DEMO_CASES: String(E2E_DEMO_CASES),
      PORT: String(port),
      HOST: "127.0.0.1",
      IB_ADMIN_EMAIL: E2E_ADMIN.email,
      IB_ADMIN_PASSWORD: E2E_ADMIN.password,
    },
  },
});
