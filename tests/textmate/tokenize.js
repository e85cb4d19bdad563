// Tokenizes flow texts with the TextMate grammar, the way VS Code does.
// stdin: {"grammar": PATH, "texts": [TEXT, ...], "scope": SCOPE (default source.flow)}
// stdout: for each text, for each line, [[token text, [scope, ...]], ...]
"use strict";
const fs = require("fs");
const path = require("path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

async function main() {
  const input = JSON.parse(fs.readFileSync(0, "utf8"));
  const wasm = fs.readFileSync(path.join(path.dirname(require.resolve("vscode-oniguruma")), "onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async () =>
      vsctm.parseRawGrammar(fs.readFileSync(input.grammar, "utf8"), input.grammar),
  });
  const grammar = await registry.loadGrammar(input.scope || "source.flow");
  const out = input.texts.map((text) => {
    let state = vsctm.INITIAL;
    return text.split("\n").map((line) => {
      const result = grammar.tokenizeLine(line, state);
      state = result.ruleStack;
      return result.tokens.map((t) => [line.substring(t.startIndex, t.endIndex), t.scopes]);
    });
  });
  process.stdout.write(JSON.stringify(out));
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + "\n");
  process.exit(1);
});
