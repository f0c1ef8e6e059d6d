#!/usr/bin/env bash
# Time `cohesion monitor import` on a synthetic Eurostat TSV (40 000 rows × 25 periods, ~6.4 MB,
# 5 % missing, 5 % flagged) with one mapped series. Usage: scripts/monitor-bench.sh [DIR]
set -euo pipefail
dir="${1:-/tmp/monitor-bench}"
mkdir -p "$dir"
python3 - "$dir" <<'PY'
import random, sys
d = sys.argv[1]
random.seed(1)
years = range(2000, 2025)
with open(f"{d}/estat_big.tsv", "w") as f:
    f.write("freq,unit,age,geo\\TIME_PERIOD\t" + "\t".join(f"{y} " for y in years) + "\n")
    for i in range(40000):
        cells = []
        for _ in years:
            r = random.random()
            cells.append(":" if r < 0.05 else f"{random.uniform(10, 90):.1f}" + (" p" if r > 0.95 else " "))
        f.write(f"A,PC,Y{i % 7},{'NL' if i == 123 else f'X{i}'}\t" + "\t".join(cells) + "\n")
with open(f"{d}/map.toml", "w") as f:
    f.write('[[table]]\nid = "big"\nformat = "eurostat-tsv"\nfile = "estat_big.tsv"\n'
            'source = "synthetic benchmark file"\nretrieved = "generated"\n\n'
            '[[series]]\ntable = "big"\nindicator = "volunteering"\ngroup = "all"\n'
            'where = { geo = "NL" }\nscale = 0.01\nsampling = { n = 5000 }\n')
PY
cargo build --release -q -p cohesion
rm -rf "$dir/out"
/usr/bin/time -f "import: %e s wall, %M KB peak" \
  target/release/cohesion monitor import "$dir/estat_big.tsv" --mapping "$dir/map.toml" --out "$dir/out" >/dev/null
