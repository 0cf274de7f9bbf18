// No-JS journeys through `formwerk serve` in Debian's chromium (JavaScript disabled in the
// journey's context): for each form, from the first step to the confirmation, with an error
// round trip on every step, a repeat item added and removed, files uploaded before the error
// round trip and checked to be kept, a change link from the check page and back, and axe plus
// the contract checks on every page state (audited in a second, script-enabled context from the
// served HTML). Values come from a page of the form filled with a valid example (its FormData).
// Usage: node serve.mjs plan.json — plan: {"base", "pages"?, "forms": [{"id", "filled"}]} (with
// "pages", each check page is saved there as <id>-pruefen.html); prints one JSON
// line per form: {"id", "reference", "problems", "roundTrips", "repeats", "uploadsKept", "states"}.

import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { launch, audit } from "./check.mjs";

const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));
const journeyBrowser = await launch({ javaScriptEnabled: false });
const auditBrowser = await launch();

async function auditState(page, label) {
  const html = await page.content();
  const checker = await auditBrowser.context.newPage();
  try {
    await checker.setContent(html);
    return (await audit(checker)).map((p) => `${label}: ${p}`);
  } finally {
    await checker.close();
  }
}

async function examplePairs(file) {
  const page = await auditBrowser.context.newPage();
  try {
    await page.goto(pathToFileURL(file).href);
    return await page.evaluate(() =>
      [...new FormData(document.querySelector("form")).entries()].filter(([, v]) => typeof v === "string"),
    );
  } finally {
    await page.close();
  }
}

// Clicks and waits for the next page (every button posts, every answer is a 303 and a GET).
async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.locator(selector).first().click()]);
}

async function namedControls(page) {
  const controls = page.locator("form input[name], form select[name], form textarea[name]");
  const out = [];
  for (let i = 0, n = await controls.count(); i < n; i++) {
    const c = controls.nth(i);
    out.push({
      control: c,
      name: await c.getAttribute("name"),
      type: ((await c.getAttribute("type")) || (await c.evaluate((e) => e.tagName))).toLowerCase(),
      value: await c.getAttribute("value"),
    });
  }
  return out;
}

const fileProperty = /\[(name|media_type|size)\]$/;

// The files of the example for the file inputs of this page.
async function setFiles(page, pairs) {
  const names = [];
  for (const { control, name, type } of await namedControls(page)) {
    if (type !== "file") continue;
    const get = (p) => (pairs.find(([n]) => n === `${name}[${p}]`) || [])[1];
    const file = get("name");
    if (!file) continue;
    const size = Math.max(1, Math.min(Number(get("size")) || 1, 2048));
    await control.setInputFiles({ name: file, mimeType: get("media_type"), buffer: Buffer.alloc(size, 65) });
    names.push(file);
  }
  return names;
}

// Fills the page's controls with the example's values; adds repeat items the example has.
async function fill(page, pairs) {
  for (let round = 0; round < 12; round++) {
    const present = new Set((await namedControls(page)).map((c) => c.name));
    const missing = pairs
      .map(([n]) => n)
      .filter((n) => !present.has(n) && !fileProperty.test(n) && /\[\d+\]/.test(n));
    let added = false;
    for (const name of missing) {
      // `a[b][2][c]` needs item 2 of the repeat `a-b`.
      const match = name.match(/^(.*?)\[(\d+)\]/);
      const id = match[1].replace(/\]\[|\[|\]/g, "-").replace(/-$/, "");
      const button = page.locator(`button[name="aktion"][value="hinzufuegen:${id}"]`);
      if (await button.count()) {
        await setValues(page, pairs);
        await submit(page, `button[name="aktion"][value="hinzufuegen:${id}"]`);
        added = true;
        break;
      }
    }
    if (!added) break;
  }
  await setValues(page, pairs);
  await setFiles(page, pairs);
}

// Sets the controls in document order (a panel a choice reveals is visible when its turn
// comes); `choicesOnly` leaves text empty (the error round trip).
async function setValues(page, pairs, choicesOnly = false) {
  const values = (name) => pairs.filter(([n]) => n === name).map(([, v]) => v);
  for (const { control, name, type, value } of await namedControls(page)) {
    if (type === "hidden" || type === "file" || name === "_csrf") continue;
    if (!(await control.isVisible())) continue;
    if (choicesOnly && !["radio", "checkbox", "select"].includes(type)) continue;
    if (type === "radio" || type === "checkbox") {
      if (values(name).includes(value)) await control.check();
      else if (type === "checkbox") await control.uncheck();
    } else if (type === "select") {
      await control.selectOption(values(name)[0] ?? "");
    } else {
      await control.fill(values(name)[0] ?? "");
    }
  }
}

async function title(page) {
  return await page.title();
}

for (const form of plan.forms) {
  const pairs = await examplePairs(form.filled);
  const result = { id: form.id, reference: null, problems: [], roundTrips: 0, repeats: 0, uploadsKept: 0, states: 0 };
  const check = async (page, label) => {
    result.states += 1;
    result.problems.push(...(await auditState(page, `${form.id} ${label}`)));
  };
  const page = await journeyBrowser.context.newPage();
  try {
    await page.goto(`${plan.base}/f/${form.id}`);
    const visited = new Set();
    let changed = false;
    for (let n = 0; n < 60; n++) {
      const path = new URL(page.url()).pathname;
      if (path.endsWith("/bestaetigung")) {
        await check(page, "bestaetigung");
        const text = await page.locator("main").innerText();
        result.reference = (text.match(/FW-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/) || [null])[0];
        break;
      }
      if (path.endsWith("/pruefen")) {
        await check(page, "pruefen");
        // Kept for the screenshot of the check page (docs/screenshots/serve-pruefen.png).
        if (plan.pages) writeFileSync(`${plan.pages}/${form.id}-pruefen.html`, await page.content());
        if (!changed) {
          changed = true;
          await submit(page, "a[href*='von']");
          await submit(page, "#aktion-weiter");
          if (!new URL(page.url()).pathname.endsWith("/pruefen")) result.problems.push(`a change link did not return: ${page.url()}`);
          continue;
        }
        await submit(page, "#aktion-absenden");
        continue;
      }
      if (!visited.has(path)) {
        visited.add(path);
        await check(page, `${path} leer`);
        if (await page.locator("button[name='aktion'][value^='hinzufuegen:']").count()) {
          await submit(page, "button[name='aktion'][value^='hinzufuegen:']");
          const removes = page.locator("button[name='aktion'][value^='entfernen:']");
          if (await removes.count()) {
            await Promise.all([page.waitForNavigation(), removes.last().click()]);
            if (await page.locator("#hinweis-aktion").count()) result.repeats += 1;
            else result.problems.push(`${path}: no note after removing an item`);
            await check(page, `${path} entfernt`);
          }
        }
        // The error round trip: the choices (which reveal conditional fields) and the files,
        // no text, then "weiter".
        await setValues(page, pairs, true);
        const files = await setFiles(page, pairs);
        await submit(page, "#aktion-weiter");
        if (new URL(page.url()).pathname === path) {
          if (!(await title(page)).startsWith("Fehler: ")) {
            const body = (await page.content()).replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").slice(0, 300);
            result.problems.push(`${path}: no errors after an empty POST: ${body}`);
            break;
          }
          result.roundTrips += 1;
          await check(page, `${path} fehler`);
          const text = await page.locator("main").innerText();
          for (const file of files) {
            if (text.includes(file)) result.uploadsKept += 1;
            else result.problems.push(`${path}: the upload ${file} was lost with the errors`);
          }
        } else {
          continue;
        }
      }
      await fill(page, pairs);
      await submit(page, "#aktion-weiter");
      if (new URL(page.url()).pathname === path && (await title(page)).startsWith("Fehler: ")) {
        const summary = await page.locator("#fehlerzusammenfassung").innerText();
        result.problems.push(`${path}: errors after filling the example: ${summary.replace(/\s+/g, " ")}`);
        break;
      }
    }
    if (!result.reference) result.problems.push(`no confirmation (last page ${page.url()})`);
  } catch (error) {
    result.problems.push(`${form.id}: ${error.message.split("\n")[0]} (at ${page.url()})`);
  } finally {
    await page.close();
  }
  console.log(JSON.stringify(result));
}

// A keyboard-only run through the first step (Tab, Space, arrow keys, typing into the focused
// input, Enter in a text field), JavaScript still disabled: every control with a value of the
// example is reached, and Enter takes the citizen to the next step without errors.
async function keyboardStep(form, pairs) {
  const problems = [];
  const page = await journeyBrowser.context.newPage();
  try {
    await page.goto(`${plan.base}/f/${form.id}`);
    const start = new URL(page.url()).pathname;
    const values = (name) => pairs.filter(([n]) => n === name).map(([, v]) => v);
    const done = new Set();
    for (let n = 0; n < 300; n++) {
      await page.keyboard.press("Tab");
      const focused = page.locator(":focus");
      if (!(await focused.count())) continue;
      const id = await focused.getAttribute("id");
      if (id === "aktion-weiter") break;
      const name = await focused.getAttribute("name");
      const tag = (await focused.evaluate((e) => e.tagName).catch(() => "")) || "";
      const type = (await focused.getAttribute("type")) || (tag ? tag.toLowerCase() : "select");
      if (!name || done.has(name) || !values(name).length) continue;
      done.add(name);
      if (type === "radio") {
        const options = page.locator(`input[type="radio"][name="${name}"]`);
        const all = [];
        for (let i = 0; i < (await options.count()); i++) all.push(await options.nth(i).getAttribute("value"));
        const index = all.indexOf(values(name)[0]);
        await page.keyboard.press("Space");
        for (let i = 0; i < index; i++) await page.keyboard.press("ArrowDown");
      } else if (type === "checkbox") {
        if (values(name).includes(await focused.getAttribute("value"))) await page.keyboard.press("Space");
        done.delete(name);
      } else if ((await page.locator(`select[name="${name}"]`).count()) > 0) {
        const options = page.locator(`select[name="${name}"] option`);
        const all = [];
        for (let i = 0; i < (await options.count()); i++) all.push(await options.nth(i).getAttribute("value"));
        const index = all.indexOf(values(name)[0]);
        for (let i = 0; i < index; i++) await page.keyboard.press("ArrowDown");
      } else if (type !== "file" && type !== "submit") {
        await page.keyboard.type(values(name)[0]);
      }
    }
    const expected = pairs.map(([n]) => n).filter((n) => !fileProperty.test(n));
    const onPage = new Set((await namedControls(page)).filter((c) => c.type !== "file").map((c) => c.name));
    for (const name of expected) {
      if (onPage.has(name) && !done.has(name) && !/\[\d+\]/.test(name)) {
        const visible = await page.locator(`[name="${name}"]`).first().isVisible();
        if (visible && !(await page.locator(`[type="checkbox"][name="${name}"]`).count())) {
          problems.push(`keyboard: never reached ${name} with Tab`);
        }
      }
    }
    // A file chooser is the system's dialog, outside the page: the files are set as it returns them.
    await setFiles(page, pairs);
    // Back to the nearest text field, then Enter submits the primary action.
    for (let n = 0; n < 80; n++) {
      const type = await page.locator(":focus").getAttribute("type").catch(() => null);
      if (["text", "email", "tel"].includes(type)) break;
      await page.keyboard.press("Shift+Tab");
    }
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    const path = new URL(page.url()).pathname;
    if (path === start) {
      const summary = await page.locator("#fehlerzusammenfassung").innerText().catch(() => page.title());
      problems.push(`keyboard: the first step did not go on: ${String(summary).replace(/\s+/g, " ")}`);
    }
  } catch (error) {
    problems.push(`keyboard: ${error.message.split("\n")[0]}`);
  } finally {
    await page.close();
  }
  return problems;
}

for (const form of plan.forms) {
  const problems = await keyboardStep(form, await examplePairs(form.filled));
  console.log(JSON.stringify({ keyboard: form.id, problems }));
}

await journeyBrowser.close();
await auditBrowser.close();
