import type { TestProject } from "vitest/node";
import { createTestDatabase } from "../support/database";
import { TEST_PORTS } from "../support/ports";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseLabel: string;
  }
}

export default async function setup(project: TestProject) {
  const database = await createTestDatabase({ dataDir: ".data/test", port: TEST_PORTS.IB_TEST_DB_PORT });
  project.provide("databaseUrl", database.url);
  project.provide("databaseLabel", database.label);
  console.log(`integration tests on ${database.label}`);
  return database.teardown;
}
