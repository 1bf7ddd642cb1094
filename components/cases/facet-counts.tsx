"use client";

/**
 * The counts beside the table's filters, filled in as they arrive: those the
 * aggregates give are in the page as it is sent; those counted from the
 * matching completions (text search, case-level filters the aggregates do not
 * hold) arrive later on the same response, and only the counts' text changes
 * then, so whatever the reader has typed or ticked in the form stays.
 */
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { count } from "@/lib/format";
import type { FacetCountsData, FacetId } from "@/lib/query/facets";
import type { ChoiceId } from "@/lib/query/choices";
import { shortName } from "../name";

type CountId = FacetId | ChoiceId;

/** Counts that arrive after the page: which ones, and the promise of them. */
export interface LaterCounts {
  ids: CountId[];
  counts: Promise<FacetCountsData>;
}

interface Shown {
  /** A facet's counts; undefined while they are being counted, null when they were not counted in time. */
  of(id: CountId): Map<string, number> | null | undefined;
  counting: boolean;
  /** Some facet was not counted in time. */
  leftOut: boolean;
}

const FacetCountsContext = createContext<Shown>({ of: () => null, counting: false, leftOut: false });

const asMaps = (data: FacetCountsData) => new Map(Object.entries(data).map(([id, pairs]) => [id, pairs === null ? null : new Map(pairs)]));

export function FacetCountsProvider({ ready, later, children }: { ready: FacetCountsData; later: LaterCounts[]; children: ReactNode }) {
  const [arrived, setArrived] = useState<FacetCountsData>({});
  const [waiting, setWaiting] = useState<ReadonlySet<CountId>>(() => new Set(later.flatMap((part) => part.ids)));
  useEffect(() => {
    let live = true;
    for (const part of later) {
      const settle = (counts: FacetCountsData) => {
        if (!live) return;
        // An id the answer lacks was not counted: a dash.
        setArrived((before) => ({ ...before, ...Object.fromEntries(part.ids.map((id) => [id, counts[id] ?? null])) }));
        setWaiting((before) => new Set([...before].filter((id) => !part.ids.includes(id))));
      };
      part.counts.then(settle, () => settle({}));
    }
    return () => {
      live = false;
    };
  }, [later]);
  const readyMaps = useMemo(() => asMaps(ready), [ready]);
  const arrivedMaps = useMemo(() => asMaps(arrived), [arrived]);
  const of = (id: CountId) => (readyMaps.has(id) ? readyMaps.get(id) : waiting.has(id) ? undefined : (arrivedMaps.get(id) ?? null));
  const leftOut = [...arrivedMaps.values()].some((counts) => counts === null);
  return <FacetCountsContext.Provider value={{ of, counting: waiting.size > 0, leftOut }}>{children}</FacetCountsContext.Provider>;
}

/** The count beside a value: exact, "…" while it is being counted, a dash when it could not be counted in time. */
export function useFacetLabel(): (id: CountId, value: string) => string {
  const { of } = useContext(FacetCountsContext);
  return (id, value) => {
    const counts = of(id);
    if (counts === undefined) return "…";
    if (counts === null) return "–";
    return count(counts.get(value) ?? 0);
  };
}

export function FacetCount({ id, value }: { id: FacetId; value: string }) {
  const label = useFacetLabel();
  return <span className="ml-auto pl-2 text-xs tabular-nums text-muted" data-testid="facet-count" data-value={value}>{label(id, value)}</span>;
}

/** A select whose options carry their facet counts (the select itself is left uncontrolled, so a choice made stays). */
export function CountedSelect({ id, facet, label, name, value, options, className, labelClassName }: { id: string; facet: CountId; label: string; name: string; value: string | undefined; options: { value: string; label: string }[]; className: string; labelClassName: string }) {
  const count = useFacetLabel();
  return (
    <div>
      <label htmlFor={id} className={labelClassName}>{label}</label>
      <select id={id} name={name} defaultValue={value ?? ""} className={className}>
        <option value="">any</option>
        {options.map((option) => <option key={option.value} value={option.value} dir="auto">{`${option.label} (${count(facet, option.value)})`}</option>)}
      </select>
    </div>
  );
}

/** The predicted intents to suggest: the most common ones counted (largest first), or the taxonomy's until they are. */
export function PredictedIntentList({ id, intents }: { id: string; intents: readonly string[] }) {
  const { of } = useContext(FacetCountsContext);
  const label = useFacetLabel();
  const counted = of("predictedIntent");
  const values = counted ? [...counted.keys()] : intents;
  return <datalist id={id}>{values.map((value) => <option key={value} value={value} label={`${shortName(value, 40)} (${label("predictedIntent", value)})`} />)}</datalist>;
}

/** Says which counts are still being counted, or were left out. */
export function FacetNote() {
  const { counting, leftOut } = useContext(FacetCountsContext);
  if (counting) {
    return <p className="text-xs text-muted" data-testid="facets-counting">The counts shown as … are being counted from the matching completions; they fill in when done.</p>;
  }
  if (leftOut) {
    return <p className="text-xs text-muted" data-testid="facets-left-out">Some counts beside the filters (shown as –) were left out: they took too long to count for this filter at this size, or too many counts were waiting.</p>;
  }
  return null;
}
