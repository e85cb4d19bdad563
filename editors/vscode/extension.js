// Starts `flowc lsp` for .flow and .calls files. Plain JavaScript: no build step.
"use strict";
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration("flowc").get("command", ["flowc", "lsp"]);
  client = new LanguageClient(
    "flowc",
    "flowc",
    { command, args },
    {
      documentSelector: [
        { scheme: "file", language: "flow" },
        { scheme: "untitled", language: "flow" },
        { scheme: "file", language: "flow-calls" },
      ],
    }
  );
  context.subscriptions.push(client);
  return client.start().catch((err) => {
    vscode.window.showErrorMessage(
      `Could not start \`${command} ${args.join(" ")}\`: ${err.message}. ` +
        "Install the server with: pip install 'flowc[lsp]' (or set flowc.command)."
    );
  });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
