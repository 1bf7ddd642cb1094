import { apiRoute } from "@/lib/api/handler";
import { feedbackIntentBatch, feedbackIntentBatchEndpoint } from "@/lib/api/endpoints/feedback";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = apiRoute(feedbackIntentBatchEndpoint, async ({ key, body }) => feedbackIntentBatch(key, body));
