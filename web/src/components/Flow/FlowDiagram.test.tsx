import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { reading } from "../../test/fixtures";
import { FlowDiagram, nodeCaption } from "./FlowDiagram";

describe("FlowDiagram", () => {
  it("draws each flow as an edge labelled with its watts", () => {
    render(
      <FlowDiagram
        title="Energy flow at alpha"
        reading={reading({ pv_w: 3000, load_w: 1000, battery_w: -800, grid_w: -1200, soc_pct: 64 })}
      />,
    );
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

  it.each([
    [{ grid_w: 500, battery_w: 900 }, "Importing", "Discharging"],
    [{ grid_w: 2, battery_w: -1 }, "Grid", "Battery"],
  ])("captions grid and battery for %o", (values, grid, battery) => {
    expect(nodeCaption("grid", reading(values))).toBe(grid);
    expect(nodeCaption("battery", reading(values))).toBe(battery);
  });

  it("is an accessible image that describes the flows in words", () => {
    render(<FlowDiagram title="Energy flow at alpha" reading={reading({ pv_w: 0, load_w: 1500, battery_w: 1000, grid_w: 500 })} />);
    const image = screen.getByRole("img");
    expect(image.getAttribute("aria-labelledby")).toBeTruthy();
    const desc = image.querySelector("desc")?.textContent ?? "";
    expect(desc).toContain("Battery to home: 1.00 kW");
    expect(desc).toContain("Grid to home: 500 W");
  });

  it("leaves out solar and battery at a meter-only site", () => {
    render(<FlowDiagram title="Energy flow at gamma" reading={reading({ grid_w: 420, load_w: 420 })} />);
    expect(screen.queryByTestId("flow-node-pv")).toBeNull();
    expect(screen.queryByTestId("flow-node-battery")).toBeNull();
    expect(screen.getByTestId("flow-grid_to_home_w-value").textContent).toBe("420 W");
    // No empty band where solar would be.
    expect(screen.getByTestId("flow-diagram").getAttribute("viewBox")).not.toMatch(/^0 0 /);
  });
});
