-- AlterTable
ALTER TABLE "completions" ADD COLUMN     "policy_guideline_version" INTEGER;

-- AlterTable
ALTER TABLE "policy_verdicts" ADD COLUMN     "superseded" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "primary_judge" TEXT;

-- CreateIndex
CREATE INDEX "policy_verdicts_project_id_judge_name_completion_id_idx" ON "policy_verdicts"("project_id", "judge_name", "completion_id");

-- The guideline version of each completion's counted verdict (until now, its latest verdict).
UPDATE "completions" c SET "policy_guideline_version" = l.guideline_version
  FROM (SELECT DISTINCT ON (project_id, completion_id) project_id, completion_id, guideline_version
          FROM "policy_verdicts" ORDER BY project_id, completion_id, id DESC) l
 WHERE c.project_id = l.project_id AND c.id = l.completion_id AND c.policy_verdict <> 'pending' AND l.guideline_version IS NOT NULL;

-- A completion still pending with verdicts in its history had its text replaced after them.
UPDATE "policy_verdicts" v SET "superseded" = true
  FROM "completions" c WHERE c.project_id = v.project_id AND c.id = v.completion_id AND c.policy_verdict = 'pending';
