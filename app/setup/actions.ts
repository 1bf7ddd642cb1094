"use server";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { fieldErrors, type FormState } from "@/lib/auth/actions-common";
import { publicAction } from "@/lib/auth/guarded-action";
import { completeSetup } from "@/lib/auth/first-admin";
import { auth } from "@/lib/auth/server";
import { emailSchema, passwordSchema } from "@/lib/auth/users";

const setupSchema = z
  .object({ token: z.string().max(100), email: emailSchema, password: passwordSchema, confirm: z.string() })
  .refine((form) => form.password === form.confirm, { path: ["confirm"], message: "the two passwords differ" });

/** Creates the first admin with the one-time setup token, then signs them in. */
export const createFirstAdmin = publicAction(async (form): Promise<FormState> => {
  const parsed = setupSchema.safeParse(Object.fromEntries(["token", "email", "password", "confirm"].map((key) => [key, form.get(key) ?? ""])));
  if (!parsed.success) return { fields: fieldErrors(parsed.error.issues), values: { email: String(form.get("email") ?? "").slice(0, 254) } };
  const { token, email, password } = parsed.data;
  if (!(await completeSetup(token, email, password))) return { error: "This setup link is no longer valid: an admin exists, or the app was started again with a new link." };
  await (await auth()).api.signInEmail({ body: { email, password, rememberMe: true }, headers: await headers() });
  redirect("/");
});
