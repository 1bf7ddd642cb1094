/**
 * `npm test`: every suite, in order: type check, unit tests, integration tests
 * on the embedded PostgreSQL (and on the server in DATABASE_URL when set), and
 * the end-to-end tests in Chromium. Stops at nothing: runs all, then reports.
 */
import { spawnSync } from "node:child_process";

interface Suite {
  name: string;
  command: string[];
  env?: Record<string, string>;
}

const suites: Suite[] = [
  { name: "types", command: ["npx", "tsc", "--noEmit", "-p", "."] },
  { name: "unit", command: ["npx", "vitest", "run", "--project", "unit"] },
  { name: "integration (embedded PostgreSQL)", command: ["npx", "vitest", "run", "--project", "integration"], env: { IB_TEST_TARGET: "embedded" } },
];
suites.push({ name: "API over HTTP (embedded PostgreSQL)", command: ["npx", "vitest", "run", "--project", "api"], env: { IB_TEST_TARGET: "embedded" } });
if (process.env.DATABASE_URL) {
  suites.push({ name: "integration (DATABASE_URL)", command: ["npx", "vitest", "run", "--project", "integration"], env: { IB_TEST_TARGET: "external" } });
}
if (!process.argv.includes("--no-e2e")) suites.push({ name: "end-to-end (Chromium)", command: ["npx", "playwright", "test"] });

const results: { name: string; ok: boolean; seconds: number }[] = [];
for (const suite of suites) {
  console.log(`\n=== ${suite.name} ===`);
  const started = Date.now();
  const run = spawnSync(suite.command[0]!, suite.command.slice(1), { stdio: "inherit", env: { ...process.env, ...suite.env } });
  results.push({ name: suite.name, ok: run.status === 0, seconds: (Date.now() - started) / 1000 });
}

console.log("\n=== summary ===");
for (const result of results) console.log(`${result.ok ? "ok  " : "FAIL"}  ${result.name} (${result.seconds.toFixed(0)} s)`);
const failed = results.filter((result) => !result.ok).length;
console.log(`suites: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
