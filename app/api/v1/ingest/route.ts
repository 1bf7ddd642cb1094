import { apiRoute } from "@/lib/api/handler";
import { ingest, ingestEndpoint } from "@/lib/api/endpoints/ingest";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = apiRoute(ingestEndpoint, async ({ key, body }) => ingest(key, body));
