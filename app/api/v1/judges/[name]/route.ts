import { apiRoute } from "@/lib/api/handler";
import { putJudgeEndpoint, putJudgeHandler } from "@/lib/api/endpoints/judges";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const PUT = apiRoute(putJudgeEndpoint, ({ key, params, body }) => putJudgeHandler(key, params.name, body));
