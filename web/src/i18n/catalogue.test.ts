/** Every key in both catalogues (a key missing from either fails), with the same placeholders. */
import { describe, expect, it } from "vitest";
import { resources } from ".";

// What the app loads: en.ts and ko.ts with the error texts (errors.*.ts) under `errors`.
const en = resources.en.translation;
const ko = resources.ko.translation;

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === "string") out.set(`${prefix}${key}`, value);
    else for (const [k, v] of leaves(value, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

const PLURAL = /_(zero|one|two|few|many|other)$/;

/**
 * Plural forms count as one key ("count"), since languages have different ones (English one and
 * other, Korean only other); each language must have exactly its own CLDR categories.
 */
function keysOf(catalogue: Tree, language: string): { keys: Set<string>; problems: string[] } {
  const categories = new Set<string>(new Intl.PluralRules(language).resolvedOptions().pluralCategories);
  const keys = new Set<string>();
  const forms = new Map<string, Set<string>>();
  for (const key of leaves(catalogue).keys()) {
    const plural = PLURAL.exec(key);
    if (!plural) {
      keys.add(key);
      continue;
    }
    const base = key.slice(0, plural.index);
    keys.add(base);
    forms.set(base, (forms.get(base) ?? new Set()).add(plural[1] as string));
  }
  const problems = [...forms].filter(([, found]) => [...categories].some((c) => !found.has(c))).map(([base]) => `${base}: plural forms`);
  return { keys, problems };
}

const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe("catalogues", () => {
  const english = keysOf(en as Tree, "en");
  const korean = keysOf(ko as Tree, "ko");

  it("have the same keys", () => {
    expect([...english.keys].filter((k) => !korean.keys.has(k)), "missing in ko").toEqual([]);
    expect([...korean.keys].filter((k) => !english.keys.has(k)), "missing in en").toEqual([]);
  });

  it("have every plural form their language uses", () => {
    expect(english.problems).toEqual([]);
    expect(korean.problems).toEqual([]);
  });

  it("use the same placeholders per key", () => {
    const koLeaves = leaves(ko as Tree);
    const differ = [...leaves(en as Tree)]
      .filter(([key]) => !PLURAL.test(key) && koLeaves.has(key))
      .filter(([key, text]) => placeholders(text).join() !== placeholders(koLeaves.get(key) as string).join())
      .map(([key]) => key);
    expect(differ).toEqual([]);
  });
});
