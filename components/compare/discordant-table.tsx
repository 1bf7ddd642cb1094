"use client";

// A client component for its size (see components/confusion/confusion-table.tsx).
import { count } from "@/lib/format";
import type { DiscordantCase } from "@/lib/metrics/discordant";
import { Name } from "../name";
import { unbrokenTextClass } from "../unbroken-text";
import { Outcome } from "./outcome";

interface Props {
  /** The run that succeeds in this direction (the title says "Only {run} succeeds"). */
  winner: string;
  testId: string;
  a: string;
  b: string;
  cases: DiscordantCase[];
  project: string;
  /** All discordant cases in this direction; the list shows at most `cases.length`. */
  total: number;
}

/** The cases where one run succeeds and the other fails, with the customer's words as plain text. */
export function DiscordantTable({ winner, testId, a, b, cases, total, project }: Props) {
  const headingId = `${testId}-heading`;
  return (
    <section aria-labelledby={headingId} data-testid={testId}>
      <h3 id={headingId} className="text-base font-semibold">
        Only <Name text={winner} /> succeeds <span className="font-normal text-muted">({count(total)})</span>
      </h3>
      {total === 0 ? (
        <p className="mt-2 text-sm text-muted">No cases.</p>
      ) : (
        <>
          {total > cases.length ? <p className="mt-1 text-sm text-muted">The first {count(cases.length)} by case id.</p> : null}
          <div className="mt-2 overflow-x-auto rounded-lg border border-line bg-white">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Only <bdi>{winner}</bdi> succeeds: each case with both runs&apos; answers</caption>
              <thead className="border-b border-line bg-canvas text-xs text-muted">
                <tr>
                  <th scope="col" className="px-3 py-2 font-medium">Case</th>
                  <th scope="col" className="px-3 py-2 font-medium">Expected intent</th>
                  <th scope="col" className="px-3 py-2 font-medium"><Name text={a} /></th>
                  <th scope="col" className="px-3 py-2 font-medium"><Name text={b} /></th>
                  <th scope="col" className="px-3 py-2 font-medium">Customer&apos;s last message</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-line">
                {cases.map((item) => (
                  <tr key={item.externalId} className="align-top" data-testid="discordant-row">
                    <th scope="row" className="px-3 py-2 font-mono text-xs font-normal text-ink">
                      <a href={`/projects/${encodeURIComponent(project)}/cases/${encodeURIComponent(item.externalId)}`} className="text-accent underline-offset-2 hover:underline"><Name text={item.externalId} /></a>
                    </th>
                    <td className="px-3 py-2"><code className="text-xs">{item.expectedIntent}</code></td>
                    <td className="px-3 py-2"><Outcome outcome={item.a} /></td>
                    <td className="px-3 py-2"><Outcome outcome={item.b} /></td>
                    <td className="max-w-md px-3 py-2 text-ink">
                      <p className={`line-clamp-3 whitespace-pre-wrap break-words ${unbrokenTextClass(item.lastMessage)}`}>{item.lastMessage}</p>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
