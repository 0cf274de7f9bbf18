// Runs html-validate (the configuration in .htmlvalidate.mjs) on every file named in the JSON
// list given as the only argument (`{"files": [...]}`) and prints each error as
// `file:line:column: rule: message`; exits 1 when there is any.
//
// html-validate 11 declares Node.js ^22.22 || >=24.8; its command line needs `fs.globSync`
// (Node.js 22), but the API used here runs on Node.js 20 (checked on 20.20), and older versions
// lack `Array.prototype.toSorted`, which it calls.
const major = Number(process.versions.node.split(".")[0]);
if (major < 20) {
  console.error(`html-validate needs Node.js 20 or newer, this is ${process.versions.node}`);
  process.exit(2);
}
const { readFileSync } = await import("node:fs");
const { HtmlValidate, StaticConfigLoader } = await import("html-validate");
const { default: config } = await import("./.htmlvalidate.mjs");

const { files } = JSON.parse(readFileSync(process.argv[2], "utf8"));
const validator = new HtmlValidate(new StaticConfigLoader(config));
const counts = new Map();
let errors = 0;
for (const file of files) {
  const report = await validator.validateFile(file);
  for (const result of report.results) {
    for (const m of result.messages) {
      if (m.severity < 2) continue;
      errors += 1;
      counts.set(m.ruleId, (counts.get(m.ruleId) ?? 0) + 1);
      console.log(`${file}:${m.line}:${m.column}: ${m.ruleId}: ${m.message}`);
    }
  }
}
for (const [rule, n] of [...counts].sort()) console.log(`  ${rule}: ${n}`);
console.log(`html-validate: checked ${files.length} files, ${errors} errors`);
process.exit(errors === 0 ? 0 : 1);
