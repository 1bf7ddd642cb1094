/**
 * Fixed ports of the test databases and the end-to-end server. Each can be
 * moved by an environment variable, so two checkouts on one machine can run
 * their suites side by side.
 */
import { z } from "zod";

const port = (fallback: number) => z.coerce.number().int().min(1024).max(65535).default(fallback);

const schema = z.object({
  IB_TEST_DB_PORT: port(55432),
  IB_BENCH_DB_PORT: port(55433),
  IB_E2E_DB_PORT: port(55434),
  IB_E2E_PORT: port(3100),
});

export const TEST_PORTS = schema.parse({
  IB_TEST_DB_PORT: process.env.IB_TEST_DB_PORT || undefined,
  IB_BENCH_DB_PORT: process.env.IB_BENCH_DB_PORT || undefined,
  IB_E2E_DB_PORT: process.env.IB_E2E_DB_PORT || undefined,
  IB_E2E_PORT: process.env.IB_E2E_PORT || undefined,
});
