/** The sign-in screen in the chosen language, and the hub's refusals beside the field they concern. */
import { fireEvent, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createI18n, i18n } from "../../i18n";
import { LANGUAGE_STORAGE_KEY } from "../../lib/language";
import { englishLeft } from "../../test/englishLeft";
import { json } from "../../test/fixtures";
import { renderApp } from "../../test/render";

afterEach(() => vi.unstubAllGlobals());

// What the hub answers a password of five characters (pydantic's own code, with its value).
const TOO_SHORT = {
  detail: [
    {
      loc: ["body", "password"],
      msg: "String should have at least 8 characters",
      type: "string_too_short",
      ctx: { min_length: 8 },
    },
  ],
};

function fill(label: RegExp, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

/** The screen's words a test acts on, as a resident reads them in each language. */
const WORDS = {
  en: { toRegister: "Create an account", register: "Create your account", signIn: "Sign in", email: "Email", password: "Password" },
  ko: { toRegister: "회원가입", register: "계정 만들기", signIn: "로그인", email: "이메일", password: "비밀번호" },
};
type Words = (typeof WORDS)[keyof typeof WORDS];

const signedOut = { "/api/session": () => json({ user: null }) };

async function registerWithShortPassword(words: Words = WORDS.en) {
  const app = renderApp({ routes: { ...signedOut, "POST /api/auth/register": () => json(TOO_SHORT, 422) } });
  fireEvent.click(await screen.findByRole("button", { name: words.toRegister }));
  fill(new RegExp(`^${words.email}`), "ada@example.org");
  fill(new RegExp(`^${words.password}`), "short");
  fireEvent.click(screen.getByRole("button", { name: words.register }));
  return app;
}

/** The error text the password field points to (aria-describedby). */
function passwordError(words: Words = WORDS.en): string | null {
  const input = screen.getByLabelText(new RegExp(`^${words.password}`));
  const ids = (input.getAttribute("aria-describedby") ?? "").split(" ");
  const error = ids.map((id) => document.getElementById(id)).find((node) => node?.classList.contains("field__error"));
  return error?.textContent ?? null;
}

describe("sign-up refused by the hub", () => {
  it("says why beside the password, in words instead of the validator's", async () => {
    await registerWithShortPassword();
    expect(await screen.findByText("At least 8 characters.")).toBeTruthy();
    expect(passwordError()).toBe("At least 8 characters.");
    expect(screen.getByLabelText(/^password/i).getAttribute("aria-invalid")).toBe("true");
    expect(screen.queryByText("String should have at least 8 characters")).toBeNull();
  });

  it("asks the hub for no community to word it, which would answer a signed-out visitor 401", async () => {
    const { fetchMock } = await registerWithShortPassword();
    await screen.findByText("At least 8 characters.");
    expect(fetchMock.mock.calls.map(([input]) => String(input))).not.toContain("/api/communities");
  });

  it("says it in Korean when Korean is chosen", async () => {
    await i18n.changeLanguage("ko");
    await registerWithShortPassword(WORDS.ko);
    expect(await screen.findByText("8자 이상 입력하세요.")).toBeTruthy();
    expect(passwordError(WORDS.ko)).toBe("8자 이상 입력하세요.");
  });

  it("words a refusal about no field, such as too many sign-ins", async () => {
    await i18n.changeLanguage("ko");
    renderApp({
      routes: {
        "/api/session": () => json({ user: null }),
        "POST /api/auth/login": () =>
          json({ detail: "too many failed sign-ins; try again in 30 s", code: "rate_limited", ctx: { retry_after: 30 } }, 429),
      },
    });
    await screen.findByRole("heading", { name: "로그인" });
    fill(/^이메일/, "ada@example.org");
    fill(/^비밀번호/, "whatever it is");
    fireEvent.click(screen.getByRole("button", { name: "로그인" }));
    expect((await screen.findByRole("alert")).textContent).toBe("시도 횟수가 너무 많습니다. 30초 후에 다시 시도하세요.");
  });
});

describe("the sign-in screen's language", () => {
  it("reads wholly in Korean when Korean is chosen, the sign-up form included", async () => {
    await i18n.changeLanguage("ko");
    const { container } = renderApp({ routes: signedOut });
    expect(await screen.findByRole("heading", { name: "로그인" })).toBeTruthy();
    expect(screen.getByText("이웃과 에너지를 나누고, 에너지가 흐르는 모습을 실시간으로 확인하세요.")).toBeTruthy();
    expect(screen.getByRole("button", { name: "로그인" })).toBeTruthy();
    expect(englishLeft(container)).toEqual([]);

    fireEvent.click(screen.getByRole("button", { name: "회원가입" }));
    expect(await screen.findByRole("heading", { name: "계정 만들기" })).toBeTruthy();
    for (const label of ["이름", "이메일", "비밀번호", "커뮤니티 (선택)", "초대 코드 (선택)"]) expect(screen.getByLabelText(label)).toBeTruthy();
    expect(screen.getByText("입력하면 바로 커뮤니티에 가입됩니다.")).toBeTruthy();
    expect(englishLeft(container)).toEqual([]);
  });

  it("is chosen on the screen itself and remembered for the next visit", async () => {
    const first = renderApp({ routes: signedOut });
    const picker = (await screen.findByLabelText("Language")) as HTMLSelectElement;
    expect(picker.value).toBe("en");
    fireEvent.change(picker, { target: { value: "ko" } });
    expect(await screen.findByRole("heading", { name: "로그인" })).toBeTruthy();
    expect((screen.getByLabelText("언어") as HTMLSelectElement).value).toBe("ko");
    expect(document.documentElement.lang).toBe("ko");
    expect(localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe("ko");
    first.unmount();

    // The next visit starts from what was remembered, whatever the browser's language.
    expect(createI18n().language).toBe("ko");
  });
});
