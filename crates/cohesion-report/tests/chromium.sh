#!/usr/bin/env bash
# The report renders in a real browser and every chart has data (issue 8, item 4).
#
#   bash crates/cohesion-report/tests/chromium.sh [path/to/cohesion]
#
# Installs Debian's `chromium` if it is missing, builds a tiny experiment, imports the shipped
# monitor snapshots and the corpus fixture, renders the report (with its PDF), loads it in
# headless Chromium, and checks the DOM Chromium built: every chart has its band and median
# paths with non-empty `d`, and as many observation points as the data gave it. Saves a
# screenshot and the PDF under target/report-test/.
set -euo pipefail
cd "$(dirname "$0")/../../.."
BIN=${1:-target/release/cohesion}
OUT=target/report-test
[ -x "$BIN" ] || { echo "no cohesion binary at $BIN (cargo build --release -p cohesion)" >&2; exit 1; }

find_chromium() {
  for n in chromium chromium-browser google-chrome google-chrome-stable; do
    command -v "$n" && return 0
  done
  return 1
}
if ! CHROMIUM=$(find_chromium); then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo -E"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  CHROMIUM=$(find_chromium)
fi
echo "browser: $CHROMIUM ($("$CHROMIUM" --version 2>/dev/null || echo unknown version))"

rm -rf "$OUT"
mkdir -p "$OUT"
cat > "$OUT/experiment.toml" <<'TOML'
name = "report-browser-test"
seed = 3
agents = 300
years = 3
replications = 3
futures = ["baseline", "wild-west", "big-brother"]
packages = ["narrow", "broad"]

[[outcome]]
indicator = "cohesion_index"
groups = ["*"]

[[outcome]]
indicator = "generalised_trust"

[[outcome]]
indicator = "institutional_trust"

[[outcome]]
indicator = "lonely_share"

[[outcome]]
indicator = "income_gini"
TOML
"$BIN" experiment run "$OUT/experiment.toml" --out "$OUT/experiment" >/dev/null
S=crates/cohesion-monitor/data/snapshots
"$BIN" monitor import "$S"/*.csv "$S"/*.json "$S"/*.tsv \
  --mapping crates/cohesion-monitor/data/mappings.toml --out "$OUT/monitor" >/dev/null
T=crates/cohesion-discourse/tests/fixtures/transcripts
"$BIN" corpus import --format text --meta "$T/speakers.csv" "$T/workshop.txt" --out "$OUT/corpus" >/dev/null
COHESION_CHROMIUM="$CHROMIUM" "$BIN" report --experiment "$OUT/experiment" --monitor "$OUT/monitor" \
  --cib data/cib/study.toml --corpus "$OUT/corpus" --query overheid --out "$OUT/report"

HTML=$(realpath "$OUT/report/report.html")
PROFILE=$(mktemp -d)
trap 'rm -rf "$PROFILE"' EXIT
CH=("$CHROMIUM" --headless --no-sandbox --disable-gpu --user-data-dir="$PROFILE")
"${CH[@]}" --dump-dom "file://$HTML" > "$OUT/dom.html" 2>/dev/null
"${CH[@]}" --screenshot="$(realpath "$OUT")/screenshot.png" --window-size=1280,4000 "file://$HTML" >/dev/null 2>&1
"${CH[@]}" --no-pdf-header-footer --print-to-pdf="$(realpath "$OUT")/printed.pdf" "file://$HTML" >/dev/null 2>&1

python3 - "$OUT/dom.html" <<'PY'
import sys
from html.parser import HTMLParser

class Charts(HTMLParser):
    """Collect, per <figure class="chart">, its declared counts and the marks inside it."""
    def __init__(self):
        super().__init__()
        self.charts, self.current = [], None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "figure" and "chart" in (a.get("class") or "").split():
            self.current = {"kind": a.get("data-kind"), "fans": int(a["data-fans"]),
                            "observations": int(a["data-observations"]),
                            "band": 0, "line": 0, "obs": 0, "svg": 0, "badge": 0}
        elif self.current is not None:
            cls = a.get("class") or ""
            if tag == "svg":
                self.current["svg"] += 1
            if tag == "path" and (a.get("d") or "").strip().startswith("M") and cls in ("band", "line"):
                self.current[cls] += 1
            if tag == "circle" and cls == "obs":
                self.current["obs"] += 1
            if a.get("data-provenance") == "reconstructed":
                self.current["badge"] += 1
    def handle_endtag(self, tag):
        if tag == "figure" and self.current is not None:
            self.charts.append(self.current)
            self.current = None

dom = open(sys.argv[1], encoding="utf-8").read()
p = Charts()
p.feed(dom)
bad = []
for i, c in enumerate(p.charts):
    if c["svg"] != 1 or c["fans"] < 1 or c["band"] < c["fans"] or c["line"] < c["fans"]:
        bad.append(f"chart {i} ({c['kind']}): {c}")
    if c["obs"] != c["observations"]:
        bad.append(f"chart {i}: {c['obs']} points drawn, {c['observations']} observations given")
    if c["badge"] < 1:
        bad.append(f"chart {i}: no provenance badge")
kinds = {k: sum(1 for c in p.charts if c["kind"] == k) for k in ("fan", "gap")}
points = sum(c["obs"] for c in p.charts)
print(f"DOM: {len(p.charts)} charts ({kinds['fan']} fan, {kinds['gap']} gap), "
      f"{sum(c['band'] for c in p.charts)} bands, {sum(c['line'] for c in p.charts)} medians, {points} observed points")
# 3 futures × 5 key indicators; 4 group pairs × 3 futures.
if kinds != {"fan": 15, "gap": 12}:
    bad.append(f"expected 15 fan and 12 gap charts, found {kinds}")
if points == 0:
    bad.append("no observed point drawn")
for needle in ('id="policy"', 'id="cib"', 'id="discourse"', 'class="kwic-match"', 'id="fn-presets"', 'id="fn-judgements"'):
    if needle not in dom:
        bad.append(f"missing {needle}")
if bad:
    print("\n".join(bad), file=sys.stderr)
    sys.exit(1)
PY

# A blank 1280×4000 page is about 20 KB as PNG; the report's first screen is hundreds.
for f in "$OUT/report/report.pdf" "$OUT/printed.pdf"; do
  head -c 4 "$f" | grep -q '%PDF' || { echo "$f is not a PDF" >&2; exit 1; }
done
size=$(stat -c %s "$OUT/screenshot.png")
[ "$size" -gt 100000 ] || { echo "screenshot looks blank ($size bytes)" >&2; exit 1; }
pages=$(grep -ac '/Type /Page$\|/Type /Page[^s]' "$OUT/report/report.pdf" || true)
echo "ok: screenshot $OUT/screenshot.png ($size bytes), PDF $OUT/report/report.pdf ($(stat -c %s "$OUT/report/report.pdf") bytes, ~$pages pages)"
