// Takes PNG screenshots of generated pages with Debian's chromium (for docs/): the top of each
// page, with the error summary focused as a keyboard user would find it.
// Usage: node screenshot.mjs out.png page.html [width height] ...pairs of png and page.
import { pathToFileURL } from "node:url";
import { launch } from "./check.mjs";

const args = process.argv.slice(2);
const browser = await launch();
try {
  for (let i = 0; i + 1 < args.length; i += 2) {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 760, height: 1100 });
    await page.goto(pathToFileURL(args[i + 1]).href);
    await page.screenshot({ path: args[i] });
    await page.close();
  }
} finally {
  await browser.close();
}
