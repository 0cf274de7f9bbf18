// The live-values bundle in chromium (JavaScript on): for each page, the server's outputs as
// loaded; then every text input typed again with its value (real input events, the covered
// outputs blanked first, so only the bundle can fill them); then seeded variants of the text
// inputs set in the page, followed by one input event. After each state: the text of every
// <output> and the pairs the browser would post. Also: the page runs no script but the one
// bundle, no dialog opens, no `window.__pwned` appears.
// Usage: node live.mjs plan.json — plan: {"pages": [{"file", "seed", "covered"}], "variants"};
// prints one JSON line per page: {"file", "covered", "problems", "initial", "states"}.

import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { launch } from "./check.mjs";

const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));
const browser = await launch();

const TEXT_INPUTS = "form input[type='text'][name]:not([name$='[tag]']):not([name$='[monat]']):not([name$='[jahr]'])";

async function state(page) {
  return await page.evaluate(() => ({
    outputs: Object.fromEntries([...document.querySelectorAll("output")].map((o) => [o.id, o.textContent])),
    pairs: [...new FormData(document.querySelector("form")).entries()].filter(([, v]) => typeof v === "string"),
  }));
}

for (const entry of plan.pages) {
  const result = { file: entry.file, covered: entry.covered, problems: [], initial: {}, states: [] };
  const page = await browser.context.newPage();
  const errors = [];
  page.on("dialog", async (dialog) => {
    result.problems.push(`a dialog opened: ${dialog.message()}`);
    await dialog.dismiss();
  });
  page.on("pageerror", (error) => errors.push(String(error)));
  try {
    await page.goto(pathToFileURL(entry.file).href);
    const scripts = await page.evaluate(() => [...document.scripts].map((s) => [s.getAttribute("src"), s.text]));
    if (scripts.length !== 1 || !/\.live\.js$/.test(scripts[0][0] || "") || scripts[0][1] !== "") {
      result.problems.push(`the page should have exactly the bundle as script: ${JSON.stringify(scripts)}`);
    }
    const handlers = await page.evaluate(
      () => [...document.querySelectorAll("*")].flatMap((e) => [...e.attributes].map((a) => a.name)).filter((n) => n.startsWith("on")),
    );
    if (handlers.length) result.problems.push(`event handler attributes: ${handlers}`);
    result.initial = (await state(page)).outputs;

    // Typed again: each text input cleared and filled with its value (input events).
    await page.evaluate((covered) => {
      for (const id of covered) {
        const o = document.getElementById(id);
        if (o) o.textContent = "(nicht berechnet)";
      }
    }, entry.covered);
    // Visible number inputs are typed (a hidden panel's inputs keep their value).
    const inputs = page.locator(TEXT_INPUTS + ":is([inputmode='numeric'], [inputmode='decimal'], :not([inputmode]))");
    for (let i = 0, n = await inputs.count(); i < n; i++) {
      const input = inputs.nth(i);
      if (!(await input.isVisible())) continue;
      await input.fill((await input.inputValue()) || "", { timeout: 5000 });
    }
    result.states.push(await state(page));

    // Variants, seeded: kept, cleared, unreadable, and numbers written in many ways.
    for (let v = 0; v < plan.variants; v++) {
      await page.evaluate(
        ({ selector, seed }) => {
          let s = seed >>> 0;
          const random = () => {
            s = (s + 0x6d2b79f5) >>> 0;
            let t = s;
            t = Math.imul(t ^ (t >>> 15), t | 1);
            t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
            return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
          };
          const pick = (list) => list[Math.floor(random() * list.length)];
          const int = () => String(Math.floor(random() * (random() < 0.5 ? 100 : 100000)));
          const forms = [
            () => int(),
            () => int() + "," + String(Math.floor(random() * 100)).padStart(2, "0"),
            () => int() + "," + String(Math.floor(random() * 1000)),
            () => "-" + int() + "," + String(Math.floor(random() * 10)),
            () => "1.234,56",
            () => "1.500",
            () => "1.5",
            () => "12.345.678",
            () => "0,005",
            () => " 12 € ",
            () => "7 EUR",
            () => "1 234,5",
            () => "+5",
            () => "-0",
            () => "99999999999999999999,99",
            () => "12345678901234567890123456789",
            () => "9223372036854775808",
            () => "3,",
            () => ",5",
            () => "1,2,3",
            () => "abc",
            () => "",
          ];
          const inputs = [...document.querySelectorAll(selector)];
          const changed = [];
          for (const input of inputs) {
            if (random() < 0.45) continue;
            input.value = pick(forms)();
            changed.push(input);
          }
          const target = changed.length ? pick(changed) : inputs[0];
          if (target) target.dispatchEvent(new Event("input", { bubbles: true }));
        },
        { selector: TEXT_INPUTS, seed: entry.seed * 1000 + v },
      );
      result.states.push(await state(page));
    }
    if (await page.evaluate(() => "__pwned" in window)) result.problems.push("window.__pwned is set");
    if (errors.length) result.problems.push(`script errors: ${errors.join("; ")}`);
  } catch (error) {
    result.problems.push(error.message.split("\n")[0]);
  } finally {
    await page.close();
  }
  console.log(JSON.stringify(result));
}
await browser.close();
