import { describe, expect, it } from "vitest";
import { asset } from "../test/fixtures";
import { equipmentOf, UNKNOWN_EQUIPMENT } from "./equipment";

describe("equipmentOf", () => {
  it.each([
    [[asset("solar")], { generation: true, solar: true, wind: false, battery: false, generationLabel: "Solar" }],
    [[asset("wind")], { generation: true, solar: false, wind: true, battery: false, generationLabel: "Wind" }],
    [[asset("solar"), asset("wind"), asset("battery")], { generation: true, solar: true, wind: true, battery: true, generationLabel: "Generation" }],
    [[asset("battery")], { generation: false, solar: false, wind: false, battery: true, generationLabel: "Solar" }],
  ])("%o → %o", (assets, expected) => {
    expect(equipmentOf({ assets, kind: "hybrid" })).toEqual(expected);
  });

  it("knows nothing when the hub declares no assets", () => {
    expect(equipmentOf({ kind: "hybrid" })).toBe(UNKNOWN_EQUIPMENT);
    // A site registered without assets (the hub's default kind is hybrid) is not known to be bare.
    expect(equipmentOf({ assets: [], kind: "hybrid" })).toBe(UNKNOWN_EQUIPMENT);
  });

  it("takes an empty list at its word for a consumer", () => {
    expect(equipmentOf({ assets: [], kind: "consumer" })).toEqual({ generation: false, solar: false, wind: false, battery: false, generationLabel: "Solar" });
  });
});
