import { describe, expect, it } from "vitest";
import { decodePathParam } from "./url-state";

describe("decodePathParam", () => {
  it("decodes a percent-encoded segment to the name it stands for, slashes and markup included", () => {
    expect(decodePathParam("c0-%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E")).toBe("c0-<script>window.__xss=1</script>");
    expect(decodePathParam("a%2Fb%20c")).toBe("a/b c");
    expect(decodePathParam("%E2%80%AEevil")).toBe("\u202Eevil");
    expect(decodePathParam("plain-id")).toBe("plain-id");
  });

  it("is null for a segment no name can have: broken percent-encoding, a lone surrogate, a NUL", () => {
    expect(decodePathParam("100%")).toBeNull();
    expect(decodePathParam("%E2%80")).toBeNull();
    expect(decodePathParam("%ED%A0%80")).toBeNull();
    expect(decodePathParam("a%00b")).toBeNull();
  });
});
