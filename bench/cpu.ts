/**
 * CPU time spent by this process and by the PostgreSQL server during a timed
 * phase: shows where a load's time goes, and stays meaningful when other work
 * shares the machine (wall times then vary, CPU times much less). The server's
 * share is read from /proc (Linux, server on this machine: the postmaster
 * named in postmaster.pid and its children); elsewhere only ours is reported.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export interface CpuTimes {
  nodeMs: number;
  postgresMs: number | null;
  /** CPU time used by everything else on the machine meanwhile (Linux only). */
  otherMs: number | null;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

function procStat(pid: string): { ppid: string; ms: number; childrenMs: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { ppid: fields[1]!, ms: (Number(fields[11]) + Number(fields[12])) * TICK_MS, childrenMs: (Number(fields[13]) + Number(fields[14])) * TICK_MS };
  } catch {
    return null;
  }
}

/** CPU time of the postmaster, its live children and its exited children (which the postmaster reaps: cutime + cstime). */
function postgresMs(cluster: string | null): number | null {
  if (!cluster || process.platform !== "linux") return null;
  let postmaster: string;
  try {
    postmaster = readFileSync(path.join(cluster, "postmaster.pid"), "utf8").split("\n")[0]!.trim();
  } catch {
    return null;
  }
  const own = procStat(postmaster);
  if (!own) return null;
  let total = own.ms + own.childrenMs;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || entry === postmaster) continue;
    const stat = procStat(entry);
    if (stat?.ppid === postmaster) total += stat.ms;
  }
  return total;
}

/** Busy CPU time of the whole machine (all cores), from /proc/stat. */
function machineMs(): number | null {
  if (process.platform !== "linux") return null;
  try {
    const [, user, nice, system, , , irq, softirq, steal] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.split(/\s+/).map(Number);
    return (user! + nice! + system! + irq! + softirq! + steal!) * TICK_MS;
  } catch {
    return null;
  }
}

export function cpuMeter(cluster: string | null): () => CpuTimes {
  const node0 = process.cpuUsage();
  const pg0 = postgresMs(cluster);
  const machine0 = machineMs();
  return () => {
    const node = process.cpuUsage(node0);
    const pg1 = postgresMs(cluster);
    const machine1 = machineMs();
    const nodeMs = (node.user + node.system) / 1000;
    const pgMs = pg0 === null || pg1 === null ? null : pg1 - pg0;
    const otherMs = machine0 === null || machine1 === null || pgMs === null ? null : Math.max(0, machine1 - machine0 - nodeMs - pgMs);
    return { nodeMs, postgresMs: pgMs, otherMs };
  };
}

export function describeCpu(times: CpuTimes): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const other = times.otherMs === null ? "" : ` (other processes meanwhile: ${seconds(times.otherMs)})`;
  return `node ${seconds(times.nodeMs)} + PostgreSQL ${times.postgresMs === null ? "n/a" : seconds(times.postgresMs)}${other}`;
}
