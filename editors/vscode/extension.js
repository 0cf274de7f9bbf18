// The Formwerk extension: starts `formwerk lsp` (the path is the setting `formwerk.server.path`)
// as a language client for `.form` files. Everything else (diagnostics, hover, navigation,
// completion, rename, formatting, quick fixes) comes from the server.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("formwerk").get("server.path") || "formwerk";
  const server = { command, args: ["lsp"], transport: TransportKind.stdio };
  client = new LanguageClient(
    "formwerk",
    "Formwerk",
    { run: server, debug: server },
    {
      documentSelector: [{ scheme: "file", language: "formwerk" }, { scheme: "untitled", language: "formwerk" }],
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.form") },
    },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
