"use client";

import { useId, useState, type ReactNode } from "react";
import { LongText } from "./long-text";
import { unbrokenTextClass } from "./unbroken-text";

/** Past this many characters or lines a text starts collapsed. */
const LONG_CHARACTERS = 480;
const LONG_LINES = 6;

function isLong(text: string): boolean {
  return text.length > LONG_CHARACTERS || text.split("\n", LONG_LINES + 1).length > LONG_LINES;
}

/**
 * Untrusted text (a customer message, a reply, a whole generation) as text,
 * its line breaks kept. A long one shows its first lines and a "Show more"
 * button (a real button: keyboard and screen readers know it, aria-expanded
 * says its state); the whole text is in the page either way, so search and
 * copy find it. `children` replaces the plain text when the text is marked up
 * (a word diff), `text` still decides its length.
 */
export function ExpandableText({ text, children, testId, className = "" }: { text: string; children?: ReactNode; testId?: string; className?: string }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const base = `whitespace-pre-wrap wrap-anywhere ${unbrokenTextClass(text)} ${className}`;
  if (!isLong(text)) return <p data-testid={testId} className={base}>{children ?? text}</p>;
  return (
    <div>
      <p id={id} data-testid={testId} data-collapsed={open ? undefined : ""} className={`${base} ${open ? "" : "line-clamp-6"}`}>
        {children ?? <LongText text={text} />}
      </p>
      <button type="button" aria-expanded={open} aria-controls={id} onClick={() => setOpen(!open)}
        className="mt-1 rounded-sm text-xs font-medium text-accent underline-offset-2 hover:underline">
        {open ? "Show less" : `Show more (${text.length.toLocaleString("en-US")} characters)`}
      </button>
    </div>
  );
}
