import { describe, expect, it } from "vitest";
import type { GeoPoint } from "../api/types";
import { asset, site } from "../test/fixtures";
import { createI18n } from "../i18n";
import { byDistance, clusterDescription, clusterLabel, clusterProviders, type Located, type Phrase } from "./clusters";
import { toProvider } from "./providers";

function at(name: string, lat: number, lon: number, mine = false): Located {
  const location: GeoPoint = { lat, lon };
  return { provider: toProvider({ ...site(name, null), mine, location, assets: [asset("solar")] }), at: location };
}

const shape = (located: Located[]) => clusterProviders(located).map((c) => c.providers.map((p) => p.site.site));

describe("clusterProviders", () => {
  it.each<[string, Located[], string[][]]>([
    ["nothing", [], []],
    ["one provider", [at("a", 51.33, 9.17)], [["a"]]],
    [
      "neighbours at the same rounded point share a marker",
      [at("b", 51.33, 9.17), at("a", 51.33, 9.17), at("c", 51.33, 9.17)],
      [["a", "b", "c"]],
    ],
    [
      "float noise still counts as the same point",
      [at("a", 51.33, 9.17), at("b", 51.330000000001, 9.169999999999)],
      [["a", "b"]],
    ],
    [
      "neighbouring grid points stay apart",
      [at("a", 51.33, 9.17), at("b", 51.33, 9.18), at("c", 51.34, 9.17)],
      [["a"], ["b"], ["c"]],
    ],
    [
      "bigger groups come first",
      [at("x", 51.34, 9.15), at("a", 51.33, 9.17), at("b", 51.33, 9.17)],
      [["a", "b"], ["x"]],
    ],
    [
      "an own site never merges with neighbours, and comes first",
      [at("n1", 51.33, 9.17), at("n2", 51.33, 9.17), at("own", 51.33, 9.17, true)],
      [["own"], ["n1", "n2"]],
    ],
    [
      "own sites at distinct exact points stay apart",
      [at("p", 51.3282, 9.1655, true), at("q", 51.3259, 9.1623, true)],
      [["p"], ["q"]],
    ],
  ])("%s", (_name, located, expected) => {
    expect(shape(located)).toEqual(expected);
  });

  it("keeps the shared point and gives each group its own key", () => {
    const clusters = clusterProviders([at("a", 51.33, 9.17), at("b", 51.33, 9.17), at("c", 51.33, 9.18)]);
    expect(clusters[0]?.at).toEqual({ lat: 51.33, lon: 9.17 });
    expect(new Set(clusters.map((c) => c.key)).size).toBe(2);
  });
});

const english = createI18n("en");
const korean = createI18n("ko");
const say = (phrase: Phrase, i18n = english) => i18n.t(phrase.key, phrase.values);

describe("cluster labels", () => {
  it("counts a group and names a single site", () => {
    const [group, single] = clusterProviders([at("a", 1, 1), at("b", 1, 1), at("c", 1, 1), at("d", 1, 1), at("e", 2, 2)]);
    expect(say(clusterLabel(group!))).toBe("4 providers");
    expect(say(clusterDescription(group!))).toBe("4 providers in this area (locations are rounded): a, b, c, d");
    expect(say(clusterLabel(single!))).toBe("e");
    expect(say(clusterLabel(group!), korean)).toBe("공급자 4곳");
  });

  it("marks own sites", () => {
    const [own] = clusterProviders([at("home", 1, 1, true)]);
    expect(say(clusterLabel(own!))).toBe("home (yours)");
    expect(say(clusterDescription(own!))).toBe("home, your site");
    expect(say(clusterDescription(own!), korean)).toBe("home, 내 사이트");
  });
});

describe("clusterLabel for admins", () => {
  it("can leave out '(yours)' when every site is one's own", () => {
    const [own] = clusterProviders([at("home", 1, 1, true)]);
    expect(say(clusterLabel(own!, false))).toBe("home");
  });
});

describe("byDistance", () => {
  it("keeps own sites first, then the nearest neighbours, unknown distances last", () => {
    const clusters = clusterProviders([at("far", 1, 3), at("home", 1, 1, true), at("near", 1, 2), at("lost", 5, 5)]);
    const km: Record<string, number | null> = { "1,3": 20, "1,2": 3, "5,5": null };
    const sorted = byDistance(clusters, (p) => km[`${p.lat},${p.lon}`] ?? null);
    expect(sorted.map((c) => c.providers[0]?.site.site)).toEqual(["home", "near", "far", "lost"]);
  });
});
