import type { ReactNode } from "react";
import { AdminNav } from "@/components/admin/admin-nav";
import { requireInstanceAdmin } from "@/lib/auth/access";

export default async function AdminLayout({ children }: { children: ReactNode }) {
  // Each page checks too: a layout is not rendered again on every navigation.
  await requireInstanceAdmin();
  return (
    <div>
      <AdminNav />
      <div className="mt-6">{children}</div>
    </div>
  );
}
