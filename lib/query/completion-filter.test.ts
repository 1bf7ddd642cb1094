import { describe, expect, it } from "vitest";
import {
  COMPLETION_FILTER_IDS,
  completionFilterSchema,
  completionFilterSearchParams,
  completionListQuerySchema,
  parseCompletionFilter,
  tolerantCompletionFilter,
} from "../validations/filters";
import { COMPLETION_FILTER_SQL, completionWhere, containsPattern, parameters } from "./completions";
import { encodeCursor } from "./cursor";

function listQuery(query: string) {
  const params = new URLSearchParams(query);
  const object: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    object[key] = values.length === 1 ? values[0]! : values;
  }
  return completionListQuerySchema.safeParse(object);
}

function firstMessage(result: { success: boolean; error?: { issues: { message: string; path: PropertyKey[] }[] } }) {
  expect(result.success).toBe(false);
  const issue = result.error!.issues[0]!;
  return `${issue.path.join(".")}: ${issue.message}`;
}

describe("strict filter parsing (API)", () => {
  it("reads single and repeated parameters as lists, trims text, and applies paging defaults", () => {
    const result = listQuery("run=a&run=b&intentVerdict=wrong&policyVerdict=fail&expectedIntent=%20get_refund%20&q=%20fee%20");
    expect(result.success).toBe(true);
    expect(result.data).toEqual({
      filter: { run: ["a", "b"], intentVerdict: ["wrong"], policyVerdict: ["fail"], expectedIntent: ["get_refund"], q: "fee" },
      limit: 50,
      sort: "id",
      after: null,
    });
  });

  it("treats an empty q as no search", () => {
    expect(listQuery("q=").data?.filter.q).toBeUndefined();
    expect(listQuery("q=%20%20").data?.filter.q).toBeUndefined();
  });

  it("names unknown parameters and the allowed ones", () => {
    const message = firstMessage(listQuery("run=a&colour=red&size=2"));
    expect(message).toContain("'colour', 'size'");
    expect(message).toContain("allowed: run, expectedIntent, predictedIntent, intentVerdict, policyVerdict, systemSuccess, stale, tag, success, agreement, winner, q, judge, limit, cursor, sort");
  });

  it("names the allowed values of enum filters", () => {
    expect(firstMessage(listQuery("intentVerdict=wrong&intentVerdict=bogus"))).toBe(
      "intentVerdict.1: 'bogus' is not an intent verdict; expected one of: correct, wrong, format_error",
    );
    expect(firstMessage(listQuery("policyVerdict=PASS"))).toBe("policyVerdict.0: 'PASS' is not a policy verdict; expected one of: pass, fail, pending");
    expect(firstMessage(listQuery("sort=name"))).toBe("sort: 'name' is not a sort order; expected one of: id, -id");
  });

  it("checks limits", () => {
    expect(listQuery("limit=500").data?.limit).toBe(500);
    expect(listQuery("limit=1").data?.limit).toBe(1);
    expect(firstMessage(listQuery("limit=0"))).toBe("limit: limit must be at least 1");
    expect(firstMessage(listQuery("limit=501"))).toBe("limit: limit is at most 500");
    expect(firstMessage(listQuery("limit=2.5"))).toBe("limit: limit must be a whole number");
    expect(listQuery("limit=ten").success).toBe(false);
    expect(listQuery("limit=1&limit=2").success).toBe(false);
    expect(firstMessage(listQuery("run="))).toBe("run.0: run name must not be empty");
    expect(firstMessage(listQuery(`q=${"x".repeat(201)}`))).toBe("q: q is at most 200 characters");
    expect(firstMessage(listQuery(Array.from({ length: 101 }, (_, i) => `run=r${i}`).join("&")))).toBe("run: at most 100 values per filter");
  });

  it("decodes cursors of the same sort and rejects the rest", () => {
    expect(listQuery(`cursor=${encodeCursor(["id", 42])}`).data?.after).toBe(42);
    expect(listQuery(`sort=-id&cursor=${encodeCursor(["-id", 7])}`).data).toMatchObject({ sort: "-id", after: 7 });
    expect(firstMessage(listQuery(`cursor=${encodeCursor(["id", 42])}&sort=-id`))).toBe("cursor: this cursor belongs to sort 'id', not '-id'");
    expect(firstMessage(listQuery("cursor=garbage!"))).toBe("cursor: not a cursor from this endpoint: pass nextCursor back unchanged");
    expect(firstMessage(listQuery(`cursor=${encodeCursor(["id", "1; DROP TABLE completions"])}`))).toContain("not a cursor");
  });

  it("the filter schema alone reads saved JSON filters and rejects paging parameters", () => {
    expect(completionFilterSchema.parse({ run: ["a"], intentVerdict: ["wrong", "format_error"] })).toEqual({ run: ["a"], intentVerdict: ["wrong", "format_error"] });
    expect(completionFilterSchema.safeParse({ run: [] }).success).toBe(false);
    expect(parseCompletionFilter(new URLSearchParams("limit=5")).success).toBe(false);
    expect(parseCompletionFilter({ run: ["a", "b"], q: "x", other: undefined }).data).toEqual({ run: ["a", "b"], q: "x" });
  });
});

describe("tolerant filter parsing (pages)", () => {
  it("drops bad values one by one and ignores unknown parameters", () => {
    expect(tolerantCompletionFilter(new URLSearchParams("intentVerdict=wrong&intentVerdict=bogus&colour=red&run=&run=a&run=a&limit=x"))).toEqual({
      intentVerdict: ["wrong"],
      run: ["a"],
    });
    expect(tolerantCompletionFilter({ policyVerdict: "nope", q: ["  first ", "second"] })).toEqual({ q: "first" });
    expect(tolerantCompletionFilter({ q: "x".repeat(500) })).toEqual({});
  });

  it("round-trips through search params", () => {
    const filter = { run: ["a", "b c"], expectedIntent: ["get_refund"], policyVerdict: ["fail" as const], q: "50% off_", judge: "human review" };
    const params = completionFilterSearchParams(filter);
    expect(parseCompletionFilter(params).data).toEqual(filter);
    expect(tolerantCompletionFilter(params)).toEqual(filter);
  });
});

describe("filter to SQL", () => {
  it("has one SQL mapping for every filter id", () => {
    // `success` and `judge` are no predicates of their own: they say what `agreement` and `winner` count
    // as success, and whose policy verdicts the policy predicates read.
    expect(Object.keys(COMPLETION_FILTER_SQL).sort()).toEqual(COMPLETION_FILTER_IDS.filter((id) => id !== "success" && id !== "judge").sort());
  });

  it("counts a text search from the search table alone only when the project's index is complete", () => {
    const set = (indexComplete: boolean) => completionWhere(7, { q: { text: "refund", projectId: 7, indexComplete } }, parameters().bind, "set");
    expect(set(true)).toMatch(/c\.id IN \(SELECT s\.completion_id FROM completion_search s WHERE s\.project_id = \$\d+ AND s\.document ILIKE \$\d+ ESCAPE/);
    expect(set(true)).not.toContain("completion_search_backlog");
    expect(set(false)).toContain("completion_search_backlog");
    // Rows in order (a page) always take the two-branch form, which the index drives for a rare word.
    expect(completionWhere(7, { q: { text: "refund", projectId: 7, indexComplete: true } }, parameters().bind, "rows")).toContain("completion_search_backlog");
  });

  it("binds every value and starts with the project", () => {
    const { values, bind } = parameters();
    const sql = completionWhere(7, { run: [3], intentVerdict: ["wrong", "format_error"], expectedIntent: ["x'; DROP TABLE cases; --"], q: { text: "50%", projectId: 7, indexComplete: false } }, bind);
    expect(sql).toMatch(/^c\.project_id = \$1 AND /);
    expect(sql).toContain("c.run_id = $2");
    expect(sql).toContain("c.expected_intent = $3");
    expect(sql).toContain("c.intent_verdict = ANY($4::intent_verdict[])");
    expect(sql).toContain("ILIKE $5 ESCAPE");
    expect(sql).not.toContain("DROP");
    expect(values).toEqual([7, 3, "x'; DROP TABLE cases; --", ["wrong", "format_error"], "%50\\%%"]);
  });

  it("uses an equality for a single distinct value", () => {
    const { values, bind } = parameters();
    expect(completionWhere(1, { policyVerdict: ["fail", "fail"] }, bind)).toBe("c.project_id = $1 AND c.policy_verdict = $2");
    expect(values).toEqual([1, "fail"]);
  });

  it("escapes LIKE wildcards and the escape character", () => {
    expect(containsPattern("50%")).toBe("%50\\%%");
    expect(containsPattern("a_b")).toBe("%a\\_b%");
    expect(containsPattern("C:\\path")).toBe("%C:\\\\path%");
    expect(containsPattern("plain")).toBe("%plain%");
  });
});
