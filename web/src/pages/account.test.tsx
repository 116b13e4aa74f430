import { fireEvent, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AppShell } from "../components/Layout/AppShell";
import { i18n } from "../i18n";
import { LANGUAGE_STORAGE_KEY } from "../lib/language";
import { FakeWebSocket } from "../test/FakeWebSocket";
import { renderWithApp } from "../test/render";
import { AccountPage } from "./AccountPage";

beforeEach(() => FakeWebSocket.reset());
afterEach(() => vi.unstubAllGlobals());

describe("language switch", () => {
  it("switches the whole shell to Korean, sets <html lang> and remembers the choice", async () => {
    renderWithApp(
      <AppShell>
        <AccountPage />
      </AppShell>,
      { path: "/account" },
    );
    const select = screen.getByLabelText("Language") as HTMLSelectElement;
    expect(select.value).toBe("en");
    // Each language is named in itself.
    expect(within(select).getAllByRole("option").map((o) => o.textContent)).toEqual(["English", "한국어"]);

    fireEvent.change(select, { target: { value: "ko" } });
    await vi.waitFor(() => expect(screen.getByLabelText("언어")).toBeTruthy());
    const nav = screen.getByRole("navigation", { name: "주 메뉴" });
    expect(within(nav).getAllByRole("link").map((link) => link.textContent)).toEqual(["홈", "거래소", "일정", "지도", "거래 내역", "커뮤니티"]);
    expect(document.documentElement.lang).toBe("ko");
    expect(localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe("ko");

    fireEvent.change(screen.getByLabelText("언어"), { target: { value: "en" } });
    await vi.waitFor(() => expect(screen.getByRole("navigation", { name: "Main" })).toBeTruthy());
    expect(document.documentElement.lang).toBe("en");
  });

  it("falls back to English for strings Korean doesn't have yet", async () => {
    await i18n.changeLanguage("ko");
    expect(i18n.t("app.name")).toBe("PowerShare");
    expect(i18n.t("market.requests")).toBe("요청");
  });
});
