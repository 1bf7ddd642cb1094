import { apiRoute } from "@/lib/api/handler";
import { judgeJobEndpoint, judgeJobHandler } from "@/lib/api/endpoints/judges";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(judgeJobEndpoint, ({ key, params }) => judgeJobHandler(key, params.id));
