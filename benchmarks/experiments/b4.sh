#!/usr/bin/env bash
# B4: ensemble throughput on both cores against the same runs one after another (one core).
# Prints wall time, runs per hour, parallel efficiency and result size on disk.
# Usage: benchmarks/experiments/b4.sh [EXPERIMENT.toml]   (default: b4.toml beside this script)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
EXP=${1:-$HERE/b4.toml}
cargo build --release --manifest-path "$ROOT/Cargo.toml" -q
BIN="$ROOT/target/release/cohesion"
OUT=$(mktemp -d /tmp/cohesion-b4.XXXXXX)
CORES=$(nproc)
RUNS=$("$BIN" experiment plan "$EXP" --no-probe 2>/dev/null | awk '$1 == "runs" {print $2}')

timed() { # label threads folder
    local start end
    start=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$OUT/$1.rss" "$BIN" experiment run "$EXP" --out "$3" --threads "$2" --quiet --yes 2>/dev/null
    end=$(date +%s.%N)
    echo "$end - $start" | bc
}
both=$(timed both "$CORES" "$OUT/both")
one=$(timed one 1 "$OUT/one")
cmp "$OUT/both/results.parquet" "$OUT/one/results.parquet"
parts=$(du -sb "$OUT/both/parts" | cut -f1)
results=$(stat -c %s "$OUT/both/results.parquet")
rows=$(awk 'NR > 1 {s += $2} END {print s}' "$OUT/both/manifest.tsv")
printf "B4: %s runs (%s)\n" "$RUNS" "$(basename "$EXP")"
printf "%-28s %10s %10s %12s %12s\n" schedule "wall s" "runs/h" "peak RSS MB" "efficiency"
printf "%-28s %10.1f %10.0f %12.0f %12s\n" "one after another (1 core)" "$one" "$(echo "$RUNS*3600/$one" | bc -l)" "$(echo "$(cat "$OUT/one.rss")/1024" | bc -l)" "anchor"
printf "%-28s %10.1f %10.0f %12.0f %12.2f\n" "parallel ($CORES cores)" "$both" "$(echo "$RUNS*3600/$both" | bc -l)" "$(echo "$(cat "$OUT/both.rss")/1024" | bc -l)" "$(echo "$one/($both*$CORES)" | bc -l)"
printf "speed-up %.2f× on %s cores; results identical byte for byte\n" "$(echo "$one/$both" | bc -l)" "$CORES"
printf "disk: %s rows; parts %.1f MB (%.1f bytes/row), results.parquet %.1f MB\n" "$rows" "$(echo "$parts/1000000" | bc -l)" "$(echo "$parts/$rows" | bc -l)" "$(echo "$results/1000000" | bc -l)"
rm -rf "$OUT"
