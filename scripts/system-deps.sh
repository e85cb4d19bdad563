#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, once. Safe to run again:
# it only calls apt-get when a listed program is missing.
set -euo pipefail

# program -> Debian package
declare -A NEEDS=(
    [node]=nodejs  # the TextMate grammar test runs vscode-textmate
    [npm]=npm
    [dot]=graphviz
    [chromium]=chromium
    [chromedriver]=chromium-driver
    [nvim]=neovim  # the language server test drives Neovim's built-in client, headless
)

missing=()
for program in "${!NEEDS[@]}"; do
    command -v "$program" >/dev/null 2>&1 || missing+=("${NEEDS[$program]}")
done
# The flask target's storage tests start a throw-away PostgreSQL server
# (tests/pg_server.py); Debian keeps its programs in /usr/lib/postgresql/*/bin.
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && ! command -v initdb >/dev/null 2>&1; then
    missing+=(postgresql)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "installing Debian packages: ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
