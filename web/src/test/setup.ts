import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";
import { i18n } from "../i18n";

afterEach(async () => {
  cleanup();
  // Tests may switch the language; each starts in English with nothing remembered.
  localStorage.clear();
  if (i18n.language !== "en") await i18n.changeLanguage("en");
});
