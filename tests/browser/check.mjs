// Checks generated pages in Debian's chromium (no browser download): axe-core with the WCAG 2.0/2.1
// A and AA tags plus EN 301 549, and the contract DOM checks of HTML.md §3.2 that axe misses.
// Usage: node check.mjs pages.json  — pages.json: {"pages": [{"file", "post"?}]}; with "post", the
// form data the browser would submit is written there as JSON pairs.
// Prints one line per failing page and a final "checked N pages, M failures"; exits 1 on failure.

import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
export const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];

// `options` are extra context options, e.g. `{ javaScriptEnabled: false }` for the no-JS journeys
// of `formwerk serve` (tests/browser/serve.mjs).
export async function launch(options = {}) {
  const profile = mkdtempSync(join(tmpdir(), "formwerk-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    ...options,
  });
  // Pages must work offline: external stylesheets (the KERN CDN) are not fetched.
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:") || url.startsWith("http://127.0.0.1") || url.startsWith("data:")) {
      return route.continue();
    }
    return route.abort();
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// Incomplete results that count as failures (axe reports dangling references and duplicate ids only so).
const STRICT_INCOMPLETE = ["aria-valid-attr-value", "duplicate-id-aria", "color-contrast"];

const ALLOWED_AUTOCOMPLETE = new Set([
  "given-name", "additional-name", "family-name", "honorific-prefix", "bday", "bday-day", "bday-month",
  "bday-year", "address-line1", "address-line2", "postal-code", "address-level2", "country", "country-name",
  "email", "tel", "organization", "organization-title",
]);

// The contract checks, run inside the page. Returns a list of problems.
function contractChecks(allowedAutocomplete) {
  const problems = [];
  const all = [...document.querySelectorAll("[id]")];
  const seen = new Map();
  for (const el of all) {
    if (seen.has(el.id)) problems.push(`duplicate id ${el.id}`);
    seen.set(el.id, el);
  }
  const byId = (id) => document.getElementById(id);
  const refs = [
    ["for", (v) => [v]],
    ["aria-describedby", (v) => v.split(/\s+/)],
    ["aria-labelledby", (v) => v.split(/\s+/)],
    ["aria-controls", (v) => v.split(/\s+/)],
    ["data-controls", (v) => v.split(/\s+/)],
  ];
  for (const [attr, split] of refs) {
    for (const el of document.querySelectorAll(`[${attr}]`)) {
      for (const id of split(el.getAttribute(attr)).filter(Boolean)) {
        if (!byId(id)) problems.push(`${attr}="${id}" on ${el.id || el.tagName} does not resolve`);
      }
    }
  }
  for (const a of document.querySelectorAll('a[href^="#"]')) {
    const id = decodeURIComponent(a.getAttribute("href").slice(1));
    if (!byId(id)) problems.push(`link to #${id} does not resolve`);
  }
  const controls = [...document.querySelectorAll("input, select, textarea")].filter(
    (el) => !["hidden", "submit", "button"].includes(el.type),
  );
  for (const el of controls) {
    const labels = [...el.labels];
    if (labels.length !== 1) problems.push(`${el.id || el.name} has ${labels.length} labels`);
    else if (!labels[0].textContent.trim()) problems.push(`${el.id} has an empty label`);
    if (el.hasAttribute("placeholder")) problems.push(`${el.id} has a placeholder`);
    if (el.tagName === "TEXTAREA" && el.hasAttribute("maxlength")) problems.push(`${el.id}: maxlength on a textarea`);
  }
  for (const el of document.querySelectorAll("[tabindex]")) {
    if (Number(el.getAttribute("tabindex")) > 0) problems.push(`${el.id}: tabindex > 0`);
  }
  const sets = new Map();
  for (const el of document.querySelectorAll('input[type="radio"], input[type="checkbox"]')) {
    if (!sets.has(el.name)) sets.set(el.name, []);
    sets.get(el.name).push(el);
  }
  for (const [name, members] of sets) {
    if (members.length < 2) continue;
    const fieldset = members[0].closest("fieldset");
    if (!fieldset || members.some((m) => m.closest("fieldset") !== fieldset)) {
      problems.push(`options of ${name} are not in one fieldset`);
      continue;
    }
    const legend = fieldset.firstElementChild;
    if (!legend || legend.tagName !== "LEGEND" || !legend.textContent.trim()) {
      problems.push(`fieldset of ${name} does not start with a non-empty legend`);
    }
  }
  const describedBy = [...document.querySelectorAll("[aria-describedby]")].flatMap((el) =>
    el.getAttribute("aria-describedby").split(/\s+/),
  );
  const inline = [...document.querySelectorAll('[id$="-fehler"]')];
  for (const error of inline) {
    const n = describedBy.filter((id) => id === error.id).length;
    if (n !== 1) problems.push(`${error.id} is referenced ${n} times`);
  }
  const summary = document.getElementById("fehlerzusammenfassung");
  const links = summary ? [...summary.querySelectorAll("a")] : [];
  if (links.length !== inline.length) problems.push(`${links.length} summary links but ${inline.length} inline errors`);
  if (summary && !summary.hasAttribute("autofocus")) problems.push("the summary has no autofocus");
  let previous = null;
  const inlineTexts = inline.map((e) => {
    const clone = e.cloneNode(true);
    clone.querySelectorAll("span").forEach((s) => s.remove());
    return clone.textContent.trim();
  });
  links.forEach((link, n) => {
    const target = byId(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!target) return;
    // A computed field's `<output>` (focusable with tabindex -1) carries its errors, e.g. a
    // total over its maximum: the link takes the citizen to the value and its message.
    const computed = target.matches("output[tabindex='-1']");
    if (!target.matches("input, select, textarea, button") && !computed) problems.push(`summary link ${n} targets a ${target.tagName}`);
    if (previous && previous.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_PRECEDING) {
      problems.push(`summary link ${n} is out of field order`);
    }
    previous = target;
    if (inlineTexts[n] !== link.textContent.trim()) {
      problems.push(`summary link ${n} says "${link.textContent.trim()}", the inline error "${inlineTexts[n]}"`);
    }
  });
  const hasErrors = inline.length > 0;
  const errorTitle = /^(Fehler|Error|خطأ): /.test(document.title);
  if (hasErrors !== errorTitle) problems.push(`title "${document.title}" with ${inline.length} errors`);
  for (const el of document.querySelectorAll("[aria-invalid]")) {
    const ok =
      el.tagName === "TEXTAREA" ||
      el.tagName === "SELECT" ||
      (el.tagName === "INPUT" && ["text", "email", "tel", "checkbox", "file"].includes(el.type) &&
        !(el.type === "checkbox" && document.getElementsByName(el.name).length > 1));
    if (!ok) problems.push(`aria-invalid on ${el.tagName} ${el.type} ${el.id}`);
  }
  for (const el of document.querySelectorAll("[autocomplete]")) {
    const tokens = el.getAttribute("autocomplete").split(/\s+/);
    const token = tokens[tokens.length - 1];
    if (!allowedAutocomplete.includes(token)) problems.push(`${el.id}: autocomplete "${token}"`);
    if (tokens.length > 1 && !(tokens.length === 2 && tokens[0].startsWith("section-"))) {
      problems.push(`${el.id}: autocomplete "${tokens.join(" ")}"`);
    }
  }
  for (const el of document.querySelectorAll("[required]")) {
    if (el.closest('[id$="-bereich"], [hidden]')) problems.push(`${el.id} is required inside a conditional panel`);
  }
  for (const form of document.querySelectorAll("form")) {
    if (form.querySelector('input[type="file"]') && form.enctype !== "multipart/form-data") {
      problems.push(`${form.id} has a file input but no multipart enctype`);
    }
    const first = form.querySelector('button[type="submit"], input[type="submit"]');
    // On a page of warnings the primary action confirms them (`bestaetigen`).
    const primary = form.querySelector('input[name="_hinweise"]') ? "bestaetigen" : "weiter";
    if (!first || first.value !== primary) problems.push(`the first submit button of ${form.id} is not the primary action`);
  }
  if (document.querySelectorAll("h1").length !== 1) problems.push("not exactly one h1");
  // Right-to-left languages: the page says so, and error messages start at the right edge of
  // the form (logical properties mirror their border and padding).
  const rtlLanguage = /^(ar|he|fa|ur)(-|$)/.test(document.documentElement.lang);
  if (rtlLanguage !== (document.documentElement.dir === "rtl")) {
    problems.push(`lang="${document.documentElement.lang}" with dir="${document.documentElement.dir}"`);
  }
  if (rtlLanguage) {
    for (const error of inline) {
      const box = error.getBoundingClientRect();
      // An error inside a panel that is not shown (a hidden field's value) has no box.
      if (box.width === 0 && box.height === 0) continue;
      const formElement = error.closest("form");
      if (!formElement) continue;
      const form = formElement.getBoundingClientRect();
      if (getComputedStyle(error).direction !== "rtl") problems.push(`${error.id} is not right to left`);
      if (form.right - box.right > 40) problems.push(`${error.id} does not sit at the right edge (${form.right - box.right}px from it)`);
      const field = error.parentElement;
      const style = getComputedStyle(field);
      if (parseFloat(style.borderLeftWidth) > 0 && parseFloat(style.borderRightWidth) === 0) {
        problems.push(`${error.id}: the error border is on the left of a right-to-left page`);
      }
    }
  }
  return problems;
}

// axe-core and the contract checks on a page loaded in a context with JavaScript enabled.
// Returns the problems.
export async function audit(page, { scriptsAllowed = false } = {}) {
  const scripts = await page.evaluate(() => document.querySelectorAll("script").length);
  await page.addScriptTag({ content: axeSource });
  const axe = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    return await axe.run(document, {
      runOnly: {
        type: "tag",
        values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "EN-301-549"],
      },
      rules: {
        region: { enabled: true },
        "landmark-one-main": { enabled: true },
        "page-has-heading-one": { enabled: true },
        "heading-order": { enabled: true },
        "label-title-only": { enabled: true },
      },
      resultTypes: ["violations", "incomplete"],
    });
  });
  const problems = scripts && !scriptsAllowed ? ["the page has scripts"] : [];
  for (const v of axe.violations) {
    problems.push(`axe ${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  }
  for (const v of axe.incomplete.filter((v) => STRICT_INCOMPLETE.includes(v.id))) {
    const nodes = v.nodes.map((n) => `${n.target.join(" ")} (${(n.any[0] || n.all[0] || {}).message})`);
    problems.push(`axe incomplete ${v.id}: ${nodes.slice(0, 3).join(", ")}`);
  }
  problems.push(...(await page.evaluate(contractChecks, [...ALLOWED_AUTOCOMPLETE])));
  return problems;
}

async function checkPage(context, entry) {
  const file = entry.file;
  const page = await context.newPage();
  try {
    await page.setViewportSize({ width: 1280, height: 8000 });
    await page.goto(pathToFileURL(file).href);
    const problems = await audit(page);
    if (entry.post) {
      // What the browser would post for the rendered values (file inputs without a file send nothing useful).
      const pairs = await page.evaluate(() =>
        [...new FormData(document.querySelector("form")).entries()].filter(([, v]) => typeof v === "string"),
      );
      writeFileSync(entry.post, JSON.stringify(pairs));
    }
    // One problem per violated axe rule.
    const rules = problems.filter((p) => p.startsWith("axe ") && !p.startsWith("axe incomplete ")).length;
    return { problems, rules };
  } finally {
    await page.close();
  }
}

async function main() {
  const input = JSON.parse(readFileSync(process.argv[2], "utf8"));
  const browser = await launch();
  let failures = 0;
  const results = [];
  try {
    // Two pages at a time: axe spends much of its time waiting.
    const queue = [...input.pages];
    const worker = async () => {
      for (let entry = queue.shift(); entry; entry = queue.shift()) {
        const { problems } = await checkPage(browser.context, entry);
        results.push({ file: entry.file, problems });
        if (problems.length) {
          failures += 1;
          console.log(`FAIL ${entry.file}\n  ${problems.slice(0, 12).join("\n  ")}`);
        }
      }
    };
    await Promise.all([worker(), worker()]);
    if (results.length !== input.pages.length) throw new Error("not every page was checked");
  } finally {
    await browser.close();
  }
  console.log(`checked ${input.pages.length} pages, ${failures} failures`);
  process.exit(failures ? 1 : 0);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error);
    process.exit(2);
  });
}
