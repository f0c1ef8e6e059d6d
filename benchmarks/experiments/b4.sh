#!/usr/bin/env bash
# B4: ensemble throughput on both cores against the same runs one after another (one core).
# Prints wall time, runs per hour, parallel efficiency and result size on disk.
# Usage: benchmarks/experiments/b4.sh [EXPERIMENT.toml]   (default: b4.toml beside this script)
# ANCHOR_SHARDS=K times the one-core anchor on shard 1/K only (every K-th run of the same
# experiment) and scales it by K, to save time; the default K=1 times all runs.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
EXP=${1:-$HERE/b4.toml}
K=${ANCHOR_SHARDS:-1}
cargo build --release --manifest-path "$ROOT/Cargo.toml" -q
BIN="$ROOT/target/release/cohesion"
OUT=$(mktemp -d /tmp/cohesion-b4.XXXXXX)
CORES=$(nproc)
RUNS=$("$BIN" experiment plan "$EXP" --no-probe 2>/dev/null | awk '$1 == "runs" {print $2}')
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }

timed() { # label threads folder [extra args]
    local label=$1 threads=$2 dir=$3 start end
    shift 3
    start=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$OUT/$label.rss" \
        "$BIN" experiment run "$EXP" --out "$dir" --threads "$threads" --quiet --yes "$@" 2>/dev/null
    end=$(date +%s.%N)
    calc "$end - $start"
}
both=$(timed both "$CORES" "$OUT/both")
if [ "$K" = 1 ]; then
    one=$(timed one 1 "$OUT/one")
    cmp "$OUT/both/results.parquet" "$OUT/one/results.parquet"
    anchor_note="all $RUNS runs"
else
    part=$(timed one 1 "$OUT/one" --shard "1/$K")
    one=$(calc "$part * $K")
    for p in "$OUT"/one/shard-1-of-"$K"/parts/*.parquet; do
        cmp "$p" "$OUT/both/parts/$(basename "$p")"
    done
    anchor_note="shard 1/$K ($(ls "$OUT"/one/shard-1-of-"$K"/parts | wc -l) runs) in $(printf %.1f "$part") s, × $K"
fi
parts=$(du -sb "$OUT/both/parts" | cut -f1)
results=$(stat -c %s "$OUT/both/results.parquet")
rows=$(awk 'NR > 1 {s += $2} END {print s}' "$OUT/both/manifest.tsv")
printf "B4: %s runs (%s); one-core anchor: %s\n" "$RUNS" "$(basename "$EXP")" "$anchor_note"
printf "%-28s %10s %10s %12s %12s\n" schedule "wall s" "runs/h" "peak RSS MB" "efficiency"
printf "%-28s %10.1f %10.0f %12.0f %12s\n" "one after another (1 core)" "$one" "$(calc "$RUNS*3600/$one")" "$(calc "$(cat "$OUT/one.rss")/1024")" "anchor"
printf "%-28s %10.1f %10.0f %12.0f %12.2f\n" "parallel ($CORES cores)" "$both" "$(calc "$RUNS*3600/$both")" "$(calc "$(cat "$OUT/both.rss")/1024")" "$(calc "$one/($both*$CORES)")"
printf "speed-up %.2f× on %s cores; the runs timed on one core are byte-identical to the parallel ones\n" "$(calc "$one/$both")" "$CORES"
printf "disk: %s rows; parts %.1f MB (%.1f bytes/row), results.parquet %.1f MB\n" "$rows" "$(calc "$parts/1000000")" "$(calc "$parts/$rows")" "$(calc "$results/1000000")"
rm -rf "$OUT"
