"use client";

import { useRouter } from "next/navigation";
import { useEffectEvent, useLayoutEffect, useRef } from "react";

const SHORTCUTS: [string, string][] = [
  ["j  or  →", "next case of the filter"],
  ["k  or  ←", "previous case of the filter"],
  ["f", "customer view / full generation"],
  ["u", "back to the table"],
  ["?", "show or hide this list"],
];

/** Typing in a field, or a key with a modifier, is never a shortcut. */
function ignored(event: KeyboardEvent): boolean {
  const target = event.target;
  return event.metaKey || event.ctrlKey || event.altKey || (target instanceof HTMLElement && (target.isContentEditable || target.matches("input, select, textarea")));
}

/**
 * The case view's keyboard: j/k (and the arrows) to the next and previous case
 * of the filter the lead came from, f to switch views, u back to the table, ?
 * for the list. Every shortcut is also a visible link on the page.
 */
export function CaseKeys({ next, previous, toggleView, table }: { next: string | null; previous: string | null; toggleView: string; table: string }) {
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  // An effect event reads this render's links, and the listener is attached and
  // removed in a layout effect: moving to another case mounts a new page, and
  // a passive effect would leave the old page's listener, with its links, on
  // the window for a moment after the new case is shown, so a key pressed then
  // would go to the old case's neighbour (the case now shown, when it was next).
  const onKey = useEffectEvent((event: KeyboardEvent) => {
    if (ignored(event)) return;
    const go = (href: string | null) => {
      if (href === null) return;
      event.preventDefault();
      router.push(href);
    };
    if (event.key === "j" || event.key === "ArrowRight") go(next);
    else if (event.key === "k" || event.key === "ArrowLeft") go(previous);
    else if (event.key === "f") go(toggleView);
    else if (event.key === "u") go(table);
    else if (event.key === "?") {
      event.preventDefault();
      const open = dialog.current;
      if (open?.open) open.close();
      else open?.showModal();
    }
  });
  useLayoutEffect(() => {
    const listener = (event: KeyboardEvent) => onKey(event);
    window.addEventListener("keydown", listener);
    return () => window.removeEventListener("keydown", listener);
  }, []);
  return (
    <>
      <button type="button" onClick={() => dialog.current?.showModal()} className="rounded px-2 py-1 text-sm text-muted hover:bg-white" aria-haspopup="dialog">
        Keyboard shortcuts <kbd className="ml-1 rounded border border-line px-1 text-xs">?</kbd>
      </button>
      <dialog ref={dialog} aria-labelledby="shortcuts-heading" className="m-auto rounded-lg border border-line p-6 shadow-lg backdrop:bg-ink/30">
        <h2 id="shortcuts-heading" className="text-lg font-semibold">Keyboard shortcuts</h2>
        <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-6 gap-y-1 text-sm" data-testid="shortcuts">
          {SHORTCUTS.map(([keys, what]) => (
            <div key={keys} className="contents">
              <dt><kbd className="font-mono">{keys}</kbd></dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
        <form method="dialog" className="mt-4">
          <button className="rounded-md bg-ink px-3 py-1.5 text-sm font-medium text-white">Close</button>
        </form>
      </dialog>
    </>
  );
}
