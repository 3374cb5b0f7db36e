#!/usr/bin/env bash
# The official MCP conformance suite against the built server: the server scenarios that apply to
# what this server offers (tools, prompts, resources; the other scenarios call the suite's own
# fixture tools, prompts and resources by name). The suite needs Node 22 or later: put one first on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

major=$(node -p 'process.versions.node.split(".")[0]')
if (( major < 22 )); then
  echo "The MCP conformance suite needs Node 22 or later (this is $(node --version)): put a newer node first on PATH." >&2
  exit 1
fi

port=$(node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close() })')
PORT=$port LOG_LEVEL=warn node dist/server.js &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "${logs:-}"' EXIT
node -e 'const url = process.argv[1]; const wait = () => fetch(url).then(r => { if (!r.ok) throw r }).catch(() => new Promise(resolve => setTimeout(resolve, 200)).then(wait)); wait()' "http://127.0.0.1:$port/health"
logs=$(mktemp -d)

failed=0
scenarios=(server-initialize ping tools-list prompts-list resources-list dns-rebinding-protection)
for scenario in "${scenarios[@]}"; do
  if node node_modules/@modelcontextprotocol/conformance/dist/index.js server --url "http://127.0.0.1:$port/mcp" --scenario "$scenario" > "$logs/$scenario.log" 2>&1; then
    echo "ok - $scenario"
  else
    echo "not ok - $scenario"; cat "$logs/$scenario.log"; failed=$((failed + 1))
  fi
done
echo "conformance: $((${#scenarios[@]} - failed)) passed, $failed failed"
exit $((failed > 0))
