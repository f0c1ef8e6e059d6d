#!/usr/bin/env python3
"""Rust (`corpus-bench`) against the Python baseline (`baseline.py`) on the same transcripts.

  compare.py --bench target/release/corpus-bench --src SRC_DIR --work WORK_DIR [--reps 3]

1. Warm: `corpus-bench run` and `baseline.py run` each import SRC into WORK and time every
   operation in one process (Rust: memory-mapped index; Python: index loaded into memory).
2. Fresh: every operation again as a new process (`corpus-bench op`, `baseline.py op`), as a
   user's command runs: start, open/load the index, run, exit. The wall time of the whole
   process is taken, median of --reps runs. The operating system's file cache is warm for
   both (the index was just written), so "fresh" means a fresh process, not a cold disk.

Prints a Markdown table; the ratio columns are Python time / Rust time.
"""
import argparse, json, os, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))


def wall(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - t) * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--reps", type=int, default=3)
    a = ap.parse_args()
    rust_dir, py_dir = os.path.join(a.work, "rust"), os.path.join(a.work, "python")
    rj, pj = os.path.join(a.work, "rust.json"), os.path.join(a.work, "python.json")
    subprocess.run([a.bench, "run", "--src", a.src, "--corpus", rust_dir, "--json", rj], check=True)
    subprocess.run([sys.executable, os.path.join(HERE, "baseline.py"), "run", a.src, py_dir, "--json", pj],
                   check=True)
    rust = {row["operation"]: row["ms"] for row in json.load(open(rj))}
    py = json.load(open(pj))
    labels = [l for l in py["ms"] if l not in ("load index",)]
    print(f"\nload average at start of the fresh runs: {os.getloadavg()}")
    print("\n| operation | Rust warm ms | Python warm ms | ratio | Rust fresh process ms | Python fresh process ms | ratio |")
    print("|---|---|---|---|---|---|---|")
    for label in labels:
        rw, pw = rust.get(label), py["ms"][label]
        if label.startswith("import"):
            rf, pf = rw, pw
        else:
            rf = statistics.median(wall([a.bench, "op", "--corpus", rust_dir, "--op", label]) for _ in range(a.reps))
            pf = statistics.median(wall([sys.executable, os.path.join(HERE, "baseline.py"), "op", py_dir, label])
                                   for _ in range(a.reps))
        ratio = lambda p, r: f"{p / r:.0f}×" if r and r > 0 else "—"
        print(f"| {label} | {rw:.1f} | {pw:.1f} | {ratio(pw, rw)} | {rf:.1f} | {pf:.1f} | {ratio(pf, rf)} |")
    print(f"\nPython peak RSS {py['peak_rss_mb']:.0f} MB; Rust peak RSS {rust.get('peak resident memory (MB)', 0):.0f} MB;"
          f" load average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
