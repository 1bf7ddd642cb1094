/**
 * The figures the leaderboard must show for the generated demo data, tallied
 * here straight from the records (each completion graded by the grader, the
 * policy verdict carried by the record, format errors failing policy).
 */
import { gradeIntent } from "../lib/grading/intent";
import { DEMO_INTENTS, DEMO_RUNS, generateDemoRecords } from "../lib/demo/generate";
import { wilsonInterval } from "../lib/metrics/stats";
import { interval, percent } from "../lib/format";

export interface ExpectedRun {
  run: string;
  model: string;
  total: number;
  intent: string;
  intentCi: string;
  intentCounts: string;
  policy: string;
  policyCounts: string;
  system: string;
  systemCi: string;
  product: string;
}

export function expectedLeaderboard(cases: number): ExpectedRun[] {
  const taxonomy = new Set(DEMO_INTENTS.map((intent) => intent.id));
  const tallies = new Map(DEMO_RUNS.map((run) => [run.name, { total: 0, correct: 0, wrong: 0, format: 0, pass: 0, fail: 0, both: 0 }]));
  for (const record of generateDemoRecords({ cases })) {
    for (const completion of record.completions) {
      const t = tallies.get(completion.run)!;
      const grade = gradeIntent(completion.text, record.case.expectedIntent, { taxonomy });
      const policy = grade.verdict === "format_error" ? "fail" : completion.policy?.verdict;
      t.total++;
      if (grade.verdict === "correct") t.correct++;
      if (grade.verdict === "wrong") t.wrong++;
      if (grade.verdict === "format_error") t.format++;
      if (policy === "pass") t.pass++;
      if (policy === "fail") t.fail++;
      if (grade.verdict === "correct" && policy === "pass") t.both++;
    }
  }
  return DEMO_RUNS.map((run) => {
    const t = tallies.get(run.name)!;
    const intentRate = t.correct / t.total;
    const policyRate = t.pass / (t.pass + t.fail);
    return {
      run: run.name,
      model: run.model,
      total: t.total,
      intent: percent(intentRate),
      intentCi: interval(wilsonInterval(t.correct, t.total)),
      intentCounts: `${t.correct} correct · ${t.wrong} wrong · ${t.format} format errors`,
      policy: percent(policyRate),
      policyCounts: `${t.pass} pass · ${t.fail} fail · ${t.total - t.pass - t.fail} pending`,
      system: percent(t.both / t.total),
      systemCi: interval(wilsonInterval(t.both, t.total)),
      product: percent(intentRate * policyRate),
    };
  });
}
