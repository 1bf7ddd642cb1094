/**
 * An untrusted name (run, model, case id, predicted intent: model output or
 * client input) shown as text. `<bdi>` isolates its direction, so a U+202E
 * inside cannot reverse the text around it; past `max` characters it is
 * shortened, the full text shown on hover and on keyboard focus.
 */
export function Name({ text, max = 60, className = "" }: { text: string; max?: number; className?: string }) {
  const short = shortName(text, max);
  if (short === text) return <bdi className={className || undefined}>{text}</bdi>;
  return (
    <span className="group relative inline-block max-w-full align-bottom">
      <bdi tabIndex={0} title={text} aria-label={text} className={`${className} cursor-help rounded-sm`}>
        {short}
      </bdi>
      <span role="tooltip" className="invisible absolute left-0 top-full z-30 mt-1 w-max max-w-[min(32rem,80vw)] whitespace-pre-wrap break-all rounded border border-line bg-white p-2 text-xs font-normal text-ink shadow-lg [writing-mode:horizontal-tb] group-focus-within:visible group-hover:visible">
        <bdi>{text}</bdi>
      </span>
    </span>
  );
}

/** A name shortened to `max` characters, for places that take text only (`title`, `<option>`). */
export function shortName(text: string, max = 60): string {
  if (text.length <= max) return text;
  const characters = Array.from(text);
  return characters.length <= max ? text : `${characters.slice(0, max - 1).join("")}…`;
}
