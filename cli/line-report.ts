import { formatLineError, type LineError } from "../lib/ingest/jsonl";
import { formatCount } from "./progress";

/** Bad lines printed in full; beyond that only counted. */
export const MAX_REPORTED_LINES = 100;
/** Problems printed for one line; beyond that only counted. */
const MAX_ERRORS_PER_LINE = 10;

/** Prints bad lines as `line N: <path>: <message>` (up to a cap) and counts them all. */
export class LineReport {
  badLines = 0;
  private shown = 0;

  constructor(private readonly print: (line: string) => void) {}

  add(errors: readonly LineError[]): void {
    this.badLines += 1;
    if (this.shown >= MAX_REPORTED_LINES) return;
    this.shown += 1;
    for (const error of errors.slice(0, MAX_ERRORS_PER_LINE)) this.print(formatLineError(error));
    if (errors.length > MAX_ERRORS_PER_LINE) this.print(`line ${errors[0]!.line}: ... and ${errors.length - MAX_ERRORS_PER_LINE} more problems on this line`);
  }

  /** A closing line when some bad lines were not printed. */
  finish(): void {
    if (this.badLines > this.shown) this.print(`... and ${formatCount(this.badLines - this.shown)} more bad lines not shown (${MAX_REPORTED_LINES} shown)`);
  }
}
