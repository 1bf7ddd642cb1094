import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvError, parseCsv, parseCsvObjects, parseCsvRecords } from "./csv";

/** The writer side of RFC 4180: quote a field when it holds a comma, quote, CR or LF (or always). */
function writeCsv(rows: string[][], options: { lineEnd?: string; quoteAll?: boolean } = {}): string {
  const quote = (field: string) => (options.quoteAll || /[",\r\n]/.test(field) || field === "" ? `"${field.replaceAll('"', '""')}"` : field);
  return rows.map((row) => row.map(quote).join(",")).join(options.lineEnd ?? "\n") + (options.lineEnd ?? "\n");
}

describe("parseCsv", () => {
  it("splits plain fields and records", () => {
    expect(parseCsv("a,b,c\n1,2,3\n")).toEqual([["a", "b", "c"], ["1", "2", "3"]]);
    expect(parseCsv("a,b\n1,2")).toEqual([["a", "b"], ["1", "2"]]);
    expect(parseCsv("")).toEqual([]);
  });

  it("keeps empty fields, leading and trailing", () => {
    expect(parseCsv(",a,\n,,\n")).toEqual([["", "a", ""], ["", "", ""]]);
    expect(parseCsv('""\n')).toEqual([[""]]);
  });

  it("reads quoted fields with commas, escaped quotes and line ends inside", () => {
    const text = 'id,text\n1,"Hello, world"\n2,"She said ""hi"""\n3,"line one\nline two\r\nline three"\n4,""""\n';
    expect(parseCsv(text)).toEqual([
      ["id", "text"],
      ["1", "Hello, world"],
      ["2", 'She said "hi"'],
      ["3", "line one\nline two\r\nline three"],
      ["4", '"'],
    ]);
  });

  it("accepts CRLF line ends and a byte order mark", () => {
    expect(parseCsv('\ufeffa,b\r\n1,"x\r\ny"\r\n')).toEqual([["a", "b"], ["1", "x\r\ny"]]);
  });

  it("keeps a quote inside an unquoted field as a character", () => {
    expect(parseCsv('a,5" screen,b\n')).toEqual([["a", '5" screen', "b"]]);
  });

  it("rejects text after a closing quote and an unclosed quote, naming the line", () => {
    expect(() => parseCsv('a\n"abc"x,1\n')).toThrow(new CsvError(2, 'unexpected "x" after a closing quote (a quote inside a quoted field is written "")'));
    expect(() => parseCsv('a,b\n1,"never\nclosed\n')).toThrow(/^line 2: unclosed quoted field$/);
  });

  it("numbers records by the line they start on", () => {
    expect(parseCsvRecords('h\n"a\nb"\nc\n').map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it("round-trips whatever a correct writer produces (property)", () => {
    const field = fc.string({ unit: fc.constantFrom("a", "b", " ", ",", '"', "\n", "\r", "é", "x") });
    const table = fc.integer({ min: 1, max: 4 }).chain((width) => fc.array(fc.array(field, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 6 }));
    fc.assert(
      fc.property(table, fc.boolean(), fc.boolean(), (rows, crlf, quoteAll) => {
        expect(parseCsv(writeCsv(rows, { lineEnd: crlf ? "\r\n" : "\n", quoteAll }))).toEqual(rows);
      }),
    );
  });
});

describe("parseCsvObjects", () => {
  it("keys records by the header", () => {
    expect(parseCsvObjects('utterance,intent\n"hi, there",greet\n')).toEqual({ header: ["utterance", "intent"], rows: [{ utterance: "hi, there", intent: "greet" }] });
  });

  it("rejects a record with the wrong number of fields and duplicate columns", () => {
    expect(() => parseCsvObjects('a,b\n1,2\n"x\ny"\n')).toThrow("line 3: 1 fields, the header has 2");
    expect(() => parseCsvObjects("a,a\n1,2\n")).toThrow("line 1: duplicate column 'a'");
    expect(() => parseCsvObjects("")).toThrow("line 1: no header row");
  });
});
