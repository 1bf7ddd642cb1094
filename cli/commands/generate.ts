import { createWriteStream } from "node:fs";
import { once } from "node:events";
import type { Writable } from "node:stream";
import { z } from "zod";
import { DEFAULT_DEMO_SEED, DEMO_INTENTS, generateDemoRecords } from "../../lib/demo/generate";
import { parseOptions } from "../args";

const schema = z.object({
  cases: z.coerce.number({ error: "must be a whole number" }).int("must be a whole number").min(1).max(100_000_000).default(1000),
  seed: z.coerce.number({ error: "must be a whole number" }).int("must be a whole number").default(DEFAULT_DEMO_SEED),
  out: z.string().min(1).optional(),
  taxonomy: z.boolean().default(false),
});

/** Writes with back-pressure, so a million records stream in constant memory. */
async function write(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, "drain");
}

export async function generateCommand(args: string[]): Promise<void> {
  const { values } = parseOptions(args, { cases: { type: "string" }, seed: { type: "string" }, out: { type: "string" }, taxonomy: { type: "boolean" } }, schema);
  const stream: Writable = values.out ? createWriteStream(values.out) : process.stdout;
  if (values.taxonomy) {
    await write(stream, JSON.stringify({ intents: DEMO_INTENTS }, null, 2) + "\n");
  } else {
    for (const record of generateDemoRecords({ cases: values.cases, seed: values.seed })) {
      await write(stream, JSON.stringify(record) + "\n");
    }
  }
  if (values.out) {
    stream.end();
    await once(stream, "finish");
    console.error(values.taxonomy ? `wrote the demo taxonomy to ${values.out}` : `wrote ${values.cases} records to ${values.out}`);
  }
}
