"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actorOf } from "@/lib/auth/access";
import { fieldErrors, type FormState } from "@/lib/auth/actions-common";
import { projectAction } from "@/lib/auth/guarded-action";
import { audit } from "@/lib/audit";
import { pool } from "@/lib/db/pool";
import { prisma } from "@/lib/db/prisma";
import { count } from "@/lib/format";
import { cancelJudgeJob, createJudgeJob, JudgeJobInputError } from "@/lib/judging/jobs";
import { JudgeConfigError, putJudge } from "@/lib/judging/judges";
import { choosePrimaryJudge, PrimaryJudgeError } from "@/lib/judging/primary";
import { SecretKeyMissing } from "@/lib/judging/secrets";
import { formFields } from "@/lib/validations/admin";
import { JUDGE_FORM_FIELDS, judgeFormSchema, judgeFormTargetSchema, judgeNameSchema, primaryJudgeFormSchema } from "@/lib/validations/judging";

const judgesPath = (project: string) => `/projects/${encodeURIComponent(project)}/judges`;

const startForm = z.object({
  judge: judgeNameSchema,
  run: z.array(z.string().trim().min(1).max(200)).min(1, "pick at least one run").max(100),
});

/** Starts a judge job over whole runs (a lead's); the server's worker runs it. */
export const startJudgeJob = projectAction("lead", async ({ project, user }, form): Promise<FormState> => {
  const parsed = startForm.safeParse({ judge: form.get("judge"), run: form.getAll("run") });
  if (!parsed.success) return { fields: fieldErrors(parsed.error.issues) };
  let id: number;
  try {
    id = await createJudgeJob(pool(), project.id, parsed.data);
  } catch (error) {
    if (error instanceof JudgeJobInputError) return { error: error.message };
    throw error;
  }
  await audit({ actor: { type: "user", id: user.id, email: user.email }, projectId: project.id, action: "judge_job.start", objectType: "judge_job", objectId: String(id), after: parsed.data });
  revalidatePath(judgesPath(project.name));
  return { ok: `Job ${id} started: ${parsed.data.judge} on ${parsed.data.run.join(", ")}.` };
});

/** Cancels a queued or running job (a lead's). */
export const cancelJob = projectAction("lead", async ({ project, user }, form): Promise<FormState> => {
  const id = z.coerce.number().int().min(1).safeParse(form.get("job"));
  if (!id.success) return { error: "No job named." };
  const cancelled = await cancelJudgeJob(pool(), project.id, id.data);
  if (cancelled === null) return { error: `There is no job ${id.data} in this project.` };
  if (!cancelled) return { error: `Job ${id.data} had already finished.` };
  await audit({ actor: { type: "user", id: user.id, email: user.email }, projectId: project.id, action: "judge_job.cancel", objectType: "judge_job", objectId: String(id.data) });
  revalidatePath(judgesPath(project.name));
  return { ok: `Job ${id.data} cancelled.` };
});

/** The field a refusal of the judge's settings is about. */
const REFUSED_FIELD: Partial<Record<JudgeConfigError["code"], string>> = { base_url_needs_key: "apiKey", no_key_stored: "apiKey", built_in: "name", exists: "name" };

/**
 * Adds or changes an LLM judge (an admin's), with the same schema as PUT
 * /api/v1/judges/{name}. The key typed is never sent back: a refused form
 * comes back with every other field as typed.
 */
export const saveJudge = projectAction("admin", async ({ project, user }, form): Promise<FormState> => {
  const raw = formFields(form, JUDGE_FORM_FIELDS);
  const { apiKey: _key, ...typed } = raw;
  const values = Object.fromEntries(Object.entries(typed).map(([name, value]) => [name, value.slice(0, 20_000)]));
  const target = judgeFormTargetSchema.safeParse(raw);
  const config = judgeFormSchema.safeParse(raw);
  if (!target.success || !config.success) return { fields: fieldErrors([...(target.error?.issues ?? []), ...(config.error?.issues ?? [])]), values };
  const { name, version } = target.data;
  let saved;
  try {
    saved = await putJudge(project.id, name, config.data, prisma(), { actor: actorOf(user), expectVersion: version });
  } catch (error) {
    if (error instanceof JudgeConfigError) {
      const field = REFUSED_FIELD[error.code];
      return { error: `Not saved: ${error.message}.`, ...(field ? { fields: { [field]: error.message } } : {}), values };
    }
    if (error instanceof SecretKeyMissing) return { error: `Not saved: ${error.message}.`, values };
    throw error;
  }
  revalidatePath(judgesPath(project.name));
  const { judge } = saved;
  if (saved.created) return { ok: `Added judge ${judge.name}: configuration version ${judge.version}.` };
  if (saved.changed) return { ok: `Saved judge ${judge.name}: new configuration version ${judge.version} (verdicts of earlier versions keep theirs; judging again asks this one).` };
  return { ok: `Nothing changed: judge ${judge.name} stays at configuration version ${judge.version}.` };
});

/** Chooses the primary judge (an admin's): whose verdicts the leaderboard, tables and metrics count. */
export const savePrimaryJudge = projectAction("admin", async ({ project, user }, form): Promise<FormState> => {
  const parsed = primaryJudgeFormSchema.safeParse(formFields(form, ["judge"]));
  if (!parsed.success) return { fields: fieldErrors(parsed.error.issues) };
  let change;
  try {
    change = await choosePrimaryJudge(pool(), project, parsed.data.judge, actorOf(user));
  } catch (error) {
    if (error instanceof PrimaryJudgeError) return { error: `Not saved: ${error.message}.`, fields: { judge: error.message } };
    throw error;
  }
  const rule = change.after === null ? "no primary judge: the most recent verdict of any judge counts" : `the primary judge is ${change.after}`;
  if (!change.changed) return { ok: `Nothing changed: ${rule}.` };
  revalidatePath(`/projects/${encodeURIComponent(project.name)}`, "layout");
  const completions = change.recounted === 1 ? "1 completion's counted verdict" : `${count(change.recounted)} completions' counted verdicts`;
  return { ok: `Saved: ${rule}. ${completions} changed.` };
});
