#!/usr/bin/env bash
# How futures and packages compare in 2050: every future × package over SEEDS seeds at AGENTS
# agents, then a summary of mean and spread (scripts/summarise.py). A finding, not a test.
# Usage: scripts/findings.sh [OUT] [AGENTS] [SEEDS]
set -euo pipefail
out=${1:-findings}
agents=${2:-100000}
seeds=${3:-10}
bin=${COHESION:-target/release/cohesion}
for future in baseline user-utopia wild-west big-brother big-business; do
  for policy in narrow broad; do
    for seed in $(seq 1 "$seeds"); do
      dir="$out/$future/$policy/$seed"
      [ -f "$dir/indicators.csv" ] && continue
      "$bin" run --future "$future" --policy "$policy" --agents "$agents" --years 25 --seed "$seed" --out "$dir" 2>/dev/null
    done
  done
done
python3 "$(dirname "$0")/summarise.py" "$out"
