import { apiRoute } from "@/lib/api/handler";
import { cancelJudgeJobEndpoint, cancelJudgeJobHandler } from "@/lib/api/endpoints/judges";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = apiRoute(cancelJudgeJobEndpoint, ({ key, params }) => cancelJudgeJobHandler(key, params.id));
