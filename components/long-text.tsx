import { textChunks } from "@/lib/text/chunks";

/** Untrusted text of any length as text: several text nodes when it is long, so the browser keeps each whole (lib/text/chunks.ts). */
export function LongText({ text }: { text: string }) {
  return <>{textChunks(text)}</>;
}
