import { render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
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
});
