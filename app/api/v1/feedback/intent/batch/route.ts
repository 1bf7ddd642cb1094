import { nextRoute } from "@/lib/api/handler";
import { feedbackIntentBatchHandler } from "@/lib/api/endpoints/feedback";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// The custom server (scripts/serve.ts) answers this path itself with the same handler; this serves `next dev` and `next start`.
export const POST = nextRoute(feedbackIntentBatchHandler);
