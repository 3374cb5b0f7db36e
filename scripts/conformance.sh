#!/usr/bin/env bash
# The official MCP conformance suite against the built server, in both protocol revisions it serves:
# - 2025 (suite 0.1.16): server-initialize, ping, tools-list, prompts-list, resources-list,
#   dns-rebinding-protection;
# - 2026-07-28 (suite 0.2.0-alpha.12, --spec-version 2026-07-28): server-stateless, caching,
#   http-header-validation, sep-2164-resource-not-found, tools-list, resources-list, prompts-list,
#   dns-rebinding-protection, with the four server-stateless checks that need the suite's fixture
#   tool listed in conformance-expected-failures.yaml.
# The other server scenarios call the suite's own fixture tools, prompts and resources by name (the
# README lists them). The suite needs Node 22 or later: put one first on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

major=$(node -p 'process.versions.node.split(".")[0]')
if (( major < 22 )); then
  echo "The MCP conformance suite needs Node 22 or later (this is $(node --version)): put a newer node first on PATH." >&2
  exit 1
fi

port=$(node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close() })')
PORT=$port LOG_LEVEL=warn RATE_LIMIT_MAX=10000 node dist/server.js &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "${logs:-}"' EXIT
node -e 'const url = process.argv[1]; const wait = () => fetch(url).then(r => { if (!r.ok) throw r }).catch(() => new Promise(resolve => setTimeout(resolve, 200)).then(wait)); wait()' "http://127.0.0.1:$port/health"
logs=$(mktemp -d)

passed=0
failed=0
# run <suite package> <scenario> [extra arguments]
run () {
  local suite=$1 scenario=$2 log
  shift 2
  log="$logs/$suite-$scenario.log"
  if node "node_modules/@modelcontextprotocol/$suite/dist/index.js" server --url "http://127.0.0.1:$port/mcp" --scenario "$scenario" "$@" > "$log" 2>&1; then
    echo "ok - $scenario ($suite: $(grep -oE 'Passed: [0-9]+/[0-9]+' "$log" || echo passed))"
    passed=$((passed + 1))
  else
    echo "not ok - $scenario ($suite)"; cat "$log"; failed=$((failed + 1))
  fi
}

echo "# revision 2025 (initialize handshake)"
for scenario in server-initialize ping tools-list prompts-list resources-list dns-rebinding-protection; do
  run conformance "$scenario"
done
echo "# revision 2026-07-28 (stateless, per-request _meta)"
for scenario in server-stateless caching http-header-validation sep-2164-resource-not-found tools-list resources-list prompts-list dns-rebinding-protection; do
  run conformance-2026 "$scenario" --spec-version 2026-07-28 --expected-failures scripts/conformance-expected-failures.yaml
done
echo "conformance: $passed passed, $failed failed"
exit $((failed > 0))
