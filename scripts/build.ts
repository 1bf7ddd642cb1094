/** The production build of the app, redone only when sources changed since the last one. */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { readEnv } from "../lib/config";

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
export const NEXT_BIN = createRequire(import.meta.url).resolve("next/dist/bin/next");

function newest(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(target, { withFileTypes: true })) {
    if (entry.name === "generated" || entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    latest = Math.max(latest, newest(path.join(target, entry.name)));
  }
  return latest;
}

export function needsBuild(): boolean {
  const buildId = path.join(ROOT, readEnv().IB_DIST_DIR, "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  return ["app", "components", "lib", "proxy.ts", "next.config.mjs", "postcss.config.mjs", "package-lock.json"].some((name) => newest(path.join(ROOT, name)) > built);
}

/** Runs `next build` when needed; resolves with its exit code (0 when nothing was to do). */
export async function buildIfNeeded(log: (line: string) => void = () => undefined, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (!needsBuild()) return 0;
  log("building the app (first start or changed sources)");
  // Its report goes to stderr: stdout stays for what the caller prints (benchmark JSON, say).
  const child = spawn(process.execPath, [NEXT_BIN, "build"], { cwd: ROOT, env: { ...env, NEXT_TELEMETRY_DISABLED: "1" }, stdio: ["ignore", 2, 2] });
  return new Promise((resolve) => child.once("exit", (code) => resolve(code ?? 1)));
}
