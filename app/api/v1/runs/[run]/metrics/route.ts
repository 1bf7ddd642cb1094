import { apiRoute } from "@/lib/api/handler";
import { readRunMetrics, runMetricsEndpoint } from "@/lib/api/endpoints/read";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(runMetricsEndpoint, ({ key, params, query }) => readRunMetrics(key, params.run, query));
