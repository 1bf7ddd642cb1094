"use client";
import { useState } from "react";

/** Copies `text` to the clipboard, and says so. */
export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        className="rounded-md border border-line bg-white px-3 py-1.5 text-sm font-medium text-ink hover:bg-gray-50 focus:outline-2 focus:outline-offset-1 focus:outline-ink"
        onClick={() => {
          navigator.clipboard.writeText(text).then(
            () => setCopied("yes"),
            () => setCopied("failed"),
          );
        }}
      >
        {label}
      </button>
      <span role="status" className="text-sm text-muted">
        {copied === "yes" ? "Copied." : copied === "failed" ? "Copy failed: select the text and copy it." : ""}
      </span>
    </span>
  );
}

/** A secret or link shown once, selectable, with a copy button. */
export function ShownOnce({ title, text, testId, note }: { title: string; text: string; testId: string; note: string }) {
  return (
    <div role="status" className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm">
      <p className="font-medium text-ink">{title}</p>
      <code data-testid={testId} className="block select-all break-all rounded bg-white px-2 py-1 font-mono text-xs text-ink">
        {text}
      </code>
      <p className="text-muted">{note}</p>
      <CopyButton text={text} />
    </div>
  );
}
