/**
 * The judge benchmark's side of its loopback model (bench/chat-server.ts): starts
 * the server as a process of its own and reads its port, its request count, and
 * stops it; an interrupted run leaves no server behind.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { ROOT } from "../scripts/build";

export interface ChatServer {
  /** The base URL of a judge whose answers take `delayMs`. */
  url(delayMs: number): string;
  requests(): Promise<number>;
  close(): Promise<void>;
}

export async function startChatServer(): Promise<ChatServer> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "bench/chat-server.ts")], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the loopback chat server exited with ${code}`)));
    createInterface({ input: child.stdout! }).once("line", (line) => resolve((JSON.parse(line) as { port: number }).port));
  });
  child.removeAllListeners("exit");
  const stop = () => child.kill("SIGTERM");
  process.once("exit", stop); // an interrupted run leaves no server behind
  const base = `http://127.0.0.1:${port}`;
  return {
    url: (delayMs) => `${base}/${delayMs}/v1`,
    requests: async () => ((await (await fetch(`${base}/stats`)).json()) as { requests: number }).requests,
    close: () =>
      new Promise<void>((resolve) => {
        process.off("exit", stop);
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
