#!/usr/bin/env bash
# Builds the VS Code extension locally into `editors/vscode/formwerk.vsix` (not published):
# copies the TextMate grammar from `editors/textmate/`, installs the locked dependencies with
# `npm ci` and packages with vsce. Install the result with
# `code --install-extension editors/vscode/formwerk.vsix`; `formwerk` must be on the PATH
# (or set `formwerk.server.path`).
set -euo pipefail
cd "$(dirname "$0")"
cp ../textmate/formwerk.tmLanguage.json formwerk.tmLanguage.json
npm ci --no-audit --no-fund
# The client library is bundled as installed (no bundler): package with node_modules.
npx vsce package --allow-missing-repository --skip-license -o formwerk.vsix
echo "built $(pwd)/formwerk.vsix"
