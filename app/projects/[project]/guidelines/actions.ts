"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { fieldErrors, type FormState } from "@/lib/auth/actions-common";
import { projectAction } from "@/lib/auth/guarded-action";
import { audit } from "@/lib/audit";
import { inTransaction, prisma } from "@/lib/db/prisma";
import { intentsWithGuidelines, upsertIntents } from "@/lib/taxonomy/intents";
import { intentIdSchema, intentSchema, rubricItemSchema } from "@/lib/validations/taxonomy";

const rubricText = z.string().max(100_000).transform((text, ctx) => {
  if (text.trim() === "") return [];
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    ctx.addIssue({ code: "custom", message: `the rubric is not JSON: ${(error as Error).message}` });
    return z.NEVER;
  }
}).pipe(z.array(rubricItemSchema, { error: "the rubric is a JSON list of items" }).max(50, "at most 50 rubric items"));

const guidelineForm = z.object({
  intent: intentIdSchema,
  policy: intentSchema.shape.policy,
  rubric: rubricText,
  /** The version the lead was editing: a newer one saved meanwhile is not overwritten unseen. */
  version: z.coerce.number().int().min(1),
});

/** Saves a guideline (a lead's): a change of text or rubric becomes a new version; past verdicts keep theirs. */
export const saveGuideline = projectAction("lead", async ({ project, user }, form): Promise<FormState> => {
  const values = { policy: String(form.get("policy") ?? ""), rubric: String(form.get("rubric") ?? "") };
  const parsed = guidelineForm.safeParse({ intent: form.get("intent"), policy: form.get("policy"), rubric: form.get("rubric"), version: form.get("version") });
  if (!parsed.success) return { fields: fieldErrors(parsed.error.issues), values };
  const { intent: id, policy, rubric, version } = parsed.data;
  const outcome = await inTransaction(prisma(), async (tx) => {
    const current = (await intentsWithGuidelines(project.id, tx)).find((intent) => intent.id === id);
    if (!current) return { error: `There is no intent ${id} in this project.` } satisfies FormState;
    if (current.version !== version) return { error: `Someone saved version ${current.version} of this guideline meanwhile: reload to see it, then edit again.`, values } satisfies FormState;
    const result = await upsertIntents(project.id, [{ id, label: current.label, description: current.description, policy, rubric }], tx);
    if (result.newVersion.length === 0) return { ok: "Nothing changed." } satisfies FormState;
    await audit(
      {
        actor: { type: "user", id: user.id, email: user.email },
        projectId: project.id,
        action: "guideline.update",
        objectType: "intent",
        objectId: id,
        before: { version: current.version, policy: current.policy, rubric: current.rubric },
        after: { version: current.version + 1, policy, rubric },
      },
      tx,
    );
    return { ok: `Saved as version ${current.version + 1}. Verdicts judged against older versions are now stale.` } satisfies FormState;
  });
  revalidatePath(`/projects/${encodeURIComponent(project.name)}/guidelines`);
  return outcome;
});
