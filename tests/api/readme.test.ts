/**
 * The README's shell examples run as printed: the command-line block, then
 * the HTTP example against the app the API tests started (only its address
 * differs from localhost:3000). They run in a scratch directory that links to
 * the checkout, so the files they write stay out of it.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { ROOT } from "../../scripts/build";
import { useApi } from "./helpers";

const api = useApi();
let scratch: string;

/** The first ```sh block after the heading `## title`. */
function shellBlock(title: string): string {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf(`\n## ${title}\n`));
  const match = /```sh\n([\s\S]*?)```/.exec(section);
  if (!match || !section) throw new Error(`no sh block under '## ${title}'`);
  return match[1]!;
}

function bash(script: string): string {
  return execFileSync("bash", ["-euo", "pipefail", "-c", script], {
    cwd: scratch,
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: inject("databaseUrl"), NO_COLOR: "1" },
    timeout: 360_000,
  });
}

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "ib-readme-"));
  for (const entry of fs.readdirSync(ROOT)) {
    if (entry === ".data" || entry === ".git" || entry.startsWith(".next")) continue;
    fs.symlinkSync(path.join(ROOT, entry), path.join(scratch, entry));
  }
});
afterAll(async () => {
  fs.rmSync(scratch, { recursive: true, force: true });
  await api.close();
});

describe("the README's examples", () => {
  it("the command-line block runs as printed and leaves what it says", async () => {
    const output = bash(shellBlock("Command line"));
    expect(output).toContain("created project 'support'");
    expect(output).toMatch(/created user lee@example\.com, lead in 'support'\n.*\nhttp:\/\/localhost:\d+\/auth\/magic-link\/verify\?token=/);
    expect(output).toMatch(/revoked key \w{12}/);
    const { rows } = await api.pool.query<{ cases: number; runs: number; keys: number; revoked: number }>(
      `SELECT (SELECT count(*)::int FROM cases c WHERE c.project_id = p.id) AS cases,
              (SELECT count(*)::int FROM runs r WHERE r.project_id = p.id) AS runs,
              (SELECT count(*)::int FROM api_keys k WHERE k.project_id = p.id) AS keys,
              (SELECT count(*)::int FROM api_keys k WHERE k.project_id = p.id AND k.revoked_at IS NOT NULL) AS revoked
         FROM projects p WHERE p.name = 'support'`,
    );
    expect(rows).toEqual([{ cases: 10_000, runs: 3, keys: 1, revoked: 1 }]);
    // Eleven commands, each its own process, on a machine that may be busy: past bash's own limit, so that one reports first.
  }, 400_000);

  it("the HTTP example answers what the README shows", () => {
    // The example uses the demo project that `npm start` loads; here it gets the demo taxonomy.
    bash("npm run -s ib -- project create demo && npm run -s ib -- generate --taxonomy --out demo-taxonomy.json && npm run -s ib -- intents import demo-taxonomy.json --project demo");
    const block = shellBlock("HTTP API");
    const expected = /^# (\{.*)\.\.\.\}$/m.exec(block)![1]!;
    const output = bash(block.replaceAll("localhost:3000", new URL(inject("baseUrl")).host)).trim().split("\n").at(-1)!;
    expect(output.startsWith(expected), output).toBe(true);
    expect(JSON.parse(output)).toMatchObject({ reward: 1, verdict: "correct", predictedIntent: "get_refund" });
  });
});
