-- CreateEnum
CREATE TYPE "judge_job_status" AS ENUM ('queued', 'running', 'done', 'failed', 'cancelled');

-- AlterTable
ALTER TABLE "policy_verdicts" ADD COLUMN     "agreement" DOUBLE PRECISION,
ADD COLUMN     "cache_key" TEXT;

-- AlterTable
ALTER TABLE "judges" ADD COLUMN     "api_key_hint" TEXT,
ADD COLUMN     "concurrency" INTEGER NOT NULL DEFAULT 4,
ADD COLUMN     "samples" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "temperature" DOUBLE PRECISION,
ADD COLUMN     "timeout_ms" INTEGER NOT NULL DEFAULT 30000,
ADD COLUMN     "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- AlterTable
ALTER TABLE "judge_cache" ADD COLUMN     "agreement" DOUBLE PRECISION;

-- CreateTable
CREATE TABLE "judge_jobs" (
    "project_id" INTEGER NOT NULL,
    "id" SERIAL NOT NULL,
    "judge_name" TEXT NOT NULL,
    "judge_version" TEXT NOT NULL,
    "scope" JSONB NOT NULL,
    "status" "judge_job_status" NOT NULL DEFAULT 'queued',
    "total" INTEGER NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "errors" INTEGER NOT NULL DEFAULT 0,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "message" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "judge_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "judge_job_errors" (
    "project_id" INTEGER NOT NULL,
    "job_id" INTEGER NOT NULL,
    "completion_id" BIGINT NOT NULL,
    "message" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "judge_job_errors_pkey" PRIMARY KEY ("job_id","completion_id")
);

-- CreateIndex
CREATE INDEX "judge_jobs_project_id_created_at_idx" ON "judge_jobs"("project_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "policy_verdicts_project_id_completion_id_cache_key_key" ON "policy_verdicts"("project_id", "completion_id", "cache_key");

-- AddForeignKey
ALTER TABLE "judge_jobs" ADD CONSTRAINT "judge_jobs_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "judge_job_errors" ADD CONSTRAINT "judge_job_errors_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "judge_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
