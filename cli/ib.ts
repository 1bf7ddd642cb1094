/**
 * `npm run ib -- <command>`: the command line of the Interaction Browser.
 * Each command parses its own arguments with zod and prints a clear message
 * (no stack trace) for anything the user got wrong.
 */
import { ConfigError } from "../lib/config";
import { DatabaseUnavailableError } from "../lib/db/server";
import { UsageError } from "./args";

// Each command is loaded when used: the auth library, Prisma and the importer are seconds of start-up for a command that needs none of them.
const COMMANDS: Record<string, { summary: string; run: (args: string[]) => Promise<void> }> = {
  generate: { summary: "generate --cases N [--seed S] [--out FILE] [--taxonomy]   demo records as JSONL, one ingest record per line", run: async (args) => (await import("./commands/generate")).generateCommand(args) },
  project: { summary: "project create NAME | project list", run: async (args) => (await import("./commands/project")).projectCommand(args) },
  import: { summary: "import FILE.jsonl [--project P] [--dry-run] [--strict] [--batch-size N] [--concurrency N]   stream records into a project (--project may be left out only when exactly one project exists)", run: async (args) => (await import("./commands/import")).importCommand(args) },
  intents: { summary: "intents import FILE.json [--project P]   upsert the taxonomy {\"intents\": [...]} of an existing project", run: async (args) => (await import("./commands/intents")).intentsCommand(args) },
  user: { summary: "user create --email E (--role viewer|annotator|lead|admin --project P | --admin) [--name N] [--password-stdin] | user list | user role --email E --project P (--role R | --remove) | user disable|enable --email E | user link --email E   people, their roles and one-time sign-in links", run: async (args) => (await import("./commands/user")).userCommand(args) },
  judge: { summary: "judge --project P --run R --judge J [--expectedIntent I] [--predictedIntent I] [--intentVerdict V] [--policyVerdict V] [--tag T] [--q TEXT] [--stale true] ...   judge every completion in scope lacking a verdict of J ('rubric' is built in); exit 1 names those left without one", run: async (args) => (await import("./commands/judge")).judgeCommand(args) },
  apikey: { summary: "apikey create --project P --scope ingest|read|admin [--name N] | apikey list --project P | apikey revoke --project P PREFIX", run: async (args) => (await import("./commands/apikey")).apikeyCommand(args) },
};

function usage(): string {
  return ["usage: npm run ib -- <command> [options]", "", "commands:", ...Object.values(COMMANDS).map((c) => `  ${c.summary}`)].join("\n");
}

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    console.log(usage());
    return;
  }
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command '${name}'\n\n${usage()}`);
  await command.run(rest);
}

// `ib generate | head` closes the pipe early: that is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

main(process.argv.slice(2)).then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof ConfigError || error instanceof DatabaseUnavailableError) {
      console.error(`ib: ${error.message}`);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  },
);
