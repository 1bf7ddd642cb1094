import type { InputHTMLAttributes } from "react";

/** A labelled input with its problem (from the server action) under it. */
export function Field({ label, name, error, ...input }: { label: string; name: string; error?: string } & InputHTMLAttributes<HTMLInputElement>) {
  const id = `field-${name}`;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-ink">{label}</label>
      <input
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        className="block w-full rounded-md border border-line bg-white px-3 py-2 text-sm focus:outline-2 focus:outline-offset-1 focus:outline-ink"
        {...input}
      />
      {error ? <p id={`${id}-error`} className="text-sm text-red-700">{error}</p> : null}
    </div>
  );
}

export function FormMessage({ state }: { state: { error?: string; ok?: string } | null }) {
  if (state?.error) return <p role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900">{state.error}</p>;
  if (state?.ok) return <p role="status" className="rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900">{state.ok}</p>;
  return null;
}

export function SubmitButton({ children, pending, tone = "primary" }: { children: string; pending: boolean; tone?: "primary" | "danger" | "plain" }) {
  const tones = {
    primary: "bg-ink text-white hover:bg-ink/90",
    danger: "bg-red-700 text-white hover:bg-red-800",
    plain: "border border-line bg-white text-ink hover:bg-gray-50",
  };
  return (
    <button type="submit" disabled={pending} className={`rounded-md px-4 py-2 text-sm font-medium disabled:opacity-60 ${tones[tone]}`}>
      {children}
    </button>
  );
}
