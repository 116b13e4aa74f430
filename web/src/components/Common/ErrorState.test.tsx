/** A page that could not load says why in the chosen language, from the hub's code. */
import { screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { i18n } from "../../i18n";
import { HistoryPage } from "../../pages/HistoryPage";
import { FakeWebSocket } from "../../test/FakeWebSocket";
import { json } from "../../test/fixtures";
import { renderWithApp } from "../../test/render";

beforeEach(() => FakeWebSocket.reset());
afterEach(() => vi.unstubAllGlobals());

describe("a page that could not load", () => {
  it("words the hub's refusal in Korean", async () => {
    await i18n.changeLanguage("ko");
    renderWithApp(<HistoryPage />, {
      routes: { "/api/transactions": () => json({ detail: "internal error", code: "hub_failed", ctx: {} }, 500) },
    });
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("허브에서 문제가 생겼습니다. 잠시 후 다시 시도하세요.");
    expect(alert.textContent).not.toContain("internal error");
  });

  it("says the hub was not reached when no answer came", async () => {
    await i18n.changeLanguage("ko");
    renderWithApp(<HistoryPage />, { fetch: vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))) });
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("허브에 연결할 수 없습니다.");
    expect(alert.textContent).not.toContain("Failed to fetch");
  });
});
