-- A judge job's rate and ETA count from its latest start: a job resumed after
-- the app was down (or its process died) would otherwise count the time it
-- lay idle, and show a rate too low and an ETA too long for as long as it
-- runs. resumed_at is when the job last started (the first start included),
-- done_at_resume how many verdicts it had stored by then.
ALTER TABLE "judge_jobs" ADD COLUMN "resumed_at" TIMESTAMPTZ(3), ADD COLUMN "done_at_resume" INTEGER NOT NULL DEFAULT 0;
