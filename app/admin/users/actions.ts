"use server";
import { revalidatePath } from "next/cache";
import { actorOf, requireInstanceAdmin } from "@/lib/auth/access";
import type { FormState } from "@/lib/auth/actions-common";
import { LastAdminError, setDisabled, setInstanceAdmin } from "@/lib/auth/users";
import { formFields, userFlagSchema } from "@/lib/validations/admin";

async function change(form: FormData, apply: (userId: string, on: boolean, admin: Awaited<ReturnType<typeof requireInstanceAdmin>>) => Promise<string | null>): Promise<FormState> {
  const admin = await requireInstanceAdmin();
  const parsed = userFlagSchema.safeParse(formFields(form, ["userId", "value"]));
  if (!parsed.success) return { error: "No such change." };
  try {
    const refused = await apply(parsed.data.userId, parsed.data.value === "on", admin);
    if (refused) return { error: refused };
  } catch (error) {
    if (error instanceof LastAdminError) return { error: "This is the last enabled instance admin: make another user an admin first." };
    if ((error as { code?: string }).code === "P2025") return { error: "That user no longer exists." };
    throw error;
  }
  revalidatePath("/admin/users");
  return { ok: "Done." };
}

/** Disables (ending every session of theirs) or enables a user. */
export async function disable(_previous: FormState, form: FormData): Promise<FormState> {
  return change(form, async (userId, on, admin) => {
    if (on && userId === admin.id) return "You cannot disable your own account.";
    await setDisabled(userId, on, actorOf(admin));
    return null;
  });
}

/** Makes a user an instance admin, or no longer one. */
export async function makeAdmin(_previous: FormState, form: FormData): Promise<FormState> {
  return change(form, async (userId, on, admin) => {
    await setInstanceAdmin(userId, on, actorOf(admin));
    return null;
  });
}
