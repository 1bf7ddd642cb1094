import { ApiError } from "./errors";

/**
 * Admission control: at most `perProject` requests of one project in flight,
 * and `total` overall. Past that the API answers 429 with Retry-After at once,
 * instead of queueing without bound (memory) or timing out.
 */
export class InFlightLimiter {
  private readonly counts = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly perProject: number,
    private readonly totalLimit: number,
  ) {}

  acquire(project: string): () => void {
    const current = this.counts.get(project) ?? 0;
    if (current >= this.perProject || this.total >= this.totalLimit) {
      throw new ApiError(429, "rate_limited", "too many concurrent requests for this project: retry after the delay in Retry-After", { limit: this.perProject }, { "retry-after": "1" });
    }
    this.counts.set(project, current + 1);
    this.total++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const left = (this.counts.get(project) ?? 1) - 1;
      if (left === 0) this.counts.delete(project);
      else this.counts.set(project, left);
    };
  }
}
