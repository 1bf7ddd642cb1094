import { z } from "zod";
import { API_KEY_SCOPES, createApiKey, listApiKeys, revokeApiKey } from "../../lib/api/keys";
import { findProjectId } from "../../lib/projects";
import { apiKeyRevokeSchema } from "../../lib/validations/admin";
import { parseOptions, UsageError } from "../args";
import { projectNameSchema, withDatabase } from "./project";

const USAGE = "usage: apikey create --project P --scope ingest|read|admin [--name N] | apikey list --project P | apikey revoke --project P PREFIX";

async function projectId(name: string): Promise<number> {
  const id = await findProjectId(name);
  if (id === null) throw new UsageError(`no project '${name}': create it with \`npm run ib -- project create ${name}\``);
  return id;
}

export async function apikeyCommand(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  if (action === "create") {
    const { values } = parseOptions(
      rest,
      { project: { type: "string" }, scope: { type: "string" }, name: { type: "string" } },
      z.object({ project: projectNameSchema, scope: z.enum(API_KEY_SCOPES, { error: "scope is ingest, read or admin" }), name: z.string().trim().min(1).max(200).default("cli") }),
    );
    await withDatabase(async () => {
      const key = await createApiKey(await projectId(values.project), values.name, values.scope);
      console.log(`created ${values.scope} key '${values.name}' for project '${values.project}' (prefix ${key.prefix})`);
      console.log("the secret is shown only now; store it safely:");
      console.log(key.secret);
    });
  } else if (action === "list") {
    const { values } = parseOptions(rest, { project: { type: "string" } }, z.object({ project: projectNameSchema }));
    await withDatabase(async () => {
      for (const key of await listApiKeys(await projectId(values.project))) {
        const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : `last used ${key.lastUsedAt?.toISOString() ?? "never"}`;
        console.log(`${key.prefix}\t${key.scope}\t${key.name}\t${state}`);
      }
    });
  } else if (action === "revoke") {
    const { values, positionals } = parseOptions(rest, { project: { type: "string" } }, z.object({ project: projectNameSchema }));
    if (positionals.length !== 1) throw new UsageError(USAGE);
    const parsed = apiKeyRevokeSchema.shape.prefix.safeParse(positionals[0]);
    if (!parsed.success) throw new UsageError(`'${positionals[0]}' is not a key prefix: the 12 lower-case letters and digits that \`apikey list\` shows`);
    const prefix = parsed.data;
    await withDatabase(async () => {
      const revoked = await revokeApiKey(await projectId(values.project), prefix);
      if (!revoked) throw new UsageError(`no active key with prefix '${prefix}' in project '${values.project}'`);
      console.log(`revoked key ${prefix}`);
    });
  } else {
    throw new UsageError(USAGE);
  }
}
