/**
 * A one-time sign-in link (an invitation, or a user made on the command line
 * without a password): Better Auth checks and consumes the token and sets the
 * session cookie; the redirect it answers with is kept to a path of this app,
 * so the cookie and the page stay on the host the link was opened on.
 */
import { z } from "zod";
import { localPath, safeNext } from "@/lib/auth/redirect";
import { auth } from "@/lib/auth/server";

const querySchema = z.object({ token: z.string().min(1).max(500), callbackURL: z.string().max(2000).optional() });

export async function GET(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const parsed = querySchema.safeParse({ token: url.searchParams.get("token") ?? undefined, callbackURL: url.searchParams.get("callbackURL") ?? undefined });
  if (!parsed.success) return relativeRedirect("/sign-in?link=invalid", new Headers());
  const answer = await (await auth()).api.magicLinkVerify({
    query: { token: parsed.data.token, callbackURL: safeNext(parsed.data.callbackURL), errorCallbackURL: "/sign-in?link=invalid" },
    headers: request.headers,
    asResponse: true,
  });
  const location = answer.headers.get("location");
  const target = location ? new URL(location, "http://app.invalid") : null;
  return relativeRedirect(target ? localPath(target.pathname + target.search) : "/sign-in?link=invalid", answer.headers);
}

function relativeRedirect(path: string, from: Headers): Response {
  const out = new Headers({ location: path, "cache-control": "no-store" });
  for (const cookie of from.getSetCookie()) out.append("set-cookie", cookie);
  return new Response(null, { status: 303, headers: out });
}
