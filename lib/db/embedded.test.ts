import { describe, expect, it } from "vitest";
import { serverSettings } from "./embedded";

const GiB = 1024 ** 3;

describe("the embedded server's settings", () => {
  it("gives shared buffers an eighth of the memory, at least 128 MB and at most 1 GB, and checkpoints every 4 GB of WAL", () => {
    expect(serverSettings(24 * GiB)).toEqual(["-c", "shared_buffers=1024MB", "-c", "max_wal_size=4GB"]);
    expect(serverSettings(8 * GiB)).toEqual(["-c", "shared_buffers=1024MB", "-c", "max_wal_size=4GB"]);
    expect(serverSettings(4 * GiB)).toContain("shared_buffers=512MB");
    expect(serverSettings(2 * GiB)).toContain("shared_buffers=256MB");
    expect(serverSettings(GiB / 2)).toContain("shared_buffers=128MB");
  });
});
