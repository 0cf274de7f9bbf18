// A keyboard-only journey through one generated page: only Tab, Shift+Tab, Space, arrow keys
// and Enter (plus typing into a focused text input). The page is served from a local server
// that records the POST; the posted pairs are printed as JSON for the Rust side to convert.
// Usage: node keyboard.mjs page.html plan.json — plan.json: {"<id>": {"kind", ...}}, kinds:
// type {text}, choose {index} (radios), tick (checkbox), select {index} (1 = first real option).

import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { launch } from "./check.mjs";

const [pageFile, planFile] = process.argv.slice(2);
const html = readFileSync(pageFile);
const plan = JSON.parse(readFileSync(planFile, "utf8"));

let posted;
const received = new Promise((resolve) => (posted = resolve));
const server = createServer((request, response) => {
  if (request.method === "POST") {
    const chunks = [];
    request.on("data", (c) => chunks.push(c));
    request.on("end", () => {
      response.end("<!DOCTYPE html><title>ok</title>");
      posted({ type: request.headers["content-type"], body: Buffer.concat(chunks) });
    });
    return;
  }
  response.setHeader("content-type", "text/html; charset=utf-8");
  response.end(html);
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${server.address().port}/`;

const browser = await launch();
const problems = [];
const focusOrder = [];
try {
  const page = await browser.context.newPage();
  await page.goto(url);
  const focused = () =>
    page.evaluate(() => {
      const el = document.activeElement;
      const all = [...document.querySelectorAll("*")];
      return { id: el.id, tag: el.tagName, type: el.type || "", position: all.indexOf(el), value: el.value ?? "" };
    });
  const done = new Set();
  for (let n = 0; n < 400; n++) {
    await page.keyboard.press("Tab");
    const el = await focused();
    focusOrder.push(el);
    const step = plan[el.id];
    if (step && !done.has(el.id)) {
      done.add(el.id);
      if (step.kind === "type") await page.keyboard.type(step.text);
      else if (step.kind === "choose") {
        if (step.index === 0) await page.keyboard.press("Space");
        for (let i = 0; i < step.index; i++) await page.keyboard.press("ArrowDown");
      } else if (step.kind === "tick") await page.keyboard.press("Space");
      else if (step.kind === "select") {
        for (let i = 0; i < step.index; i++) await page.keyboard.press("ArrowDown");
      }
    }
    if (el.id === "aktion-weiter") break;
  }
  for (const id of Object.keys(plan)) if (!done.has(id)) problems.push(`never reached ${id} with Tab`);
  // Focus moves forward in document order (radios of a group are one stop).
  for (let i = 1; i < focusOrder.length; i++) {
    if (focusOrder[i].position <= focusOrder[i - 1].position) {
      problems.push(`focus went back from ${focusOrder[i - 1].id} to ${focusOrder[i].id}`);
    }
  }
  // Back to the nearest text field with Shift+Tab, then Enter submits the primary action.
  let el = await focused();
  for (let n = 0; n < 60 && !(el.tag === "INPUT" && ["text", "email", "tel"].includes(el.type)); n++) {
    await page.keyboard.press("Shift+Tab");
    el = await focused();
  }
  await page.keyboard.press("Enter");
  const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error("no POST within 10 s")), 10000));
  const { type, body } = await Promise.race([received, timeout]);
  const data = await new Request(url, { method: "POST", headers: { "content-type": type }, body }).formData();
  const pairs = [];
  for (const [name, value] of data.entries()) {
    if (typeof value === "string") pairs.push([name, value]);
    // A file input with no file chosen posts an empty part; a chosen file's properties are
    // what the server stores (formdata reads `name[name|media_type|size]`).
    else if (value.name) {
      pairs.push([`${name}[name]`, value.name], [`${name}[media_type]`, value.type], [`${name}[size]`, String(value.size)]);
    }
  }
  console.log(JSON.stringify({ problems, stops: focusOrder.map((f) => f.id), enter_from: el.id, pairs }));
} finally {
  await browser.close();
  server.close();
}
