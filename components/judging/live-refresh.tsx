"use client";
import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** While a job is queued or running, the page renders again every second (the server reads the progress). */
export function LiveRefresh({ active }: { active: boolean }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => router.refresh(), 1000);
    return () => clearInterval(timer);
  }, [active, router]);
  return null;
}
