import type { Readable } from "node:stream";
import { passwordSchema } from "../lib/auth/users";
import { UsageError } from "./args";

/** More than any password passwordSchema accepts, so a stray file piped in is not read whole. */
const MAX_BYTES = 4096;

/**
 * `--password-stdin`: the first line of standard input, its line ending
 * stripped, checked by the same schema as every other way to set a password.
 * A terminal is refused: what is typed there would be echoed on the screen.
 */
export async function readPasswordFromStdin(stdin: Readable & { isTTY?: boolean } = process.stdin): Promise<string> {
  if (stdin.isTTY) throw new UsageError("--password-stdin reads the password from a pipe, not a terminal: printf '%s\\n' \"$PASSWORD\" | npm run ib -- user create ...");
  let text = "";
  for await (const chunk of stdin) {
    text += typeof chunk === "string" ? chunk : (chunk as Buffer).toString("utf8");
    if (text.includes("\n") || text.length > MAX_BYTES) break;
  }
  stdin.destroy();
  const line = text.split("\n")[0]!.replace(/\r$/, "");
  if (line === "") throw new UsageError("--password-stdin: standard input is empty; give the password on its first line");
  const parsed = passwordSchema.safeParse(line);
  if (!parsed.success) throw new UsageError(`--password-stdin: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}
