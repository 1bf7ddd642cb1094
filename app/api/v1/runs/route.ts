import { apiRoute } from "@/lib/api/handler";
import { listRunsEndpoint, readRuns } from "@/lib/api/endpoints/read";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(listRunsEndpoint, ({ key }) => readRuns(key));
