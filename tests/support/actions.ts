/**
 * Calls a server action over HTTP exactly as the browser's React runtime does:
 * the action's id in `Next-Action`, the arguments as React's reply encoding
 * (a form's fields under `_<n>_<name>`, the argument list in part "0"
 * referring to it as `$K<n>`), and this app's Origin.
 */
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "../../scripts/build";

type Manifest = { node: Record<string, { filename?: string; exportedName?: string; workers: Record<string, unknown> }> };

/** The id and a page of the action `file#name` in the current build. */
export function actionRef(file: string, name: string): { id: string; page: string } {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, process.env.IB_DIST_DIR || ".next", "server", "server-reference-manifest.json"), "utf8")) as Manifest;
  const entry = Object.entries(manifest.node).find(([, value]) => value.filename === file && value.exportedName === name);
  if (!entry) throw new Error(`no action ${file}#${name} in the build`);
  const page = Object.keys(entry[1].workers).find((worker) => worker !== "app/_not-found/page")!;
  return { id: entry[0], page: page.replace(/^app/, "").replace(/\/page$/, "") || "/" };
}

export interface ActionAnswer {
  status: number;
  /** Where the action sent the browser (x-action-redirect), if anywhere. */
  redirect: string | null;
  setCookies: string[];
  /** The action's return value (the RSC line that carries it), parsed. */
  value: unknown;
}

/** `args` before the form (a bound project name, the previous form state); `form` last, when given. */
export async function callAction(
  baseUrl: string,
  action: { id: string; page: string },
  options: { args?: unknown[]; form?: Record<string, string>; cookie?: string; headers?: Record<string, string>; pageUrl?: string } = {},
): Promise<ActionAnswer> {
  const body = new FormData();
  const args: unknown[] = [...(options.args ?? [])];
  if (options.form) {
    for (const [key, value] of Object.entries(options.form)) body.append(`_1_${key}`, value);
    args.push("$K1");
  }
  body.append("0", JSON.stringify(args));
  const headers: Record<string, string> = { origin: baseUrl, "next-action": action.id, ...options.headers };
  if (options.cookie) headers.cookie = options.cookie;
  const response = await fetch(`${baseUrl}${options.pageUrl ?? action.page}`, { method: "POST", headers, body, redirect: "manual" });
  const text = await response.text();
  const line = text.split("\n").find((each) => each.startsWith("1:"));
  let value: unknown = null;
  try {
    value = line ? JSON.parse(line.slice(2)) : null;
  } catch {
    value = line;
  }
  return { status: response.status, redirect: response.headers.get("x-action-redirect"), setCookies: response.headers.getSetCookie(), value };
}

/** The Cookie header that a browser would send after these Set-Cookie headers. */
export function cookieHeader(setCookies: readonly string[]): string {
  return setCookies.map((cookie) => cookie.split(";")[0]!).filter((pair) => !pair.endsWith("=")).join("; ");
}
