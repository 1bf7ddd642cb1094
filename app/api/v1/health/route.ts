import { pingDatabase } from "@/lib/db/pool";
import { jsonResponse } from "@/lib/api/errors";
import { toResponse } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

/** Liveness and database reachability; no key needed, nothing secret. */
export async function GET(): Promise<Response> {
  try {
    await pingDatabase();
    return jsonResponse(200, { status: "ok", database: "ok" });
  } catch (error) {
    const response = toResponse(error);
    return response.status === 503 ? jsonResponse(503, { status: "degraded", database: "unavailable" }, { "retry-after": "2" }) : response;
  }
}
