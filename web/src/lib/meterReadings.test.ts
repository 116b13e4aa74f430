import { describe, expect, it } from "vitest";
import { equipmentOf, UNKNOWN_EQUIPMENT } from "./equipment";
import { checkReading, counterForm, neighboursIn, readingBody, type MeterReading } from "./meterReadings";

const at = (id: number, read_at: string, import_wh: number, more: Partial<MeterReading> = {}): MeterReading => ({
  id,
  read_at,
  import_wh,
  export_wh: 0,
  recorded_at: read_at,
  ...more,
});
const solar = { kind: "solar" as const, power_kw: 5 };
const wind = { kind: "wind" as const, power_kw: 3 };

describe("the counters a site's form asks for", () => {
  it.each([
    ["a consumer", equipmentOf({ assets: [], kind: "consumer" }), "consumer", ["import_wh", "export_wh"], "meterReadings.production_wh"],
    ["solar", equipmentOf({ assets: [solar], kind: "hybrid" }), "hybrid", ["import_wh", "export_wh", "production_wh"], "meterReadings.production_wh_solar"],
    ["wind alone", equipmentOf({ assets: [wind], kind: "provider" }), "provider", ["import_wh", "export_wh", "production_wh"], "meterReadings.production_wh_wind"],
    ["solar and wind", equipmentOf({ assets: [solar, wind], kind: "hybrid" }), "hybrid", ["import_wh", "export_wh", "production_wh", "wind_wh"], "meterReadings.production_wh"],
    // Assets not declared yet: a provider still generates.
    ["an undeclared provider", UNKNOWN_EQUIPMENT, "provider", ["import_wh", "export_wh", "production_wh"], "meterReadings.production_wh"],
  ])("%s", (_name, equipment, kind, counters, label) => {
    const form = counterForm(equipment, kind, []);
    expect(form.counters).toEqual(counters);
    expect(form.productionLabel).toBe(label);
  });

  it("keeps asking for a counter a past reading has, whatever the site now declares", () => {
    const past = [at(1, "2026-03-01T08:00:00Z", 10, { production_wh: 5, wind_wh: 2 })];
    expect(counterForm(UNKNOWN_EQUIPMENT, undefined, past).counters).toEqual(["import_wh", "export_wh", "production_wh", "wind_wh"]);
  });

  it("sends a wind turbine's counter as both production and wind", () => {
    const form = counterForm(equipmentOf({ assets: [wind], kind: "provider" }), "provider", []);
    expect(readingBody("2026-03-01T08:00:00Z", { import_wh: 1, export_wh: 2, production_wh: 3, wind_wh: 0 }, form)).toEqual({
      read_at: "2026-03-01T08:00:00Z",
      import_wh: 1,
      export_wh: 2,
      production_wh: 3,
      wind_wh: 3,
    });
  });
});

describe("a reading between its neighbours", () => {
  const list = [at(3, "2026-03-03T08:00:00Z", 300), at(2, "2026-03-02T08:00:00Z", 200), at(1, "2026-03-01T08:00:00Z", 100)];

  it("finds the readings either side in the hub's newest-first list", () => {
    expect(neighboursIn(list, 2)).toEqual({ previous: list[2], next: list[0] });
    expect(neighboursIn(list, 3)).toEqual({ previous: list[1], next: undefined });
    expect(neighboursIn(list)).toEqual({ previous: list[0] });
  });

  it("is refused before the previous one, after the next one, or outside their counters", () => {
    const around = neighboursIn(list, 2);
    const check = (readAt: string, import_wh: number) => checkReading(readAt, { import_wh, export_wh: 0 }, ["import_wh", "export_wh"], around, "en");
    expect(check("2026-03-02T09:00:00Z", 250)).toEqual({});
    expect(check("2026-03-01T08:00:00Z", 250).read_at?.key).toBe("meterReadings.errors.notAfter");
    expect(check("2026-03-03T08:00:00Z", 250).read_at?.key).toBe("meterReadings.errors.notBefore");
    expect(check("2026-03-02T09:00:00Z", 99).import_wh).toEqual({ key: "meterReadings.errors.backwards", values: { previous: "0.1 kWh" } });
    expect(check("2026-03-02T09:00:00Z", 301).import_wh).toEqual({ key: "meterReadings.errors.aboveNext", values: { next: "0.3 kWh" } });
  });

  it("lets a production counter stay empty, but not the whole production beside its wind part", () => {
    const asked = ["import_wh", "export_wh", "production_wh", "wind_wh"] as const;
    const check = (more: object) => checkReading("2026-03-02T09:00:00Z", { import_wh: 250, export_wh: 0, ...more }, asked, neighboursIn(list, 2), "en");
    expect(check({})).toEqual({});
    expect(check({ production_wh: null })).toEqual({ production_wh: { key: "meterReadings.errors.kwh" } });
    expect(check({ wind_wh: 5 })).toEqual({ production_wh: { key: "meterReadings.errors.productionWithWind" } });
    expect(check({ production_wh: 4, wind_wh: 5 }).wind_wh?.key).toBe("meterReadings.errors.windAboveProduction");
  });
});
