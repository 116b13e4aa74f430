import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { i18n } from "../../i18n";
import { asset, json, site } from "../../test/fixtures";
import { renderWithApp } from "../../test/render";
import { MeterReadings } from "./MeterReadings";

const PREVIOUS = { id: 1, read_at: "2026-03-01T08:00:00Z", import_wh: 1_000_000, export_wh: 20_000, recorded_at: "2026-03-01T08:01:00Z" };

afterEach(async () => {
  vi.unstubAllGlobals();
  await i18n.changeLanguage("en");
});

function fill(when: string, importKwh: string, exportKwh: string) {
  fireEvent.change(screen.getByLabelText("Read at"), { target: { value: when } });
  fireEvent.change(screen.getByLabelText("Imported from the grid (kWh)"), { target: { value: importKwh } });
  fireEvent.change(screen.getByLabelText("Exported to the grid (kWh)"), { target: { value: exportKwh } });
}

describe("meter readings entered by hand", () => {
  it("sends the counters as whole Wh with the time read, and lists the readings entered", async () => {
    const sent: unknown[] = [];
    const { fetchMock } = renderWithApp(<MeterReadings site="alpha" />, {
      routes: {
        "/api/sites/alpha/meter-readings": [PREVIOUS],
        "POST /api/sites/alpha/meter-readings": (init) => {
          sent.push(JSON.parse(String(init?.body)));
          return json({ ...PREVIOUS, read_at: "2026-03-02T08:00:00Z", import_wh: 1_012_345, export_wh: 20_500 }, 201);
        },
      },
    });
    expect(await screen.findByText("1,000 kWh")).toBeTruthy();

    fill("2026-03-02T09:00", "1012.345", "20.5");
    fireEvent.click(screen.getByRole("button", { name: "Save reading" }));

    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({ read_at: new Date("2026-03-02T09:00").toISOString(), import_wh: 1_012_345, export_wh: 20_500 });
    // The list is fetched again once the hub has stored it.
    await waitFor(() => expect(fetchMock.mock.calls.filter(([url]) => url === "/api/sites/alpha/meter-readings")).toHaveLength(3));
  });

  it("refuses a counter lower than the previous reading before asking the hub, naming the previous value", async () => {
    const { fetchMock } = renderWithApp(<MeterReadings site="alpha" />, { routes: { "/api/sites/alpha/meter-readings": [PREVIOUS] } });
    await screen.findByText("1,000 kWh");

    fill("2026-03-02T09:00", "999", "20.5");
    fireEvent.click(screen.getByRole("button", { name: "Save reading" }));

    expect(await screen.findByText("Lower than the previous reading (1,000 kWh); a meter's counter only grows.")).toBeTruthy();
    expect(fetchMock.mock.calls.some(([, init]) => (init as RequestInit | undefined)?.method === "POST")).toBe(false);
  });

  it("shows the hub's refusal next to its field, in Korean when Korean is chosen", async () => {
    await i18n.changeLanguage("ko");
    renderWithApp(<MeterReadings site="alpha" />, {
      routes: {
        "/api/sites/alpha/meter-readings": [],
        "POST /api/sites/alpha/meter-readings": () =>
          json({ detail: [{ loc: ["body", "read_at"], msg: "2026-03-02T09:00:00+00:00 is in the future", type: "reading_in_the_future" }] }, 422),
      },
    });
    expect(await screen.findByText("아직 입력한 검침이 없습니다.")).toBeTruthy();

    fireEvent.change(screen.getByLabelText("검침 시각"), { target: { value: "2099-03-02T09:00" } });
    fireEvent.change(screen.getByLabelText("전력망에서 받은 양 (kWh)"), { target: { value: "5" } });
    fireEvent.change(screen.getByLabelText("전력망으로 보낸 양 (kWh)"), { target: { value: "0" } });
    fireEvent.click(screen.getByRole("button", { name: "검침 저장" }));

    // Worded from the hub's code, in the chosen language.
    const error = await screen.findByText("미래의 시각입니다. 계량기를 읽은 시각을 입력하세요.");
    expect(error.closest(".field")?.querySelector("input")?.getAttribute("aria-invalid")).toBe("true");
  });

  it("asks a solar site for its production counter too, and a consumer's for import and export only", async () => {
    const sent: unknown[] = [];
    renderWithApp(<MeterReadings site="alpha" />, {
      routes: {
        "/api/sites": [{ ...site("alpha", null), kind: "hybrid", assets: [asset("solar", 5)] }],
        "/api/sites/alpha/meter-readings": [{ ...PREVIOUS, production_wh: 300_000 }],
        "POST /api/sites/alpha/meter-readings": (init) => {
          sent.push(JSON.parse(String(init?.body)));
          return json({ ...PREVIOUS, id: 2 }, 201);
        },
      },
    });
    const production = await screen.findByLabelText("Produced by the solar panels (kWh)");
    fill("2026-03-02T09:00", "1001", "20.5");
    fireEvent.change(production, { target: { value: "299.5" } });
    fireEvent.click(screen.getByRole("button", { name: "Save reading" }));
    expect(await screen.findByText("Lower than the previous reading (300 kWh); a meter's counter only grows.")).toBeTruthy();

    fireEvent.change(production, { target: { value: "302.25" } });
    fireEvent.click(screen.getByRole("button", { name: "Save reading" }));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toMatchObject({ import_wh: 1_001_000, export_wh: 20_500, production_wh: 302_250 });
    expect(sent[0]).not.toHaveProperty("wind_wh");
  });

  it("sends no production counter when the owner has no generation meter and leaves it empty", async () => {
    const sent: unknown[] = [];
    renderWithApp(<MeterReadings site="alpha" />, {
      routes: {
        "/api/sites": [{ ...site("alpha", null), assets: [asset("solar", 5)] }],
        "/api/sites/alpha/meter-readings": [PREVIOUS],
        "POST /api/sites/alpha/meter-readings": (init) => {
          sent.push(JSON.parse(String(init?.body)));
          return json({ ...PREVIOUS, id: 2 }, 201);
        },
      },
    });
    expect(await screen.findByText("Leave empty if the site has no meter for it.")).toBeTruthy();
    fill("2026-03-02T09:00", "1001", "20.5");
    fireEvent.click(screen.getByRole("button", { name: "Save reading" }));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({ read_at: new Date("2026-03-02T09:00").toISOString(), import_wh: 1_001_000, export_wh: 20_500 });
  });

  it("leaves production out for a consumer", async () => {
    renderWithApp(<MeterReadings site="alpha" />, {
      routes: { "/api/sites": [{ ...site("alpha", null), kind: "consumer", assets: [] }], "/api/sites/alpha/meter-readings": [PREVIOUS] },
    });
    await screen.findByText("1,000 kWh");
    expect(screen.getByLabelText("Imported from the grid (kWh)")).toBeTruthy();
    expect(screen.queryByLabelText(/Produced/)).toBeNull();
  });

  it("asks a solar and wind site for the wind part apart, never more than the whole, in Korean too", async () => {
    await i18n.changeLanguage("ko");
    const { fetchMock } = renderWithApp(<MeterReadings site="alpha" />, {
      routes: { "/api/sites": [{ ...site("alpha", null), assets: [asset("solar", 5), asset("wind", 3)] }], "/api/sites/alpha/meter-readings": [] },
    });
    fireEvent.change(await screen.findByLabelText("발전량, 태양광과 풍력 합계 (kWh)"), { target: { value: "10" } });
    fireEvent.change(screen.getByLabelText("그중 풍력 (kWh)"), { target: { value: "11" } });
    fireEvent.change(screen.getByLabelText("전력망에서 받은 양 (kWh)"), { target: { value: "5" } });
    fireEvent.change(screen.getByLabelText("전력망으로 보낸 양 (kWh)"), { target: { value: "0" } });
    fireEvent.click(screen.getByRole("button", { name: "검침 저장" }));
    expect(await screen.findByText("전체 발전량(10 kWh)보다 많습니다.")).toBeTruthy();
    expect(fetchMock.mock.calls.some(([, init]) => (init as RequestInit | undefined)?.method === "POST")).toBe(false);
  });

  it("sends a wind turbine's counter as the whole production and as its wind part", async () => {
    const sent: unknown[] = [];
    renderWithApp(<MeterReadings site="alpha" />, {
      routes: {
        "/api/sites": [{ ...site("alpha", null), kind: "provider", assets: [asset("wind", 3)] }],
        "/api/sites/alpha/meter-readings": [],
        "POST /api/sites/alpha/meter-readings": (init) => {
          sent.push(JSON.parse(String(init?.body)));
          return json({ ...PREVIOUS, id: 2 }, 201);
        },
      },
    });
    fireEvent.change(await screen.findByLabelText("Produced by the wind turbine (kWh)"), { target: { value: "7.5" } });
    fill("2026-03-02T09:00", "0", "7");
    expect(screen.queryByLabelText("Of which wind (kWh)")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Save reading" }));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toMatchObject({ production_wh: 7_500, wind_wh: 7_500 });
  });
});

const OLDER = { id: 1, read_at: "2026-03-01T08:00:00Z", import_wh: 1_000_000, export_wh: 20_000, recorded_at: "2026-03-01T08:01:00Z" };
const NEWER = { id: 2, read_at: "2026-03-03T08:00:00Z", import_wh: 1_020_000, export_wh: 21_000, recorded_at: "2026-03-03T08:01:00Z" };

describe("correcting a hand-entered reading", () => {
  it("fills the form with the reading, checks it against both neighbours, and replaces it", async () => {
    const sent: unknown[] = [];
    const middle = { id: 7, read_at: "2026-03-02T08:00:00Z", import_wh: 1_050_000, export_wh: 20_500, recorded_at: "2026-03-02T08:01:00Z" };
    const { fetchMock } = renderWithApp(<MeterReadings site="alpha" />, {
      routes: {
        "/api/sites/alpha/meter-readings": [NEWER, middle, OLDER],
        "PUT /api/sites/alpha/meter-readings/7": (init) => {
          sent.push(JSON.parse(String(init?.body)));
          return json({ ...middle, import_wh: 1_010_000 });
        },
      },
    });
    await screen.findByText("1,050 kWh");
    const row = screen.getByTestId("meter-reading-7");
    fireEvent.click(within(row).getByRole("button", { name: /^Correct the reading of/ }));

    const form = screen.getByRole("form", { name: /^Correcting the reading of/ });
    const imported = within(form).getByLabelText("Imported from the grid (kWh)") as HTMLInputElement;
    expect(imported.value).toBe("1050");
    // 1 050 kWh is above the next reading's 1 020 kWh: the typo the owner came to fix.
    fireEvent.click(within(form).getByRole("button", { name: "Save correction" }));
    expect(await within(form).findByText("Higher than the next reading (1,020 kWh); a meter's counter only grows.")).toBeTruthy();
    expect(fetchMock.mock.calls.some(([, init]) => (init as RequestInit | undefined)?.method === "PUT")).toBe(false);

    fireEvent.change(imported, { target: { value: "1010" } });
    fireEvent.click(within(form).getByRole("button", { name: "Save correction" }));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({ read_at: "2026-03-02T08:00:00.000Z", import_wh: 1_010_000, export_wh: 20_500 });
    expect((await screen.findByRole("status")).textContent).toContain("settled again");
    // Back to a form for a new reading.
    expect(screen.getByRole("button", { name: "Save reading" })).toBeTruthy();
  });

  it("deletes a reading once confirmed, and the list is fetched again", async () => {
    let deleted = 0;
    const { fetchMock } = renderWithApp(<MeterReadings site="alpha" />, {
      routes: {
        "/api/sites/alpha/meter-readings": [NEWER, OLDER],
        "DELETE /api/sites/alpha/meter-readings/2": () => {
          deleted += 1;
          return new Response(null, { status: 204 });
        },
      },
    });
    await screen.findByText("1,020 kWh");
    fireEvent.click(within(screen.getByTestId("meter-reading-2")).getByRole("button", { name: /^Delete the reading of/ }));
    expect(deleted).toBe(0);
    fireEvent.click(within(screen.getByTestId("meter-reading-2")).getByRole("button", { name: "Delete reading" }));
    await waitFor(() => expect(deleted).toBe(1));
    expect((await screen.findByRole("status")).textContent).toBe(
      "Reading deleted. The intervals it covered are settled again; your bill shows the change as a correction.",
    );
    await waitFor(() => expect(fetchMock.mock.calls.filter(([url]) => url === "/api/sites/alpha/meter-readings")).toHaveLength(2));
  });

  it("says in words when the hub no longer has the reading", async () => {
    renderWithApp(<MeterReadings site="alpha" />, {
      routes: {
        "/api/sites/alpha/meter-readings": [NEWER, OLDER],
        "DELETE /api/sites/alpha/meter-readings/2": () =>
          json({ detail: "meter reading 2 of site 'alpha' not found", code: "meter_reading_not_found", ctx: { reading: 2, site: "alpha" } }, 404),
      },
    });
    const row = await screen.findByTestId("meter-reading-2");
    fireEvent.click(within(row).getByRole("button", { name: /^Delete the reading of/ }));
    fireEvent.click(within(row).getByRole("button", { name: "Delete reading" }));
    expect((await screen.findByRole("alert")).textContent).toBe("This meter reading was not found.");
  });

  it("offers the correction in Korean", async () => {
    await i18n.changeLanguage("ko");
    renderWithApp(<MeterReadings site="alpha" />, { routes: { "/api/sites/alpha/meter-readings": [NEWER, OLDER] } });
    const row = await screen.findByTestId("meter-reading-2");
    fireEvent.click(within(row).getByRole("button", { name: /검침 삭제$/ }));
    expect(within(row).getByText("이 검침을 삭제할까요?")).toBeTruthy();
    expect(within(row).getByRole("button", { name: "취소" })).toBeTruthy();
  });
});
