"use server";
import { revalidatePath } from "next/cache";
import { actorOf, type SignedIn } from "@/lib/auth/access";
import type { FormState } from "@/lib/auth/actions-common";
import { instanceAdminAction } from "@/lib/auth/guarded-action";
import { LastAdminError, setDisabled, setInstanceAdmin } from "@/lib/auth/users";
import { formFields, userFlagSchema } from "@/lib/validations/admin";

async function change(admin: SignedIn, form: FormData, apply: (userId: string, on: boolean) => Promise<string | null>): Promise<FormState> {
  const parsed = userFlagSchema.safeParse(formFields(form, ["userId", "value"]));
  if (!parsed.success) return { error: "No such change." };
  try {
    const refused = await apply(parsed.data.userId, parsed.data.value === "on");
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
export const disable = instanceAdminAction((admin, form) =>
  change(admin, form, async (userId, on) => {
    if (on && userId === admin.id) return "You cannot disable your own account.";
    await setDisabled(userId, on, actorOf(admin), { keepAnAdmin: true });
    return null;
  }),
);

/** Makes a user an instance admin, or no longer one. */
export const makeAdmin = instanceAdminAction((admin, form) =>
  change(admin, form, async (userId, on) => {
    await setInstanceAdmin(userId, on, actorOf(admin));
    return null;
  }),
);
