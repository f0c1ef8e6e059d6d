"""Summarise scripts/findings.sh output: 2050 values per future x package, mean and sd over
seeds, and the broad - narrow difference with the sd of the paired differences."""
import csv, statistics, sys
from pathlib import Path

KEYS = [("all", "cohesion_index"), ("all", "generalised_trust"), ("all", "institutional_trust"),
        ("all", "income_gini"), ("all", "wealth_gini"), ("all", "skills_gap_edu"),
        ("all", "cross_group_ties"), ("all", "top_bottom_contact"), ("all", "lonely_share"),
        ("all", "esteban_ray"), ("edu_low", "cohesion_index"), ("edu_high", "cohesion_index"),
        ("top10", "cross_group_ties")]

def final(path):
    rows = list(csv.DictReader(open(path)))
    last = max(int(r["year"]) for r in rows)
    return {(r["group"], r["indicator"]): float(r["value"]) for r in rows if int(r["year"]) == last}

root = Path(sys.argv[1])
data = {}
for f in sorted(root.glob("*/*/*/indicators.csv")):
    future, policy, seed = f.parts[-4:-1]
    data.setdefault((future, policy), {})[seed] = final(f)
futures = sorted({k[0] for k in data})
print("2050 values: mean ± sd over seeds")
for g, ind in KEYS:
    print(f"\n{g}/{ind}")
    for fu in futures:
        line = f"  {fu:13}"
        for pol in ("narrow", "broad"):
            vals = [v[(g, ind)] for v in data.get((fu, pol), {}).values()]
            if vals:
                sd = statistics.stdev(vals) if len(vals) > 1 else float("nan")
                line += f"  {pol} {statistics.mean(vals):8.4f} ± {sd:.4f}"
        a, b = data.get((fu, "broad"), {}), data.get((fu, "narrow"), {})
        diffs = [a[s][(g, ind)] - b[s][(g, ind)] for s in a if s in b]
        if len(diffs) > 1:
            line += f"  broad-narrow {statistics.mean(diffs):+.4f} ± {statistics.stdev(diffs):.4f}"
        print(line)
