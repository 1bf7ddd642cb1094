/**
 * A class for a block of untrusted text holding a very long unbroken run (a
 * 100,000-character "word"): kerning off. Chromium shapes such a run again at
 * every line it wraps, with kerning that takes seconds per block (minutes for a
 * page of them) in the app's Inter; without kerning, well under a second.
 * Ordinary text keeps its kerning. Tailwind finds the class written here.
 */
export function unbrokenTextClass(text: string): string {
  return /\S{200}/.test(text) ? "[font-kerning:none]" : "";
}
