import Link from "next/link";
import type { ReactNode } from "react";

export interface ViewChoice {
  label: string;
  href: string;
  current: boolean;
}

/** A small group of links of which one is the current view (row kind, order, density). */
export function ChoiceLinks({ label, choices }: { label: string; choices: ViewChoice[] }) {
  return (
    <nav aria-label={label} className="flex items-center gap-1 text-sm">
      <span className="mr-1 text-xs text-muted">{label}</span>
      {choices.map((choice) => (
        <Link key={choice.label} href={choice.href} aria-current={choice.current ? "page" : undefined}
          className={`rounded px-2.5 py-1 ${choice.current ? "bg-ink text-white" : "text-ink hover:bg-white"}`}>
          {choice.label}
        </Link>
      ))}
    </nav>
  );
}

/** Which columns to show: a GET form of check boxes (`columns=a,b` comes back as repeated values). */
export function ColumnChooser({ options, shown, keep, children }: { options: { id: string; label: string }[]; shown: string[]; keep: [string, string][]; children?: ReactNode }) {
  return (
    <details className="relative text-sm">
      <summary className="cursor-pointer rounded px-2.5 py-1 text-ink hover:bg-white">Columns</summary>
      <form method="get" aria-label="Choose columns" className="absolute z-10 mt-1 w-56 space-y-1 rounded-lg border border-line bg-white p-3 shadow">
        {keep.map(([name, value], i) => <input key={i} type="hidden" name={name} value={value} />)}
        <input type="hidden" name="columns" value="none" />
        {options.map((option) => (
          <label key={option.id} className="flex items-center gap-2">
            <input type="checkbox" name="columns" value={option.id} defaultChecked={shown.includes(option.id)} className="accent-ink" />
            {option.label}
          </label>
        ))}
        {children}
        <button type="submit" className="mt-2 rounded-md bg-ink px-3 py-1 font-medium text-white">Show</button>
      </form>
    </details>
  );
}
