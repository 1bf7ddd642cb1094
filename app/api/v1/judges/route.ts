import { apiRoute } from "@/lib/api/handler";
import { listJudgesEndpoint, listJudgesHandler } from "@/lib/api/endpoints/judges";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(listJudgesEndpoint, ({ key }) => listJudgesHandler(key));
