import { apiRoute } from "@/lib/api/handler";
import { createJudgeJobEndpoint, createJudgeJobHandler } from "@/lib/api/endpoints/judges";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = apiRoute(createJudgeJobEndpoint, ({ key, body }) => createJudgeJobHandler(key, body));
