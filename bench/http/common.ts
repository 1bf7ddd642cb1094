/**
 * Shared pieces of the HTTP benchmarks: the production app server (built when
 * sources changed), a bare child process, and a small load generator (node
 * http with a keep-alive agent; no dependency beyond Node).
 */
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import { anyFreePort } from "../../lib/net/ports";
import { buildIfNeeded, ROOT } from "../../scripts/build";

export type Log = (line: string) => void;

export interface RunningServer {
  baseUrl: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

async function waitUntilUp(child: ChildProcess, url: string, output: () => string, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited:\n${output()}`);
    const up = await fetch(url).then((r) => r.status < 500, () => false);
    if (up) return;
    if (Date.now() > deadline) throw new Error(`${what} did not start:\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function stopper(child: ChildProcess) {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  };
}

function spawnServer(args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  // An interrupted benchmark (Ctrl-C, a failure) must not leave its servers running.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.once("exit", () => process.off("exit", killOnExit));
  return { child, output: () => output };
}

/** The production server that `npm start` runs (scripts/serve.ts) on a free port, against the given database. */
export async function startNextServer(databaseUrl: string, log: Log, env: Record<string, string> = {}): Promise<RunningServer> {
  const code = await buildIfNeeded(log);
  if (code !== 0) throw new Error("next build failed");
  const port = await anyFreePort();
  const { child, output } = spawnServer(["--import", "tsx", "scripts/serve.ts"], { DATABASE_URL: databaseUrl, PORT: String(port), HOST: "127.0.0.1", ...env });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitUntilUp(child, `${baseUrl}/api/v1/health`, output, "the app server");
  return { baseUrl, port, pid: child.pid!, stop: stopper(child) };
}

/** A TypeScript file run by node + tsx as a server on a free port (it reads PORT), up once `healthPath` answers. */
export async function startScriptServer(script: string, healthPath: string, env: Record<string, string> = {}): Promise<RunningServer> {
  const port = await anyFreePort();
  const { child, output } = spawnServer(["--import", "tsx", script], { PORT: String(port), ...env });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitUntilUp(child, `${baseUrl}${healthPath}`, output, script);
  return { baseUrl, port, pid: child.pid!, stop: stopper(child) };
}

// ---------------------------------------------------------------------------
// Load generator

export interface Sent {
  status: number;
  ms: number;
  body: Buffer;
}

export function httpAgent(connections: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
}

/** One POST over the keep-alive agent; the answer's status, body and latency. */
export function postOnce(agent: http.Agent, baseUrl: string, path: string, body: Buffer, headers: Record<string, string> = {}): Promise<Sent> {
  const url = new URL(path, baseUrl);
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "content-type": "application/json", "content-length": String(body.length), ...headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, ms: performance.now() - start, body: Buffer.concat(chunks) }));
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  latencies: number[];
  statuses: Record<number, number>;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * Closed loop: `connections` clients, each sending its next request as soon as
 * the previous one is answered, for `seconds` after `warmupSeconds` (not
 * counted). `next(i)` gives the i-th request body.
 */
export async function closedLoopFor(options: {
  baseUrl: string;
  path: string;
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
  warmupSeconds?: number;
  next: (i: number) => Buffer;
  check?: (sent: Sent) => void;
}): Promise<LoadResult> {
  const agent = httpAgent(options.connections);
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let i = 0;
  const warmupEnd = performance.now() + (options.warmupSeconds ?? 0) * 1000;
  const end = warmupEnd + options.seconds * 1000;
  let counted = 0;
  let lastDone = warmupEnd;
  try {
    await Promise.all(
      Array.from({ length: options.connections }, async () => {
        for (;;) {
          const startedAt = performance.now();
          if (startedAt >= end) return;
          const sent = await postOnce(agent, options.baseUrl, options.path, options.next(i++), options.headers);
          options.check?.(sent);
          if (startedAt >= warmupEnd) {
            counted++;
            lastDone = Math.max(lastDone, performance.now());
            latencies.push(sent.ms);
            statuses[sent.status] = (statuses[sent.status] ?? 0) + 1;
          }
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  latencies.sort((a, b) => a - b);
  const seconds = (lastDone - warmupEnd) / 1000;
  return { requests: counted, seconds, perSecond: counted / seconds, latencies, statuses };
}

/** Closed loop over a fixed list of bodies: `connections` clients take the next body until none is left. */
export async function closedLoopOver(options: {
  baseUrl: string;
  path: string;
  headers?: Record<string, string>;
  connections: number;
  bodies: readonly Buffer[];
  check?: (sent: Sent, index: number) => void;
}): Promise<LoadResult> {
  const agent = httpAgent(options.connections);
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let next = 0;
  const start = performance.now();
  try {
    await Promise.all(
      Array.from({ length: options.connections }, async () => {
        while (next < options.bodies.length) {
          const index = next++;
          const sent = await postOnce(agent, options.baseUrl, options.path, options.bodies[index]!, options.headers);
          options.check?.(sent, index);
          latencies.push(sent.ms);
          statuses[sent.status] = (statuses[sent.status] ?? 0) + 1;
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { requests: options.bodies.length, seconds, perSecond: options.bodies.length / seconds, latencies, statuses };
}
