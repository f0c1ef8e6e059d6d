#!/usr/bin/env bash
# Build cohesion, start `cohesion serve` on a free port with a fresh data folder, run the
# browser tests, stop the server. Output (screenshots, results.json, server log) goes to
# $OUT (default target/e2e-serve).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="${OUT:-$root/target/e2e-serve}"
mkdir -p "$out"
cd "$root"
cargo build --release -p cohesion
if [ ! -d "$here/node_modules/playwright-core" ] || [ ! -d "$here/node_modules/axe-core" ]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
data="$(mktemp -d)"
target/release/cohesion serve --addr "127.0.0.1:$port" --data "$data" >"$out/server.log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/api/meta" >/dev/null && break
  sleep 0.1
done
cd "$here"
BASE_URL="http://127.0.0.1:$port" OUT="$out" node e2e.mjs
