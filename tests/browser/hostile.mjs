// Loads pages in Debian's chromium and reports what script could have done there: whether the
// marker `window.__pwned` was set, how many dialogs opened, and how many `<script>` elements and
// event-handler attributes exist; then plays the reveal steps of each page (choose a code in a
// select, or click the radio with a code) and reports after each whether its panel is shown.
// Usage: node hostile.mjs plan.json — {"pages": [{"file", "steps": [{"select"|"radio": name,
// "value", "panel"}]}]}. Prints one JSON line: {"pages": [{"file", "pwned", "dialogs",
// "scripts", "handlers", "shown": [bool per step]}]}.

import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { launch } from "./check.mjs";

const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));
const browser = await launch();
const results = [];
try {
  for (const entry of plan.pages) {
    const page = await browser.context.newPage();
    let dialogs = 0;
    page.on("dialog", (dialog) => {
      dialogs += 1;
      dialog.dismiss().catch(() => {});
    });
    await page.goto(pathToFileURL(entry.file).href, { waitUntil: "load" });
    await page.waitForTimeout(200);
    const shown = [];
    for (const step of entry.steps || []) {
      if (step.select) {
        await page.selectOption(`select[name="${step.select}"]`, { value: step.value });
      } else if (step.radio) {
        const id = await page.evaluate(
          ({ name, value }) => [...document.getElementsByName(name)].find((el) => el.value === value)?.id,
          { name: step.radio, value: step.value },
        );
        await page.click(`[id="${id}"]`);
      }
      shown.push(
        await page.evaluate((id) => {
          const panel = document.getElementById(id);
          return !!panel && getComputedStyle(panel).display !== "none";
        }, step.panel),
      );
    }
    await page.waitForTimeout(100);
    const state = await page.evaluate(() => ({
      pwned: window.__pwned === undefined ? null : String(window.__pwned),
      scripts: document.querySelectorAll("script").length,
      handlers: [...document.querySelectorAll("*")].flatMap((el) =>
        [...el.attributes]
          .filter((attribute) => attribute.name.toLowerCase().startsWith("on"))
          .map((attribute) => `${el.tagName.toLowerCase()}[${attribute.name}]`),
      ),
    }));
    results.push({ file: entry.file, ...state, dialogs, shown });
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify({ pages: results }));
