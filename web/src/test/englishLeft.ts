/**
 * English left on a screen meant to be in another language: the Latin-script words of its text
 * and of the labels read aloud (aria-label, title, placeholder, alt), less the few that belong
 * on every screen (the brand, units, each language's own name in the picker).
 */
const ALLOWED = new Set(["PowerShare", "English", "kWh", "kW", "Wh", "km", "CSV", "AM", "PM"]);
const SPOKEN = ["aria-label", "title", "placeholder", "alt"];

export function englishLeft(root: HTMLElement, data: readonly string[] = []): string[] {
  const spoken = [...root.querySelectorAll("*")].flatMap((node) => SPOKEN.map((name) => node.getAttribute(name) ?? ""));
  // Text node by text node: textContent would run neighbouring elements' words together.
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const texts: string[] = [];
  while (walker.nextNode()) texts.push(walker.currentNode.textContent ?? "");
  const text = [...texts, ...spoken].join(" ");
  const words = new Set(text.match(/[A-Za-z][A-Za-z']{2,}/g) ?? []);
  return [...words].filter((word) => !ALLOWED.has(word) && !data.includes(word)).sort();
}
