import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatLineError, formatPath, LineSplitter, parseRecordLine, readLines, readRecords, type ParsedLine, type RawLine } from "./jsonl";

/** Splits `input` pushed in the given chunk sizes; returns each line as text (or a marker for oversized ones). */
function split(input: Buffer | string, chunkSizes: number[] = [], maxLineBytes?: number): { text: string[]; raw: RawLine[] } {
  const bytes = typeof input === "string" ? Buffer.from(input) : input;
  const splitter = new LineSplitter(maxLineBytes);
  const raw: RawLine[] = [];
  let at = 0;
  for (const size of chunkSizes) {
    raw.push(...splitter.push(bytes.subarray(at, at + size)));
    at += size;
  }
  if (at < bytes.length) raw.push(...splitter.push(bytes.subarray(at)));
  raw.push(...splitter.end());
  return { raw, text: raw.map((line) => (line.kind === "line" ? line.bytes.toString("utf8") : `<oversized ${line.length}>`)) };
}

async function collect(source: (Buffer | string)[]): Promise<ParsedLine[]> {
  const out: ParsedLine[] = [];
  for await (const parsed of readRecords(source)) out.push(parsed);
  return out;
}

const good = (id: string, intent = "get_refund") => JSON.stringify({ case: { id, messages: [{ role: "user", content: `hello ${id}` }], expectedIntent: intent } });

describe("splitting lines", () => {
  it("numbers lines from 1, with or without a final line end", () => {
    expect(split("a\nb\nc\n").text).toEqual(["a", "b", "c"]);
    expect(split("a\nb\nc").text).toEqual(["a", "b", "c"]);
    expect(split("").text).toEqual([]);
    expect(split("\n").text).toEqual([""]);
    expect(split("a\nb").raw.map((line) => line.line)).toEqual([1, 2]);
  });

  it("drops the CR of CRLF line ends, also when CR and LF arrive in different chunks", () => {
    expect(split("a\r\nb\r\n").text).toEqual(["a", "b"]);
    expect(split("a\r\nb\r\n", [2, 1]).text).toEqual(["a", "b"]);
    expect(split("a\r\nb").text).toEqual(["a", "b"]);
    // A CR elsewhere is content.
    expect(split("a\rb\n").text).toEqual(["a\rb"]);
  });

  it("ignores a UTF-8 byte order mark at the start, even split over chunks, and only there", () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const input = Buffer.concat([bom, Buffer.from("x\n"), bom, Buffer.from("y\n")]);
    expect(split(input).text).toEqual(["x", "\ufeffy"]);
    expect(split(input, [1, 1, 1, 1]).text).toEqual(["x", "\ufeffy"]);
    expect(split(input, [2]).text).toEqual(["x", "\ufeffy"]);
    // Byte offsets count the BOM: the first line ends after BOM + "x\n".
    expect(split(input).raw[0]!.end).toBe(5);
    // A file that is only part of a BOM-like prefix keeps its bytes.
    expect(split(Buffer.from([0xef, 0xbb])).raw[0]).toMatchObject({ kind: "line", bytes: Buffer.from([0xef, 0xbb]) });
  });

  it("keeps multi-byte characters whole across chunk boundaries", () => {
    const text = "é😀ü\nß";
    const bytes = Buffer.from(text);
    for (let cut = 0; cut <= bytes.length; cut++) expect(split(bytes, [cut]).text).toEqual(["é😀ü", "ß"]);
  });

  it("reports byte offsets of each line end", () => {
    expect(split("ab\n\ncd").raw.map((line) => line.end)).toEqual([3, 4, 6]);
  });

  it("gives the same lines whatever the chunking (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("a", "b", "\n", "\r", "é", "\ufeff"), { maxLength: 40 }), fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 10 }), (pieces, cuts) => {
        const input = pieces.join("");
        expect(split(input, cuts).text).toEqual(split(input).text);
      }),
    );
  });

  it("reports a line over the limit without keeping it, and goes on with the next lines", () => {
    const long = "x".repeat(50);
    const { raw, text } = split(`ok\n${long}\nafter\n`, [4, 10, 10, 10, 10, 10], 20);
    expect(text).toEqual(["ok", "<oversized 50>", "after"]);
    expect(raw.map((line) => line.line)).toEqual([1, 2, 3]);
    expect(split(`${long}`, [7, 7, 7], 20).text).toEqual(["<oversized 50>"]);
    // Exactly at the limit is fine.
    expect(split(`${"y".repeat(20)}\n`, [5], 20).text).toEqual(["y".repeat(20)]);
  });

  it("reads an async stream of buffers and strings", async () => {
    const lines: string[] = [];
    for await (const line of readLines(["a\nb", Buffer.from("c\r\n"), "d"])) if (line.kind === "line") lines.push(line.bytes.toString());
    expect(lines).toEqual(["a", "bc", "d"]);
  });
});

describe("validating lines", () => {
  it("skips blank lines, keeps counting them", async () => {
    const parsed = await collect([`${good("c1")}\n\n   \r\n${good("c2")}\n`]);
    expect(parsed.map((p) => [p.kind, p.line])).toEqual([["record", 1], ["blank", 2], ["blank", 3], ["record", 4]]);
  });

  it("reports invalid JSON with its line number", async () => {
    const parsed = await collect([`${good("c1")}\n{"case": \n${good("c3")}\n`]);
    expect(parsed.map((p) => p.kind)).toEqual(["record", "invalid", "record"]);
    const bad = parsed[1] as Extract<ParsedLine, { kind: "invalid" }>;
    expect(bad.line).toBe(2);
    expect(formatLineError(bad.errors[0]!)).toMatch(/^line 2: invalid JSON: /);
  });

  it("reports every schema problem with its path", async () => {
    const line = JSON.stringify({ case: { id: "c1", messages: [{ role: "robot", content: "hi" }], expectedIntent: "Not An Id" }, extra: 1 });
    const [parsed] = await collect([line]);
    expect(parsed!.kind).toBe("invalid");
    const messages = (parsed as Extract<ParsedLine, { kind: "invalid" }>).errors.map(formatLineError);
    expect(messages).toContain("line 1: case.messages[0].role: Invalid option: expected one of \"user\"|\"assistant\"|\"system\"");
    expect(messages.some((m) => m.startsWith("line 1: case.expectedIntent: intent id must be lower-case"))).toBe(true);
    expect(messages.some((m) => m.startsWith("line 1: ") && m.includes("extra"))).toBe(true);
  });

  it("reports a non-object line as a whole", () => {
    const parsed = parseRecordLine({ kind: "line", line: 7, bytes: Buffer.from("[1,2]"), end: 0 });
    expect(parsed.kind).toBe("invalid");
    expect(formatLineError((parsed as Extract<ParsedLine, { kind: "invalid" }>).errors[0]!)).toMatch(/^line 7: /);
  });

  it("reports invalid UTF-8 and oversized lines plainly", () => {
    const badUtf8 = parseRecordLine({ kind: "line", line: 3, bytes: Buffer.from([0x7b, 0xff, 0x7d]), end: 0 });
    expect(badUtf8).toMatchObject({ kind: "invalid", errors: [{ line: 3, path: "", message: "not valid UTF-8" }] });
    const oversized = parseRecordLine({ kind: "oversized", line: 4, length: 12_000_000, end: 0 }, 10 * 1024 * 1024);
    expect(oversized).toMatchObject({ kind: "invalid", errors: [{ line: 4, message: "line is 12000000 bytes, over the 10 MiB limit: not read" }] });
  });

  it("accepts a BOM and CRLF file end to end", async () => {
    const parsed = await collect([Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${good("c1")}\r\n${good("c2")}\r\n`)])]);
    expect(parsed.map((p) => p.kind)).toEqual(["record", "record"]);
    expect(parsed.map((p) => (p.kind === "record" ? p.record.case.id : null))).toEqual(["c1", "c2"]);
  });

  it("formats paths like code", () => {
    expect(formatPath(["case", "messages", 0, "role"])).toBe("case.messages[0].role");
    expect(formatPath([])).toBe("");
    expect(formatPath(["completions", 2])).toBe("completions[2]");
  });
});
