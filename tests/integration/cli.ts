import { execFile } from "node:child_process";
import path from "node:path";
import { inject } from "vitest";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const root = path.resolve(import.meta.dirname, "../..");
const tsx = path.join(root, "node_modules/.bin/tsx");

/**
 * Runs `npm run ib -- ...args` the quick way (tsx directly) as its own
 * process on this run's test database; `input` is written to its standard
 * input, which is otherwise closed at once.
 */
export function ib(args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(tsx, ["cli/ib.ts", ...args], { cwd: root, env: { ...process.env, DATABASE_URL: inject("databaseUrl"), ...options.env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin!.end(options.input ?? "");
  });
}
