import { act, render, screen, within } from "@testing-library/react";
import type { TFunction } from "i18next";
import { describe, expect, it } from "vitest";
import { en } from "../../i18n/en";
import { i18n } from "../../i18n";
import { ko } from "../../i18n/ko";
import { splitFlows } from "../../lib/flows";
import { reading } from "../../test/fixtures";
import { FlowDiagram, drawnFlows, nodeCaption } from "./FlowDiagram";
import { FlowList } from "./FlowList";

const t = i18n.t.bind(i18n) as TFunction;

/** A sunny afternoon as the agent reports it: powers and the flows it split them into. */
const SUNNY = {
  pv_w: 3000,
  load_w: 1000,
  battery_w: -800,
  grid_w: -1200,
  soc_pct: 64,
  pv_to_home_w: 1000,
  pv_to_battery_w: 800,
  pv_to_grid_w: 1200,
  battery_to_home_w: 0,
  battery_to_grid_w: 0,
  grid_to_home_w: 0,
  grid_to_battery_w: 0,
};

describe("FlowDiagram", () => {
  it("draws each flow as an edge labelled with its watts", () => {
    render(<FlowDiagram title="Energy flow at alpha" reading={reading(SUNNY)} />);
    expect(screen.getByTestId("flow-pv_to_home_w-value").textContent).toBe("1.00 kW");
    expect(screen.getByTestId("flow-pv_to_battery_w-value").textContent).toBe("800 W");
    expect(screen.getByTestId("flow-pv_to_grid_w-value").textContent).toBe("1.20 kW");
    expect(screen.getByTestId("flow-battery_to_home_w-value").textContent).toBe("0 W");
    expect(screen.getByTestId("flow-grid_to_home_w-value").textContent).toBe("0 W");
    expect(screen.getByTestId("flow-grid_to_battery_w-value").textContent).toBe("0 W");
    // Only flows carrying power are highlighted.
    expect(screen.getByTestId("flow-pv_to_grid_w").getAttribute("class")).toContain("flow__edge--active");
    expect(screen.getByTestId("flow-grid_to_home_w").getAttribute("class")).not.toContain("flow__edge--active");
    // Battery node shows the state of charge.
    expect(within(screen.getByTestId("flow-node-battery")).getByText("64%")).toBeTruthy();
    // Grid and battery nodes say which way the power goes.
    expect(within(screen.getByTestId("flow-node-grid")).getByText("Exporting")).toBeTruthy();
    expect(within(screen.getByTestId("flow-node-battery")).getByText("Charging")).toBeTruthy();
  });

  it("draws the battery's export to the grid on the line grid → battery uses otherwise (#10)", () => {
    const exporting = reading({ pv_w: 0, load_w: 1000, battery_w: 3000, grid_w: -2000, battery_to_home_w: 1000, battery_to_grid_w: 2000, grid_to_battery_w: 0 });
    render(<FlowDiagram title="Energy flow at alpha" reading={exporting} />);
    expect(screen.getByTestId("flow-battery_to_grid_w-value").textContent).toBe("2.00 kW");
    expect(screen.queryByTestId("flow-grid_to_battery_w")).toBeNull();
    // When neither carries power, the line is grid → battery's.
    expect(drawnFlows(splitFlows(reading(SUNNY)).flows).map((f) => f.name)).not.toContain("battery_to_grid_w");
  });

  it("gives wind its own node and edges when the site reports it apart", () => {
    const windy = reading({ pv_w: 1000, wind_w: 2000, load_w: 1500, grid_w: -1500, pv_to_home_w: 1000, wind_to_home_w: 500, wind_to_grid_w: 1500 });
    render(<FlowDiagram title="Energy flow at farm" reading={windy} />);
    expect(within(screen.getByTestId("flow-node-wind")).getByText("Wind")).toBeTruthy();
    expect(screen.getByTestId("flow-node-wind-value").textContent).toBe("2.00 kW");
    expect(within(screen.getByTestId("flow-node-pv")).getByText("Solar")).toBeTruthy();
    expect(screen.getByTestId("flow-wind_to_grid_w-value").textContent).toBe("1.50 kW");
    expect(screen.getByTestId("flow-wind_to_grid_w").getAttribute("class")).toContain("flow__edge--wind");
  });

  it.each([
    [{ grid_w: 500, battery_w: 900 }, "Importing", "Discharging"],
    [{ grid_w: 2, battery_w: -1 }, "Grid", "Battery"],
  ])("captions grid and battery for %o", (values, grid, battery) => {
    expect(nodeCaption(t, "grid", reading(values))).toBe(grid);
    expect(nodeCaption(t, "battery", reading(values))).toBe(battery);
  });

  it("is an accessible image that describes the flows in words", () => {
    render(
      <FlowDiagram
        title="Energy flow at alpha"
        reading={reading({ pv_w: 0, load_w: 1500, battery_w: 1000, grid_w: 500, battery_to_home_w: 1000, grid_to_home_w: 500 })}
      />,
    );
    const image = screen.getByRole("img");
    expect(image.getAttribute("aria-labelledby")).toBeTruthy();
    const desc = image.querySelector("desc")?.textContent ?? "";
    expect(desc).toContain("Battery → Home: 1.00 kW");
    expect(desc).toContain("Grid → Home: 500 W");
  });

  it("leaves out solar and battery at a meter-only site", () => {
    render(<FlowDiagram title="Energy flow at gamma" reading={reading({ grid_w: 420, load_w: 420, grid_to_home_w: 420 })} />);
    expect(screen.queryByTestId("flow-node-pv")).toBeNull();
    expect(screen.queryByTestId("flow-node-battery")).toBeNull();
    expect(screen.getByTestId("flow-grid_to_home_w-value").textContent).toBe("420 W");
    // No empty band where solar would be.
    expect(screen.getByTestId("flow-diagram").getAttribute("viewBox")).not.toMatch(/^0 0 /);
  });

  it("speaks Korean", async () => {
    await act(() => i18n.changeLanguage("ko"));
    render(<FlowList reading={reading(SUNNY)} />);
    expect(screen.getByTestId("flow-list-pv_to_grid_w").textContent).toBe("태양광 → 전력망1.20 kW");
  });
});

describe("flow and energy catalogues", () => {
  const keys = (tree: object, prefix = ""): string[] =>
    Object.entries(tree).flatMap(([key, value]) =>
      typeof value === "object" && value !== null ? keys(value, `${prefix}${key}.`) : [`${prefix}${key}`],
    );

  it("has every English text in Korean too", () => {
    expect(keys({ flow: ko.flow, energy: ko.energy })).toEqual(keys({ flow: en.flow, energy: en.energy }));
  });
});
