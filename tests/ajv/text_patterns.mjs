// Checks the text patterns of the generated schemas in ajv (draft 2020-12, strict, the
// default `unicodeRegExp: true`) on every code point outside the surrogates: a text
// "a<c>b" must match exactly when <c> is not in the forbidden ranges that the runtime uses.
// Input: a JSON file written by `tests/ajv.rs`:
//   {"cases": [{"pattern", "forbidden": [[low, high], …]}]}
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";

const input = JSON.parse(readFileSync(process.argv[2], "utf8"));
let failures = 0;
let compared = 0;
for (const { pattern, forbidden } of input.cases) {
  const ajv = new Ajv2020({ strict: true });
  const validate = ajv.compile({ type: "string", pattern });
  for (let code = 0; code <= 0x10ffff; code++) {
    if (code >= 0xd800 && code <= 0xdfff) continue;
    const expected = !forbidden.some(([low, high]) => code >= low && code <= high);
    compared += 1;
    if (validate("a" + String.fromCodePoint(code) + "b") !== expected) {
      failures += 1;
      if (failures <= 10) console.error(`${pattern}: U+${code.toString(16)} should ${expected ? "" : "not "}match`);
    }
  }
}
console.log(`ajv: ${compared} code points, ${failures} disagreements`);
process.exit(failures === 0 ? 0 : 1);
