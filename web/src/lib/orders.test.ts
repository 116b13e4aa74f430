import { describe, expect, it } from "vitest";
import { isOpen, orderStatusLabel } from "./orders";

describe("orderStatusLabel", () => {
  it.each([
    ["open", "Waiting for a match"],
    ["OPEN", "Waiting for a match"],
    ["matched", "Matched"],
    ["cancelled", "Cancelled"],
    ["something-new", "something-new"],
    [undefined, undefined],
  ])("%s → %s", (status, label) => {
    expect(orderStatusLabel(status)).toBe(label);
  });

  it("knows an open order", () => {
    expect(isOpen("open")).toBe(true);
    expect(isOpen("matched")).toBe(false);
    expect(isOpen(undefined)).toBe(false);
  });
});
