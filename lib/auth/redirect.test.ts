import { describe, expect, it } from "vitest";
import { localPath, safeNext, signInPath } from "./redirect";

describe("the way back after signing in", () => {
  it("keeps a path of this app, with its query and fragment", () => {
    expect(safeNext("/projects/demo/cases?run=a&q=x#top")).toBe("/projects/demo/cases?run=a&q=x#top");
    expect(safeNext("/")).toBe("/");
  });

  it.each([
    "//evil.example",
    "//evil.example/projects",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    "evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "",
    "/" + "a".repeat(2001),
  ])("refuses %j", (value) => {
    expect(safeNext(value)).toBe("/");
  });

  it("does not lead back to the sign-in page itself", () => {
    expect(safeNext("/sign-in?next=%2Fx")).toBe("/");
    expect(localPath("/sign-in?link=invalid")).toBe("/sign-in?link=invalid");
  });

  it("names the way back in the sign-in address only when there is one", () => {
    expect(signInPath("/projects/demo?x=1")).toBe("/sign-in?next=%2Fprojects%2Fdemo%3Fx%3D1");
    expect(signInPath("//evil.example")).toBe("/sign-in");
    expect(signInPath(null)).toBe("/sign-in");
  });
});
