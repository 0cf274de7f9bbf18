// Runs the generated WebAssembly validators through the generated wrapper (`formwerk.mjs`): in
// Node.js, loaded from bytes, and in Debian's chromium, fetched by a page over (intercepted) HTTP
// as a site would serve them. Writes every report for the Rust test to compare with the
// reference validator.
// Usage: node wasm.mjs plan.json out.json — plan: {"wrapper": path, "today": "yyyy-mm-dd",
// "modules": {name: path}, "node": [case], "browser": [case]}, case: {"module", "form", "text",
// "today"?} (more keys are ignored).
// Writes {"forms": {name: [form ids]}, "node": [result], "browser": [result]}, a result being the
// report or {"error": message}.

import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { launch } from "./check.mjs";

const [planPath, outPath] = process.argv.slice(2);
const plan = JSON.parse(readFileSync(planPath, "utf8"));

function validateAll(validators, cases, today) {
  return cases.map((c) => {
    try {
      return validators[c.module].validate(c.form, c.text, { today: c.today ?? today });
    } catch (error) {
      return { error: String(error) };
    }
  });
}

// Node.js: the wrapper as a module, the modules from bytes.
const wrapper = await import(pathToFileURL(plan.wrapper).href);
const validators = {};
const forms = {};
for (const [name, path] of Object.entries(plan.modules)) {
  validators[name] = await wrapper.load(readFileSync(path));
  forms[name] = validators[name].forms();
}
const node = validateAll(validators, plan.node, plan.today);

// Chromium: a page of a (fake, intercepted) site imports the wrapper and fetches the modules.
const site = "http://formwerk.test";
const browser = await launch();
let inBrowser;
try {
  const page = await browser.context.newPage();
  await page.route(`${site}/**`, (route) => {
    const path = new URL(route.request().url()).pathname.slice(1);
    if (path === "index.html") return route.fulfill({ contentType: "text/html", body: "<!doctype html><title>wasm</title>" });
    if (path === "formwerk.mjs") return route.fulfill({ contentType: "text/javascript", body: readFileSync(plan.wrapper) });
    const module = path.endsWith(".wasm") && plan.modules[path.slice(0, -5)];
    if (module) return route.fulfill({ contentType: "application/wasm", body: readFileSync(module) });
    return route.fulfill({ status: 404, body: "" });
  });
  await page.goto(`${site}/index.html`);
  inBrowser = await page.evaluate(
    async ({ names, cases, today, validateAll }) => {
      const { load } = await import("/formwerk.mjs");
      const validators = {};
      for (const name of names) validators[name] = await load(fetch(`/${name}.wasm`));
      return new Function(`return ${validateAll}`)()(validators, cases, today);
    },
    { names: Object.keys(plan.modules), cases: plan.browser, today: plan.today, validateAll: validateAll.toString() },
  );
} finally {
  await browser.close();
}

writeFileSync(outPath, JSON.stringify({ forms, node, browser: inBrowser }));
