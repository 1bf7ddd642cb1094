"use server";
import { APIError } from "better-auth/api";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { fieldErrors, type FormState } from "@/lib/auth/actions-common";
import { currentUser } from "@/lib/auth/access";
import { userAction } from "@/lib/auth/guarded-action";
import { auth } from "@/lib/auth/server";
import { passwordSchema } from "@/lib/auth/users";

const changeSchema = z
  .object({ current: z.string().max(256), password: passwordSchema, confirm: z.string() })
  .refine((form) => form.password === form.confirm, { path: ["confirm"], message: "the two passwords differ" });

/**
 * Changes (or, for a user invited by link, sets) the password. Every other
 * session of the user ends; this one is replaced by a fresh one.
 */
export const changePassword = userAction(async (user, form): Promise<FormState> => {
  const parsed = changeSchema.safeParse({ current: form.get("current") ?? "", password: form.get("password"), confirm: form.get("confirm") });
  if (!parsed.success) return { fields: fieldErrors(parsed.error.issues) };
  const requestHeaders = await headers();
  const api = (await auth()).api;
  const ctx = await (await auth()).$context;
  const credential = await ctx.internalAdapter.findCredentialAccount(user.id);
  if (!credential?.password) {
    await api.setPassword({ body: { newPassword: parsed.data.password }, headers: requestHeaders });
    await api.revokeOtherSessions({ headers: requestHeaders });
    return { ok: "Password set. Other sessions were signed out." };
  }
  try {
    await api.changePassword({ body: { currentPassword: parsed.data.current, newPassword: parsed.data.password, revokeOtherSessions: true }, headers: requestHeaders });
  } catch (error) {
    if (error instanceof APIError) return { fields: { current: "that is not your current password" } };
    throw error;
  }
  return { ok: "Password changed. Every other session was signed out." };
});

/** Ends every session of the user, this one included. */
export async function signOutEverywhere(): Promise<void> {
  const user = await currentUser();
  if (user) {
    const ctx = await (await auth()).$context;
    await ctx.internalAdapter.deleteUserSessions(user.id);
    await (await auth()).api.signOut({ headers: await headers() }).catch(() => undefined);
  }
  redirect("/sign-in");
}

/** Ends this session. */
export async function signOut(): Promise<void> {
  if (await currentUser()) await (await auth()).api.signOut({ headers: await headers() });
  redirect("/sign-in");
}
