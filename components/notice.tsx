import type { ReactNode } from "react";

/** A short explanation shown in place of, or above, a page's figures (e.g. a fallback from a bad URL). */
export function Notice({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <p role="status" data-testid={testId} className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950">
      {children}
    </p>
  );
}
