/**
 * Streaming JSONL: splits a byte stream into numbered lines in bounded memory,
 * and validates each line as an ingest record with `recordSchema` (the one
 * validation of a record, shared with POST /api/v1/ingest).
 *
 * Lines are split on "\n" at the byte level (safe in UTF-8: 0x0A never occurs
 * inside a multi-byte sequence); a trailing "\r" is dropped, so CRLF files work.
 * A UTF-8 byte order mark at the start of the file is ignored. A line longer
 * than `maxLineBytes` is not buffered: its bytes are dropped as they arrive
 * and it is reported as one oversized line, so memory stays bounded by the
 * limit plus one read chunk whatever the input.
 */
import { isUtf8 } from "node:buffer";
import type { z } from "zod";
import { recordSchema, type IngestRecord } from "../validations/record";

/** The default longest line accepted: 10 MiB. */
export const DEFAULT_MAX_LINE_BYTES = 10 * 1024 * 1024;

const NEWLINE = 0x0a;
const CR = 0x0d;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export type RawLine =
  /** A line's bytes, without its line end. `end` is the byte offset just after the line end. */
  | { kind: "line"; line: number; bytes: Buffer; end: number }
  /** A line over the limit: only its length is known. */
  | { kind: "oversized"; line: number; length: number; end: number };

/**
 * Splits pushed chunks into lines. Synchronous and allocation-light: a line
 * inside one chunk is a view of that chunk; only a line spanning chunks is copied.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingLength = 0;
  /** Length of the current line when it went over the limit (its bytes are being dropped). */
  private oversized: number | null = null;
  private lineNumber = 0;
  private offset = 0;
  private atStart = true;

  constructor(private readonly maxLineBytes: number = DEFAULT_MAX_LINE_BYTES) {
    if (!Number.isSafeInteger(maxLineBytes) || maxLineBytes < 1) throw new Error("maxLineBytes must be a positive integer");
  }

  /** Bytes consumed so far. */
  get bytesRead(): number {
    return this.offset;
  }

  push(chunk: Buffer): RawLine[] {
    const out: RawLine[] = [];
    let data = chunk;
    if (this.atStart) {
      // The BOM may arrive split over the first chunks: hold back until 3 bytes are known.
      const head = this.pendingLength > 0 ? Buffer.concat([...this.pending, data]) : data;
      if (head.length < BOM.length && BOM.subarray(0, head.length).equals(head)) {
        this.pending = [head];
        this.pendingLength = head.length;
        return out;
      }
      this.atStart = false;
      this.pending = [];
      this.pendingLength = 0;
      if (head.subarray(0, BOM.length).equals(BOM)) {
        this.offset += BOM.length;
        data = head.subarray(BOM.length);
      } else {
        data = head;
      }
    }
    let start = 0;
    for (;;) {
      const newline = data.indexOf(NEWLINE, start);
      if (newline < 0) break;
      this.offset += newline + 1 - start;
      out.push(this.finish(data.subarray(start, newline)));
      start = newline + 1;
    }
    if (start < data.length) {
      const rest = data.subarray(start);
      this.offset += rest.length;
      this.hold(rest);
    }
    return out;
  }

  /** The last line, when the input does not end with a line end. */
  end(): RawLine[] {
    if (this.atStart) {
      // Fewer than 3 bytes in all, all a BOM prefix: not a BOM, keep them as text.
      this.atStart = false;
      const held = this.pending;
      this.pending = [];
      this.pendingLength = 0;
      const out: RawLine[] = [];
      for (const piece of held) out.push(...this.push(piece));
      return [...out, ...this.end()];
    }
    if (this.pendingLength === 0 && this.oversized === null) return [];
    return [this.finish(Buffer.alloc(0))];
  }

  private hold(bytes: Buffer): void {
    if (this.oversized !== null) {
      this.oversized += bytes.length;
      return;
    }
    if (this.pendingLength + bytes.length > this.maxLineBytes) {
      this.oversized = this.pendingLength + bytes.length;
      this.pending = [];
      this.pendingLength = 0;
      return;
    }
    // Copy: the caller may reuse the chunk's memory.
    this.pending.push(Buffer.from(bytes));
    this.pendingLength += bytes.length;
  }

  private finish(tail: Buffer): RawLine {
    this.lineNumber += 1;
    const line = this.lineNumber;
    if (this.oversized !== null || this.pendingLength + tail.length > this.maxLineBytes) {
      const length = (this.oversized ?? this.pendingLength) + tail.length;
      this.oversized = null;
      this.pending = [];
      this.pendingLength = 0;
      return { kind: "oversized", line, length, end: this.offset };
    }
    let bytes = this.pendingLength === 0 ? tail : Buffer.concat([...this.pending, tail], this.pendingLength + tail.length);
    this.pending = [];
    this.pendingLength = 0;
    if (bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
    return { kind: "line", line, bytes, end: this.offset };
  }
}

/** Lines of a byte stream (a file read stream, stdin, an array of buffers in tests). */
export async function* readLines(source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>, options: { maxLineBytes?: number } = {}): AsyncGenerator<RawLine> {
  const splitter = new LineSplitter(options.maxLineBytes);
  for await (const chunk of source) {
    yield* splitter.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  }
  yield* splitter.end();
}

/** One problem with one line, printed as `line N: <path>: <message>`. */
export interface LineError {
  line: number;
  /** Where in the record, e.g. `case.messages[0].role`; empty for the line as a whole. */
  path: string;
  message: string;
}

export function formatLineError(error: LineError): string {
  return error.path ? `line ${error.line}: ${error.path}: ${error.message}` : `line ${error.line}: ${error.message}`;
}

/** `["case", "messages", 0, "role"]` -> `case.messages[0].role`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

export function zodLineErrors(line: number, error: z.ZodError): LineError[] {
  return error.issues.map((issue) => ({ line, path: formatPath(issue.path), message: issue.message }));
}

export type ParsedLine =
  | { kind: "blank"; line: number; end: number }
  | { kind: "record"; line: number; end: number; record: IngestRecord }
  | { kind: "invalid"; line: number; end: number; errors: LineError[] };

/** How one line is judged: blank (skipped), a valid record, or invalid with every problem found. */
export function parseRecordLine(raw: RawLine, maxLineBytes: number = DEFAULT_MAX_LINE_BYTES): ParsedLine {
  const { line, end } = raw;
  if (raw.kind === "oversized") {
    const mib = (maxLineBytes / (1024 * 1024)).toFixed(maxLineBytes % (1024 * 1024) === 0 ? 0 : 2);
    return { kind: "invalid", line, end, errors: [{ line, path: "", message: `line is ${raw.length} bytes, over the ${mib} MiB limit: not read` }] };
  }
  if (!isUtf8(raw.bytes)) return { kind: "invalid", line, end, errors: [{ line, path: "", message: "not valid UTF-8" }] };
  const text = raw.bytes.toString("utf8");
  if (text.trim() === "") return { kind: "blank", line, end };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { kind: "invalid", line, end, errors: [{ line, path: "", message: `invalid JSON: ${(error as Error).message}` }] };
  }
  const result = recordSchema.safeParse(value);
  if (!result.success) return { kind: "invalid", line, end, errors: zodLineErrors(line, result.error) };
  return { kind: "record", line, end, record: result.data };
}

/** Parsed lines of a byte stream. */
export async function* readRecords(source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>, options: { maxLineBytes?: number } = {}): AsyncGenerator<ParsedLine> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  for await (const raw of readLines(source, { maxLineBytes })) yield parseRecordLine(raw, maxLineBytes);
}
