import { apiRoute } from "@/lib/api/handler";
import { listCompletionsEndpoint, readCompletions } from "@/lib/api/endpoints/read";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(listCompletionsEndpoint, ({ key, query }) => readCompletions(key, query));
