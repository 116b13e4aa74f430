import { render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { i18n } from "../../i18n";
import { ErrorBoundary } from "./ErrorBoundary";

function Broken(): never {
  throw new Error("unexpected shape");
}

describe("ErrorBoundary", () => {
  it("shows the failure instead of a blank page, and recovers on navigation", () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const { rerender } = render(
      <ErrorBoundary resetKey="/market">
        <Broken />
      </ErrorBoundary>,
    );
    expect(screen.getByRole("alert").textContent).toContain("unexpected shape");
    rerender(
      <ErrorBoundary resetKey="/history">
        <p>history page</p>
      </ErrorBoundary>,
    );
    expect(screen.getByText("history page")).toBeTruthy();
  });

  it("says so in the chosen language", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    await i18n.changeLanguage("ko");
    render(
      <ErrorBoundary resetKey="/market">
        <Broken />
      </ErrorBoundary>,
    );
    expect(screen.getByText("이 페이지에서 문제가 발생했습니다.")).toBeTruthy();
    expect(screen.getByRole("button", { name: "다시 시도" })).toBeTruthy();
  });
});
