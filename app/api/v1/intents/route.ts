import { apiRoute } from "@/lib/api/handler";
import { listIntents, listIntentsEndpoint, putIntents, putIntentsEndpoint } from "@/lib/api/endpoints/intents";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(listIntentsEndpoint, async ({ key }) => listIntents(key));
export const PUT = apiRoute(putIntentsEndpoint, async ({ key, body }) => putIntents(key, body));
