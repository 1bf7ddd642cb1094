"use server";
import { APIError } from "better-auth/api";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { fieldErrors, type FormState } from "@/lib/auth/actions-common";
import { publicAction } from "@/lib/auth/guarded-action";
import { safeNext } from "@/lib/auth/redirect";
import { auth } from "@/lib/auth/server";
import { lockFor, lockMessage, recordFailure, recordSuccess } from "@/lib/auth/throttle";
import { emailSchema } from "@/lib/auth/users";
import { clientAddress } from "@/lib/http/client-address";

const signInSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "enter your password").max(256, "a password has at most 256 characters"),
  next: z.string().max(2000).optional(),
});

/** The same words for an unknown email and a wrong password: the answer never tells whether an account exists. */
const WRONG = "Wrong email or password.";

export const signIn = publicAction(async (form): Promise<FormState> => {
  const parsed = signInSchema.safeParse({ email: form.get("email"), password: form.get("password"), next: form.get("next") ?? undefined });
  const values = { email: String(form.get("email") ?? "").slice(0, 254) };
  if (!parsed.success) return { fields: fieldErrors(parsed.error.issues), values };
  const { email, password } = parsed.data;
  const requestHeaders = await headers();
  const address = clientAddress(requestHeaders);
  const lock = await lockFor(email, address);
  if (lock) return { error: lockMessage(lock), values };
  const api = (await auth()).api;
  let signedIn;
  try {
    signedIn = await api.signInEmail({ body: { email, password, rememberMe: true }, headers: requestHeaders });
  } catch (error) {
    if (!(error instanceof APIError)) throw error;
    await recordFailure(email, address);
    const now = await lockFor(email, address);
    return { error: now ? lockMessage(now) : WRONG, values };
  }
  const user = signedIn.user as typeof signedIn.user & { disabledAt?: Date | null };
  if (user.disabledAt) {
    // The password was right, so saying so tells nothing new; the session just made is ended.
    const ctx = await (await auth()).$context;
    await ctx.internalAdapter.deleteUserSessions(user.id);
    return { error: "This account is disabled. Ask an admin to enable it.", values };
  }
  await recordSuccess(email);
  redirect(safeNext(parsed.data.next));
});
