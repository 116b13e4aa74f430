// Generated from powershare_wire/site.py by `make schemas`; do not edit.
// The names, units and sign conventions of a site snapshot's values.

export const SITE_DEVICE = "site";

export type SiteNode = "pv" | "wind" | "battery" | "grid" | "home";
export type SiteNature = "power" | "flow" | "counter" | "state";

export interface SiteQuantity {
  name: string;
  unit: string;
  nature: SiteNature;
  /** What a value above 0 means. */
  positive: string;
  /** What a value below 0 means; null: never below 0. */
  negative: string | null;
  /** Flows: where the power comes from and goes to. */
  source: SiteNode | null;
  target: SiteNode | null;
  /** Counters: the powers whose sum they count over time, by its positive (1) or negative (-1) part. */
  integrates: readonly string[];
  sense: 1 | -1;
}

export const SITE_QUANTITIES = [
  {"name": "pv_w", "unit": "W", "nature": "power", "positive": "solar production", "negative": null, "source": null, "target": null, "integrates": [], "sense": 1},
  {"name": "wind_w", "unit": "W", "nature": "power", "positive": "wind production", "negative": null, "source": null, "target": null, "integrates": [], "sense": 1},
  {"name": "battery_w", "unit": "W", "nature": "power", "positive": "the battery discharges", "negative": "the battery charges", "source": null, "target": null, "integrates": [], "sense": 1},
  {"name": "grid_w", "unit": "W", "nature": "power", "positive": "import from the grid", "negative": "export to the grid", "source": null, "target": null, "integrates": [], "sense": 1},
  {"name": "load_w", "unit": "W", "nature": "power", "positive": "what the home uses", "negative": null, "source": null, "target": null, "integrates": [], "sense": 1},
  {"name": "soc_pct", "unit": "%", "nature": "state", "positive": "battery state of charge, capacity-weighted", "negative": null, "source": null, "target": null, "integrates": [], "sense": 1},
  {"name": "pv_to_home_w", "unit": "W", "nature": "flow", "positive": "solar feeds the home", "negative": null, "source": "pv", "target": "home", "integrates": [], "sense": 1},
  {"name": "pv_to_battery_w", "unit": "W", "nature": "flow", "positive": "solar feeds the battery", "negative": null, "source": "pv", "target": "battery", "integrates": [], "sense": 1},
  {"name": "pv_to_grid_w", "unit": "W", "nature": "flow", "positive": "solar feeds the grid", "negative": null, "source": "pv", "target": "grid", "integrates": [], "sense": 1},
  {"name": "wind_to_home_w", "unit": "W", "nature": "flow", "positive": "wind feeds the home", "negative": null, "source": "wind", "target": "home", "integrates": [], "sense": 1},
  {"name": "wind_to_battery_w", "unit": "W", "nature": "flow", "positive": "wind feeds the battery", "negative": null, "source": "wind", "target": "battery", "integrates": [], "sense": 1},
  {"name": "wind_to_grid_w", "unit": "W", "nature": "flow", "positive": "wind feeds the grid", "negative": null, "source": "wind", "target": "grid", "integrates": [], "sense": 1},
  {"name": "battery_to_home_w", "unit": "W", "nature": "flow", "positive": "the battery feeds the home", "negative": null, "source": "battery", "target": "home", "integrates": [], "sense": 1},
  {"name": "battery_to_grid_w", "unit": "W", "nature": "flow", "positive": "the battery feeds the grid", "negative": null, "source": "battery", "target": "grid", "integrates": [], "sense": 1},
  {"name": "grid_to_home_w", "unit": "W", "nature": "flow", "positive": "the grid feeds the home", "negative": null, "source": "grid", "target": "home", "integrates": [], "sense": 1},
  {"name": "grid_to_battery_w", "unit": "W", "nature": "flow", "positive": "the grid feeds the battery", "negative": null, "source": "grid", "target": "battery", "integrates": [], "sense": 1},
  {"name": "import_wh", "unit": "Wh", "nature": "counter", "positive": "energy imported", "negative": null, "source": null, "target": null, "integrates": ["grid_w"], "sense": 1},
  {"name": "export_wh", "unit": "Wh", "nature": "counter", "positive": "energy exported", "negative": null, "source": null, "target": null, "integrates": ["grid_w"], "sense": -1},
  {"name": "production_wh", "unit": "Wh", "nature": "counter", "positive": "energy produced, solar and wind", "negative": null, "source": null, "target": null, "integrates": ["pv_w", "wind_w"], "sense": 1},
  {"name": "wind_wh", "unit": "Wh", "nature": "counter", "positive": "energy produced by wind", "negative": null, "source": null, "target": null, "integrates": ["wind_w"], "sense": 1},
  {"name": "charge_wh", "unit": "Wh", "nature": "counter", "positive": "energy into the battery", "negative": null, "source": null, "target": null, "integrates": ["battery_w"], "sense": -1},
  {"name": "discharge_wh", "unit": "Wh", "nature": "counter", "positive": "energy out of the battery", "negative": null, "source": null, "target": null, "integrates": ["battery_w"], "sense": 1},
] as const satisfies readonly SiteQuantity[];

export type SiteQuantityName = (typeof SITE_QUANTITIES)[number]["name"];
export type FlowName = "pv_to_home_w" | "pv_to_battery_w" | "pv_to_grid_w" | "wind_to_home_w" | "wind_to_battery_w" | "wind_to_grid_w" | "battery_to_home_w" | "battery_to_grid_w" | "grid_to_home_w" | "grid_to_battery_w";

/** Every flow of the power balance, from one node to another. */
export const FLOW_EDGES: ReadonlyArray<{ name: FlowName; from: SiteNode; to: SiteNode }> = [
  { name: "pv_to_home_w", from: "pv", to: "home" },
  { name: "pv_to_battery_w", from: "pv", to: "battery" },
  { name: "pv_to_grid_w", from: "pv", to: "grid" },
  { name: "wind_to_home_w", from: "wind", to: "home" },
  { name: "wind_to_battery_w", from: "wind", to: "battery" },
  { name: "wind_to_grid_w", from: "wind", to: "grid" },
  { name: "battery_to_home_w", from: "battery", to: "home" },
  { name: "battery_to_grid_w", from: "battery", to: "grid" },
  { name: "grid_to_home_w", from: "grid", to: "home" },
  { name: "grid_to_battery_w", from: "grid", to: "battery" },
];
