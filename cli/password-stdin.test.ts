import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { UsageError } from "./args";
import { readPasswordFromStdin } from "./password-stdin";

const input = (...chunks: string[]) => Readable.from(chunks.map((chunk) => Buffer.from(chunk)));

describe("readPasswordFromStdin", () => {
  it.each([
    ["one line", ["correct horse battery\n"], "correct horse battery"],
    ["a Windows line ending", ["correct horse battery\r\n"], "correct horse battery"],
    ["no final newline", ["correct horse battery"], "correct horse battery"],
    ["only the first line", ["correct horse battery\nsecond line\n"], "correct horse battery"],
    ["a line split across chunks", ["correct ho", "rse batt", "ery\nrest"], "correct horse battery"],
    ["spaces kept", ["  spaced out pass  \n"], "  spaced out pass  "],
  ])("%s", async (_name, chunks, expected) => {
    expect(await readPasswordFromStdin(input(...chunks))).toBe(expected);
  });

  it.each([
    ["nothing", [], "standard input is empty"],
    ["an empty first line", ["\nsecond line that is long\n"], "standard input is empty"],
    ["a short password", ["nine char\n"], "at least 10 characters"],
    ["a long one", ["x".repeat(257) + "\n"], "at most 256 characters"],
    ["a file with no newline", ["y".repeat(10_000)], "at most 256 characters"],
  ])("refuses %s", async (_name, chunks, message) => {
    await expect(readPasswordFromStdin(input(...chunks))).rejects.toThrow(new RegExp(message));
  });

  it("refuses a terminal, where the password would be echoed", async () => {
    const terminal = Object.assign(input("correct horse battery\n"), { isTTY: true });
    await expect(readPasswordFromStdin(terminal)).rejects.toBeInstanceOf(UsageError);
  });
});
