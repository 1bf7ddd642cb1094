"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { fieldErrors, type FormState } from "@/lib/auth/actions-common";
import { projectAction } from "@/lib/auth/guarded-action";
import { audit } from "@/lib/audit";
import { pool } from "@/lib/db/pool";
import { cancelJudgeJob, createJudgeJob, JudgeJobInputError } from "@/lib/judging/jobs";
import { judgeNameSchema } from "@/lib/validations/judging";

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
  revalidatePath(`/projects/${encodeURIComponent(project.name)}/judges`);
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
  revalidatePath(`/projects/${encodeURIComponent(project.name)}/judges`);
  return { ok: `Job ${id.data} cancelled.` };
});
