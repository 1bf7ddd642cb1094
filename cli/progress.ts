/**
 * Progress of a long command on stderr, drawn by cli-progress. On a terminal:
 * one bar redrawn in place (10 times a second), with reported lines printed
 * above it. Otherwise (a log file, CI, a pipe): a plain line every few
 * seconds, so logs stay readable. The ETA comes from bytes, which are known in
 * advance for a file, unlike the number of records.
 */
import cliProgress from "cli-progress";

export interface ProgressState {
  /** Records handled so far. */
  records: number;
  /** Bytes of input handled so far. */
  bytes: number;
}

export interface ProgressOptions {
  /** What is being done, e.g. "importing" or "validating". */
  label: string;
  /** Total bytes of input. */
  totalBytes: number;
  stream?: NodeJS.WriteStream;
  /** Seconds between plain progress lines when not a terminal (default 5). */
  intervalSeconds?: number;
  /** How the amount (`bytes`) is shown; default as bytes. `ib judge` counts completions instead. */
  formatAmount?: (amount: number) => string;
  /** What `records` counts (default "records", and "rec/s" for the rate). */
  recordsUnit?: { plural: string; rate: string };
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

// Most useful first, so that a narrow terminal cuts the least.
const BAR_FORMAT = "{bar} {label}  {percentage}%  ETA {eta_formatted}  {rate}  {bytes}  {records}";
const LINE_FORMAT = "{label}  {percentage}%  {bytes}  {records}  {rate}  ETA {eta_formatted}";

export class Progress {
  private readonly stream: NodeJS.WriteStream;
  /** On a terminal: the bar's container, which prints logged lines above the bar. */
  private readonly multi: cliProgress.MultiBar | null;
  private readonly bar: cliProgress.SingleBar;
  private readonly started = Date.now();
  private finished = false;

  constructor(private readonly options: ProgressOptions) {
    this.stream = options.stream ?? process.stderr;
    const common: cliProgress.Options = {
      stream: this.stream,
      // cli-progress gives 'NULL' or 'INF' until it has a rate to go by.
      formatTime: (seconds) => (typeof seconds === "number" ? formatDuration(seconds) : "?"),
      barCompleteChar: "#",
      barIncompleteChar: "-",
      barsize: (this.stream.columns ?? 80) >= 100 ? 30 : (this.stream.columns ?? 80) >= 70 ? 20 : 10,
      etaBuffer: 50,
      clearOnComplete: true,
      linewrap: true,
    };
    const payload = this.payload({ records: 0, bytes: 0 });
    if (this.stream.isTTY) {
      this.multi = new cliProgress.MultiBar({ ...common, format: BAR_FORMAT, fps: 10, forceRedraw: true });
      this.bar = this.multi.create(options.totalBytes, 0, payload);
    } else {
      this.multi = null;
      this.bar = new cliProgress.SingleBar({ ...common, format: LINE_FORMAT, noTTYOutput: true, notTTYSchedule: (options.intervalSeconds ?? 5) * 1000 });
      this.bar.start(options.totalBytes, 0, payload);
    }
  }

  private payload(state: ProgressState) {
    const elapsed = (Date.now() - this.started) / 1000;
    const amount = this.options.formatAmount ?? formatBytes;
    const unit = this.options.recordsUnit ?? { plural: "records", rate: "rec/s" };
    return {
      label: this.options.label,
      bytes: `${amount(state.bytes)} / ${amount(this.options.totalBytes)}`,
      records: `${formatCount(state.records)} ${unit.plural}`,
      rate: `${formatCount(elapsed > 0 ? state.records / elapsed : 0)} ${unit.rate}`,
    };
  }

  update(state: ProgressState): void {
    if (!this.finished) this.bar.update(Math.min(state.bytes, this.options.totalBytes), this.payload(state));
  }

  /** Prints a line (an error report, say) without tearing the bar. */
  log(line: string): void {
    if (this.multi && !this.finished) this.multi.log(`${line}\n`);
    else this.stream.write(`${line}\n`);
  }

  /** Prints what is left to print and clears the bar; the caller prints its summary. */
  done(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.multi) {
      this.multi.update(); // the logged lines not drawn yet
      this.multi.stop();
    } else {
      this.bar.stop();
    }
  }
}
