import type { TestProject } from "vitest/node";
import { createTestDatabase } from "../support/database";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseLabel: string;
  }
}

export default async function setup(project: TestProject) {
  const database = await createTestDatabase({ dataDir: ".data/test", port: 55432 });
  project.provide("databaseUrl", database.url);
  project.provide("databaseLabel", database.label);
  console.log(`integration tests on ${database.label}`);
  return database.teardown;
}
