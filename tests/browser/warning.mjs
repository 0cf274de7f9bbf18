// The warning page of `formwerk serve` in chromium, and the live-values bundle as served.
// 1. JavaScript off, keyboard only: type the answers of the first step, Enter; the page comes
//    back with the warning summary focused (autofocus), no "Fehler: " in the title; Tab to the
//    confirming button and Enter goes on; the next steps to the confirmation. axe and the
//    contract checks run on the first step and on the warning page (the served HTML without
//    its one bundle element, which must be there exactly once).
// 2. JavaScript on: the served page under the server's Content-Security-Policy; typing the
//    answers updates the computed <output> (the bundle ran under `script-src 'self'`), with no
//    CSP report; prints the output texts and the pairs the browser would post.
// Usage: node warning.mjs plan.json — plan: {"base", "form", "answers": [[name, value]…],
// "output"}; prints one JSON line: {"problems", "reference", "states", "live"}.

import { readFileSync } from "node:fs";
import { launch, audit } from "./check.mjs";

const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));
const noJs = await launch({ javaScriptEnabled: false });
const withJs = await launch();
const result = { problems: [], reference: null, states: 0, live: null };
const BUNDLE_PATTERN = new RegExp(`<script src="/_formwerk/live/${plan.form}\\.live\\.js" defer(?:="")?></script>`);

async function check(page, label) {
  const html = await page.content();
  // As the browser serialises it (`defer=""`).
  const parts = html.split(BUNDLE_PATTERN);
  if (parts.length !== 2) result.problems.push(`${label}: the bundle element should be there once`);
  const checker = await withJs.context.newPage();
  try {
    await checker.setContent(parts.join(""));
    result.problems.push(...(await audit(checker)).map((p) => `${label}: ${p}`));
    result.states += 1;
  } finally {
    await checker.close();
  }
}

async function typeAnswers(page) {
  for (let n = 0; n < 40; n++) {
    await page.keyboard.press("Tab");
    const name = await page.locator(":focus").getAttribute("name").catch(() => null);
    const answer = plan.answers.find(([key]) => key === name);
    if (answer) {
      await page.keyboard.type(answer[1]);
      if (name === plan.answers[plan.answers.length - 1][0]) return;
    }
  }
  result.problems.push("keyboard: never reached every answer");
}

const page = await noJs.context.newPage();
try {
  await page.goto(`${plan.base}/f/${plan.form}`);
  const step = new URL(page.url()).pathname;
  await check(page, "schritt");
  await typeAnswers(page);
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  if (new URL(page.url()).pathname !== step) result.problems.push(`a warning should keep the step: ${page.url()}`);
  if ((await page.title()).startsWith("Fehler: ")) {
    const summary = await page.locator("main").innerText();
    result.problems.push(`a warning is not an error: ${summary.replace(/\s+/g, " ").slice(0, 400)}`);
  }
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  if (focused !== "hinweiszusammenfassung") result.problems.push(`the warning summary is not focused: ${focused}`);
  await check(page, "hinweis");
  // Tab from the summary to the confirming button, Enter.
  let reached = false;
  for (let n = 0; n < 40 && !reached; n++) {
    await page.keyboard.press("Tab");
    reached = (await page.locator(":focus").getAttribute("value").catch(() => null)) === "bestaetigen";
  }
  if (!reached) result.problems.push("keyboard: the confirming button was never reached");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  if (new URL(page.url()).pathname === step) result.problems.push("confirming did not go on");
  for (let n = 0; n < 6 && !new URL(page.url()).pathname.endsWith("/bestaetigung"); n++) {
    const button = new URL(page.url()).pathname.endsWith("/pruefen") ? "#aktion-absenden" : "#aktion-weiter";
    await Promise.all([page.waitForNavigation(), page.locator(button).first().click()]);
  }
  const text = await page.locator("main").innerText();
  result.reference = (text.match(/FW-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/) || [null])[0];
} catch (error) {
  result.problems.push(`no-JS journey: ${error.message.split("\n")[0]} (at ${page.url()})`);
}

const live = await withJs.context.newPage();
const reports = [];
live.on("console", (message) => {
  if (/Content Security Policy|Refused to/.test(message.text())) reports.push(message.text());
});
live.on("pageerror", (error) => reports.push(String(error)));
try {
  const response = await live.goto(`${plan.base}/f/${plan.form}`);
  const csp = (await response.allHeaders())["content-security-policy"] || "";
  if (!csp.includes("script-src 'self';")) result.problems.push(`CSP: ${csp}`);
  const before = await live.locator(`#${plan.output}`).textContent();
  for (const [name, value] of plan.answers) await live.locator(`[name="${name}"]`).fill(value);
  const after = await live.locator(`#${plan.output}`).textContent();
  if (after === before) result.problems.push(`the output did not change: ${after}`);
  const pairs = await live.evaluate(() =>
    [...new FormData(document.querySelector("form")).entries()].filter(([, v]) => typeof v === "string"),
  );
  result.live = { text: after, pairs };
  if (reports.length) result.problems.push(`reports: ${reports.join("; ")}`);
} catch (error) {
  result.problems.push(`live: ${error.message.split("\n")[0]}`);
}
console.log(JSON.stringify(result));
await noJs.close();
await withJs.close();
