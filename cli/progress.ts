/**
 * Progress of a long command on stderr. On a terminal: one bar redrawn in
 * place (at most 10 times a second). Otherwise (a log file, CI, a pipe): a plain
 * line every few seconds, so logs stay readable. Rates and the ETA come from
 * bytes, which are known in advance for a file, unlike the number of records.
 */

export interface ProgressState {
  /** Records handled so far. */
  records: number;
  /** Bytes of input handled so far. */
  bytes: number;
}

export interface ProgressOptions {
  /** What is being done, e.g. "importing" or "validating". */
  label: string;
  /** Total bytes of input, when known. */
  totalBytes: number | null;
  stream?: NodeJS.WriteStream;
  /** Draw a bar (default: when the stream is a TTY). */
  tty?: boolean;
  /** Seconds between plain progress lines when not a TTY (default 5). */
  intervalSeconds?: number;
  now?: () => number;
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ${units[unit]}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** Seconds left at the average byte rate so far; null until there is a rate to go by. */
export function estimateSeconds(bytesDone: number, totalBytes: number | null, elapsedSeconds: number): number | null {
  if (totalBytes === null || bytesDone <= 0 || elapsedSeconds <= 0.5) return null;
  const rate = bytesDone / elapsedSeconds;
  return Math.max(0, (totalBytes - bytesDone) / rate);
}

interface ProgressParts {
  percent: string | null;
  bytes: string;
  records: string;
  rate: string;
  eta: string;
}

function progressParts(state: ProgressState, totalBytes: number | null, elapsedSeconds: number): ProgressParts {
  const eta = estimateSeconds(state.bytes, totalBytes, elapsedSeconds);
  return {
    percent: totalBytes !== null && totalBytes > 0 ? `${Math.floor((100 * Math.min(state.bytes, totalBytes)) / totalBytes)}%` : null,
    bytes: totalBytes !== null ? `${formatBytes(state.bytes)} / ${formatBytes(totalBytes)}` : formatBytes(state.bytes),
    records: `${formatCount(state.records)} records`,
    rate: `${formatCount(elapsedSeconds > 0 ? state.records / elapsedSeconds : 0)} rec/s`,
    eta: `ETA ${eta === null ? "?" : formatDuration(eta)}`,
  };
}

/** The text of one plain progress line: `importing  45%  12.3 MB / 27.0 MB  8,120 records  4,051 rec/s  ETA 4s`. */
export function describeProgress(label: string, state: ProgressState, totalBytes: number | null, elapsedSeconds: number): string {
  const p = progressParts(state, totalBytes, elapsedSeconds);
  return [label, p.percent, p.bytes, p.records, p.rate, p.eta].filter((part) => part !== null).join("  ");
}

/** The bar line for a terminal of `columns`, most useful first so a narrow terminal cuts the least: `[###---] 45% ETA 4s  4,051 rec/s  ...`. */
export function describeBar(label: string, state: ProgressState, totalBytes: number | null, elapsedSeconds: number, columns: number): string {
  const p = progressParts(state, totalBytes, elapsedSeconds);
  const fraction = totalBytes ? state.bytes / totalBytes : 0;
  const barWidth = columns >= 100 ? 30 : columns >= 70 ? 20 : 10;
  const text = [`${renderBar(fraction, barWidth)} ${label}`, p.percent, p.eta, p.rate, p.bytes, p.records].filter((part) => part !== null).join("  ");
  return text.slice(0, Math.max(1, columns - 1));
}

export function renderBar(fraction: number, width: number): string {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const full = Math.round(clamped * width);
  return `[${"#".repeat(full)}${"-".repeat(width - full)}]`;
}

export class Progress {
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly started: number;
  private state: ProgressState = { records: 0, bytes: 0 };
  private lastDraw = 0;
  private drawn = false;
  private finished = false;

  constructor(private readonly options: ProgressOptions) {
    this.stream = options.stream ?? process.stderr;
    this.tty = options.tty ?? Boolean(this.stream.isTTY);
    this.intervalMs = (options.intervalSeconds ?? 5) * 1000;
    this.now = options.now ?? Date.now;
    this.started = this.now();
    this.lastDraw = this.started;
  }

  elapsedSeconds(): number {
    return (this.now() - this.started) / 1000;
  }

  update(state: ProgressState): void {
    this.state = state;
    if (this.finished) return;
    const now = this.now();
    if (now - this.lastDraw < (this.tty ? 100 : this.intervalMs)) return;
    this.lastDraw = now;
    this.draw();
  }

  /** Prints a line (an error report, say) without tearing the bar. */
  log(line: string): void {
    if (this.tty && this.drawn) this.stream.write("\r\x1b[2K");
    this.stream.write(`${line}\n`);
    if (this.tty && this.drawn && !this.finished) this.draw();
  }

  /** Clears the bar; the caller prints its summary. */
  done(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.tty && this.drawn) this.stream.write("\r\x1b[2K");
  }

  private draw(): void {
    if (this.tty) {
      this.stream.write(`\r\x1b[2K${describeBar(this.options.label, this.state, this.options.totalBytes, this.elapsedSeconds(), this.stream.columns || 80)}`);
      this.drawn = true;
    } else {
      this.stream.write(`${describeProgress(this.options.label, this.state, this.options.totalBytes, this.elapsedSeconds())}\n`);
    }
  }
}
