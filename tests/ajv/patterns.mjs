// Compiles single patterns with ajv (draft 2020-12, strict mode), as a generated schema
// states them: `{"type": "string", "pattern": "^(?:…)$"}`.
// Input: a JSON file written by `tests/patterns.rs`: {"patterns": ["…", …]}.
// Output: one JSON line {"pattern", "compiles", "error"} per pattern.
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";

const input = JSON.parse(readFileSync(process.argv[2], "utf8"));
const ajv = new Ajv2020({ strict: true, allErrors: true });
for (const pattern of input.patterns) {
  try {
    ajv.compile({ type: "string", pattern });
    console.log(JSON.stringify({ pattern, compiles: true, error: null }));
  } catch (error) {
    console.log(JSON.stringify({ pattern, compiles: false, error: error.message }));
  }
}
