-- CreateEnum
CREATE TYPE "role" AS ENUM ('viewer', 'annotator', 'lead', 'admin');

-- CreateEnum
CREATE TYPE "api_key_scope" AS ENUM ('ingest', 'read', 'admin');

-- CreateEnum
CREATE TYPE "intent_verdict" AS ENUM ('correct', 'wrong', 'format_error');

-- CreateEnum
CREATE TYPE "policy_verdict" AS ENUM ('pass', 'fail', 'pending');

-- CreateEnum
CREATE TYPE "verdict_source" AS ENUM ('judged', 'imported');

-- CreateEnum
CREATE TYPE "judge_kind" AS ENUM ('rubric', 'llm');

-- CreateEnum
CREATE TYPE "actor_type" AS ENUM ('user', 'api_key', 'system');

-- CreateTable
CREATE TABLE "projects" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "reward_correct" DOUBLE PRECISION NOT NULL DEFAULT 1,
    "reward_wrong" DOUBLE PRECISION NOT NULL DEFAULT -1,
    "reward_format_error" DOUBLE PRECISION NOT NULL DEFAULT -1,
    "simulated" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "projects_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "is_admin" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabled_at" TIMESTAMPTZ(3),

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "memberships" (
    "project_id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "role" "role" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "memberships_pkey" PRIMARY KEY ("project_id","user_id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" SERIAL NOT NULL,
    "project_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "scope" "api_key_scope" NOT NULL,
    "prefix" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "intents" (
    "project_id" INTEGER NOT NULL,
    "id" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "current_version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "intents_pkey" PRIMARY KEY ("project_id","id")
);

-- CreateTable
CREATE TABLE "policy_guidelines" (
    "project_id" INTEGER NOT NULL,
    "intent_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "policy" TEXT NOT NULL,
    "rubric" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "policy_guidelines_pkey" PRIMARY KEY ("project_id","intent_id","version")
);

-- CreateTable
CREATE TABLE "cases" (
    "project_id" INTEGER NOT NULL,
    "id" BIGSERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "messages" JSONB NOT NULL,
    "expected_intent" TEXT NOT NULL,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cases_pkey" PRIMARY KEY ("project_id","id")
);

-- CreateTable
CREATE TABLE "runs" (
    "id" SERIAL NOT NULL,
    "project_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "parameters" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "completions" (
    "project_id" INTEGER NOT NULL,
    "id" BIGSERIAL NOT NULL,
    "case_id" BIGINT NOT NULL,
    "run_id" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "analysis" TEXT,
    "predicted_intent" TEXT,
    "reply" TEXT,
    "expected_intent" TEXT NOT NULL,
    "intent_verdict" "intent_verdict" NOT NULL,
    "format_error" TEXT,
    "unknown_intent" BOOLEAN NOT NULL DEFAULT false,
    "reward" DOUBLE PRECISION NOT NULL,
    "policy_verdict" "policy_verdict" NOT NULL DEFAULT 'pending',
    "latency_ms" INTEGER,
    "prompt_tokens" INTEGER,
    "completion_tokens" INTEGER,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "completions_pkey" PRIMARY KEY ("project_id","id")
);

-- CreateTable
CREATE TABLE "policy_verdicts" (
    "project_id" INTEGER NOT NULL,
    "id" BIGSERIAL NOT NULL,
    "completion_id" BIGINT NOT NULL,
    "verdict" "policy_verdict" NOT NULL,
    "rationale" TEXT NOT NULL DEFAULT '',
    "judge_name" TEXT NOT NULL,
    "judge_version" TEXT NOT NULL DEFAULT '',
    "guideline_version" INTEGER,
    "source" "verdict_source" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "policy_verdicts_pkey" PRIMARY KEY ("project_id","id")
);

-- CreateTable
CREATE TABLE "judges" (
    "id" SERIAL NOT NULL,
    "project_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "judge_kind" NOT NULL,
    "version" TEXT NOT NULL DEFAULT '1',
    "base_url" TEXT,
    "model" TEXT,
    "api_key_encrypted" TEXT,
    "prompt_template" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "judges_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "judge_cache" (
    "project_id" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "verdict" "policy_verdict" NOT NULL,
    "rationale" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "judge_cache_pkey" PRIMARY KEY ("project_id","key")
);

-- CreateTable
CREATE TABLE "annotations" (
    "project_id" INTEGER NOT NULL,
    "id" BIGSERIAL NOT NULL,
    "case_id" BIGINT NOT NULL,
    "completion_id" BIGINT,
    "author_id" INTEGER,
    "current_version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "annotations_pkey" PRIMARY KEY ("project_id","id")
);

-- CreateTable
CREATE TABLE "annotation_versions" (
    "project_id" INTEGER NOT NULL,
    "annotation_id" BIGINT NOT NULL,
    "version" INTEGER NOT NULL,
    "corrected_intent" TEXT,
    "policy_override" "policy_verdict",
    "edge_case" BOOLEAN NOT NULL DEFAULT false,
    "note" TEXT NOT NULL DEFAULT '',
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "editor_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "annotation_versions_pkey" PRIMARY KEY ("project_id","annotation_id","version")
);

-- CreateTable
CREATE TABLE "failure_sets" (
    "id" SERIAL NOT NULL,
    "project_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "filter" JSONB NOT NULL,
    "created_by_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "failure_sets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "project_id" INTEGER,
    "actor_type" "actor_type" NOT NULL,
    "actor_id" TEXT,
    "action" TEXT NOT NULL,
    "object_type" TEXT NOT NULL,
    "object_id" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "run_intent_stats" (
    "project_id" INTEGER NOT NULL,
    "run_id" INTEGER NOT NULL,
    "expected_intent" TEXT NOT NULL,
    "total" BIGINT NOT NULL DEFAULT 0,
    "correct" BIGINT NOT NULL DEFAULT 0,
    "wrong" BIGINT NOT NULL DEFAULT 0,
    "format_error" BIGINT NOT NULL DEFAULT 0,
    "policy_pass" BIGINT NOT NULL DEFAULT 0,
    "policy_fail" BIGINT NOT NULL DEFAULT 0,
    "policy_pending" BIGINT NOT NULL DEFAULT 0,
    "system_success" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "run_intent_stats_pkey" PRIMARY KEY ("project_id","run_id","expected_intent")
);

-- CreateTable
CREATE TABLE "run_confusion" (
    "project_id" INTEGER NOT NULL,
    "run_id" INTEGER NOT NULL,
    "expected_intent" TEXT NOT NULL,
    "predicted" TEXT NOT NULL,
    "n" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "run_confusion_pkey" PRIMARY KEY ("project_id","run_id","expected_intent","predicted")
);

-- CreateIndex
CREATE UNIQUE INDEX "projects_name_key" ON "projects"("name");

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE INDEX "memberships_user_id_idx" ON "memberships"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_prefix_key" ON "api_keys"("prefix");

-- CreateIndex
CREATE INDEX "api_keys_project_id_idx" ON "api_keys"("project_id");

-- CreateIndex
CREATE INDEX "cases_project_id_expected_intent_idx" ON "cases"("project_id", "expected_intent");

-- CreateIndex
CREATE UNIQUE INDEX "cases_project_id_external_id_key" ON "cases"("project_id", "external_id");

-- CreateIndex
CREATE UNIQUE INDEX "runs_project_id_name_key" ON "runs"("project_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "runs_project_id_id_key" ON "runs"("project_id", "id");

-- CreateIndex
CREATE INDEX "completions_project_id_run_id_intent_verdict_idx" ON "completions"("project_id", "run_id", "intent_verdict");

-- CreateIndex
CREATE INDEX "completions_project_id_run_id_policy_verdict_idx" ON "completions"("project_id", "run_id", "policy_verdict");

-- CreateIndex
CREATE INDEX "completions_project_id_run_id_expected_intent_idx" ON "completions"("project_id", "run_id", "expected_intent");

-- CreateIndex
CREATE INDEX "completions_project_id_run_id_predicted_intent_idx" ON "completions"("project_id", "run_id", "predicted_intent");

-- CreateIndex
CREATE UNIQUE INDEX "completions_project_id_case_id_run_id_key" ON "completions"("project_id", "case_id", "run_id");

-- CreateIndex
CREATE INDEX "policy_verdicts_project_id_completion_id_idx" ON "policy_verdicts"("project_id", "completion_id");

-- CreateIndex
CREATE UNIQUE INDEX "judges_project_id_name_key" ON "judges"("project_id", "name");

-- CreateIndex
CREATE INDEX "annotations_project_id_case_id_idx" ON "annotations"("project_id", "case_id");

-- CreateIndex
CREATE INDEX "annotations_project_id_completion_id_idx" ON "annotations"("project_id", "completion_id");

-- CreateIndex
CREATE UNIQUE INDEX "failure_sets_project_id_name_key" ON "failure_sets"("project_id", "name");

-- CreateIndex
CREATE INDEX "audit_log_project_id_created_at_idx" ON "audit_log"("project_id", "created_at");

-- CreateIndex
CREATE INDEX "audit_log_project_id_object_type_object_id_idx" ON "audit_log"("project_id", "object_type", "object_id");

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "intents" ADD CONSTRAINT "intents_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "policy_guidelines" ADD CONSTRAINT "policy_guidelines_project_id_intent_id_fkey" FOREIGN KEY ("project_id", "intent_id") REFERENCES "intents"("project_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cases" ADD CONSTRAINT "cases_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "runs" ADD CONSTRAINT "runs_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "completions" ADD CONSTRAINT "completions_project_id_case_id_fkey" FOREIGN KEY ("project_id", "case_id") REFERENCES "cases"("project_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "completions" ADD CONSTRAINT "completions_project_id_run_id_fkey" FOREIGN KEY ("project_id", "run_id") REFERENCES "runs"("project_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "policy_verdicts" ADD CONSTRAINT "policy_verdicts_project_id_completion_id_fkey" FOREIGN KEY ("project_id", "completion_id") REFERENCES "completions"("project_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "judges" ADD CONSTRAINT "judges_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "annotations" ADD CONSTRAINT "annotations_project_id_case_id_fkey" FOREIGN KEY ("project_id", "case_id") REFERENCES "cases"("project_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "annotations" ADD CONSTRAINT "annotations_project_id_completion_id_fkey" FOREIGN KEY ("project_id", "completion_id") REFERENCES "completions"("project_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "annotation_versions" ADD CONSTRAINT "annotation_versions_project_id_annotation_id_fkey" FOREIGN KEY ("project_id", "annotation_id") REFERENCES "annotations"("project_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "failure_sets" ADD CONSTRAINT "failure_sets_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

