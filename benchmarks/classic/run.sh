#!/usr/bin/env bash
# Build and run B1 (Schelling) and B2 (Deffuant) in every implementation: ours (sequential on
# one thread, parallel on two), a plain Rust loop, krABMaga 0.6.2 and Mesa 3.3.1; print the
# timing table and the agreement tests.
#
#   benchmarks/classic/run.sh quick   # L=100, N=10^4 (a few minutes, Mesa included)
#   benchmarks/classic/run.sh full    # L=100,500,1000 and N=10^4,10^5,10^6 (about half an hour)
#
# Environment: SKIP=mesa,krabmaga leaves frameworks out; ONLY=timing|agreement runs one half;
# MESA_MAX_L / MESA_MAX_N (default 500 / 100000) cap Mesa's sizes; MESA_PYTHON uses an
# existing interpreter with mesa==3.3.1, networkx and scipy instead of creating .venv.
set -euo pipefail
mode=${1:-quick}
case "$mode" in quick|full) ;; *) echo "usage: $0 quick|full" >&2; exit 2 ;; esac
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export CARGO_TARGET_DIR="$here/target"

echo "building ours, the plain loop and krABMaga…" >&2
(cd "$root" && CARGO_TARGET_DIR="$root/target" cargo build --release -q -p cohesion)
(cd "$here/plain" && cargo build --release -q)
if [[ ",${SKIP:-}," != *",krabmaga,"* ]]; then
  (cd "$here/krabmaga" && cargo build --release -q)
fi

python=${MESA_PYTHON:-$here/.venv/bin/python}
if [[ ! -x "$python" ]]; then
  echo "creating $here/.venv with mesa==3.3.1…" >&2
  python3 -m venv "$here/.venv"
  "$here/.venv/bin/pip" install -q mesa==3.3.1 networkx==3.6.1 numpy scipy
fi
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
exec "$python" "$here/bench.py" "$mode"
