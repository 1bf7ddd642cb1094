import { highlightParts } from "@/lib/text/highlight";
import { LongText } from "../long-text";

/** Untrusted text as text, with the occurrences of the search marked. */
export function Highlighted({ text, query }: { text: string; query: string | undefined }) {
  return (
    <>
      {highlightParts(text, query).map((part, i) => (part.match ? <mark key={i} className="rounded-sm bg-amber-200 text-ink">{part.text}</mark> : <LongText key={i} text={part.text} />))}
    </>
  );
}
