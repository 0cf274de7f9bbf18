// Tokenizes `.form` files with the TextMate grammar as VS Code does (vscode-textmate on the
// Oniguruma engine) and prints, per file, one line per token: `line:column text → scopes`
// (without the root scope). Usage: node tokenize.mjs GRAMMAR FILE...
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import vsctm from "vscode-textmate";
import oniguruma from "vscode-oniguruma";

const require = createRequire(import.meta.url);
const [grammarPath, ...files] = process.argv.slice(2);
const wasm = readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer;
await oniguruma.loadWASM(wasm);
const registry = new vsctm.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
    createOnigString: (text) => new oniguruma.OnigString(text),
  }),
  loadGrammar: async () => vsctm.parseRawGrammar(readFileSync(grammarPath, "utf8"), grammarPath),
});
const grammar = await registry.loadGrammar("source.formwerk");
if (!grammar) throw new Error("the grammar did not load");
for (const file of files) {
  console.log(`# ${file}`);
  let state = vsctm.INITIAL;
  readFileSync(file, "utf8").split("\n").forEach((line, n) => {
    const result = grammar.tokenizeLine(line, state);
    for (const token of result.tokens) {
      const text = line.slice(token.startIndex, token.endIndex);
      if (!text.trim()) continue;
      const scopes = token.scopes.slice(1).join(" ");
      console.log(`${n + 1}:${token.startIndex + 1} ${JSON.stringify(text)} → ${scopes}`);
    }
    state = result.ruleStack;
  });
}
