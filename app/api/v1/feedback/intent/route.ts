import { apiRoute } from "@/lib/api/handler";
import { feedbackIntent, feedbackIntentEndpoint } from "@/lib/api/endpoints/feedback";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = apiRoute(feedbackIntentEndpoint, async ({ key, body }) => feedbackIntent(key, body));
