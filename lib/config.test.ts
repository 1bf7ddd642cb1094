import { describe, expect, it } from "vitest";
import { ConfigError, readEnv } from "./config";

describe("configuration", () => {
  it("gives the defaults for an empty environment", () => {
    expect(readEnv({})).toMatchObject({ PORT: 3000, HOST: "127.0.0.1", IB_API_MAX_INFLIGHT_PER_PROJECT: 16, IB_API_MAX_INFLIGHT: 64, IB_API_BODY_TIMEOUT_MS: 30_000, IB_HTTP_HEADERS_TIMEOUT_MS: 20_000, IB_HTTP_KEEPALIVE_TIMEOUT_MS: 5_000, IB_DIST_DIR: ".next" });
  });

  it("parses numbers from their text", () => {
    expect(readEnv({ IB_API_BODY_TIMEOUT_MS: "1500", PORT: "8080" })).toMatchObject({ IB_API_BODY_TIMEOUT_MS: 1500, PORT: 8080 });
  });

  it("refuses a bad value with one line naming the variable, never echoing a URL that may hold a password", () => {
    const attempt = () => readEnv({ IB_API_MAX_INFLIGHT: "lots", DATABASE_URL: "mysql://user:secret@host/db" });
    expect(attempt).toThrow(ConfigError);
    let message = "";
    try {
      attempt();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split("\n")).toHaveLength(1);
    expect(message).toBe("invalid configuration: DATABASE_URL: must be a postgresql:// URL; IB_API_MAX_INFLIGHT: Invalid input: expected number, received NaN");
    expect(message).not.toContain("secret");
  });

  it("refuses a timeout outside its range and a build directory outside the checkout", () => {
    expect(() => readEnv({ IB_API_BODY_TIMEOUT_MS: "10" })).toThrow(/IB_API_BODY_TIMEOUT_MS/);
    expect(() => readEnv({ IB_DIST_DIR: "../elsewhere" })).toThrow("invalid configuration: IB_DIST_DIR: must be a directory name inside the checkout");
  });
});
