/** The judge worker alone in a process of its own (DATABASE_URL from the environment), for the restart test: killed with SIGKILL, started again. */
import { startJudgeWorker } from "../../lib/judging/worker";

await startJudgeWorker({ log: (line) => console.error(line), retry: { retries: 3, minTimeoutMs: 10, maxTimeoutMs: 50, maxRetryAfterMs: 1000 } });
console.log("ready");
setInterval(() => undefined, 60_000);
