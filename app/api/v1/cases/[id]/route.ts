import { apiRoute } from "@/lib/api/handler";
import { caseEndpoint, readCase } from "@/lib/api/endpoints/read";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(caseEndpoint, ({ key, params, query }) => readCase(key, params.id, query));
