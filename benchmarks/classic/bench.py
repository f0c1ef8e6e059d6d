"""Run B1/B2 in every implementation, print the comparison table and the agreement tests.

Called by run.sh (which builds everything first). Each run is one process under
/usr/bin/time -v; the stepping time comes from the program itself (set-up and graph
construction are timed apart), peak memory from time -v. Records go to out/runs.jsonl.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(HERE, "out")
OURS = os.path.join(ROOT, "target", "release", "cohesion")
PLAIN = os.path.join(HERE, "target", "release", "classic-plain")
KRABMAGA = os.path.join(HERE, "target", "release", "classic-krabmaga")
PYTHON = sys.executable

SIZES = {
    "quick": {"schelling": [100], "deffuant": [10_000]},
    "full": {"schelling": [100, 500, 1000], "deffuant": [10_000, 100_000, 1_000_000]},
}
# Mesa beyond these sizes takes 15-40 minutes a run; see abm-anchors.md for extrapolations.
MESA_LIMIT = {"schelling": int(os.environ.get("MESA_MAX_L", 500)),
              "deffuant": int(os.environ.get("MESA_MAX_N", 100_000))}
STEPS = 100


def command(framework, model, size, seed, steps=STEPS):
    if framework in ("ours-seq", "ours-par"):
        schedule = "sequential" if framework == "ours-seq" else "parallel"
        threads = "1" if framework == "ours-seq" else "2"
        flag = "--size" if model == "schelling" else "--agents"
        return [OURS, "classic", model, flag, str(size), "--steps", str(steps), "--seed", str(seed),
                "--schedule", schedule, "--threads", threads, "--json", "-"]
    if framework == "plain":
        return [PLAIN, model, str(size), str(steps), str(seed)]
    if framework == "krabmaga":
        return [KRABMAGA, model, str(size), str(steps), str(seed)]
    if framework == "mesa":
        return [PYTHON, os.path.join(HERE, "mesa", model + ".py"), str(size), str(steps), str(seed)]
    raise ValueError(framework)


def run_once(framework, model, size, seed):
    with tempfile.NamedTemporaryFile("r", suffix=".time") as timing:
        done = subprocess.run(["/usr/bin/time", "-v", "-o", timing.name]
                              + command(framework, model, size, seed),
                              capture_output=True, text=True, check=True)
        resources = timing.read()
    record = json.loads(done.stdout)
    if isinstance(record, list):
        record = record[0]
    for line in resources.splitlines():
        line = line.strip()
        if line.startswith("Maximum resident set size"):
            record["peak_mib"] = int(line.split(":")[-1]) / 1024
        if line.startswith(("User time", "System time")):
            record["cpu_s"] = record.get("cpu_s", 0.0) + float(line.split(":")[-1])
        if line.startswith("Elapsed (wall clock)"):
            clock = line.split(": ")[-1].split(":")
            record["wall_s"] = sum(float(x) * 60 ** i for i, x in enumerate(reversed(clock)))
    record.update(framework=framework, model=model, size=size,
                  load=float(open("/proc/loadavg").read().split()[0]))
    return record


def timed(framework, model, size, repeats):
    """Median of `repeats` runs (by stepping time) after one warm-up for the fast ones."""
    if repeats > 1:
        run_once(framework, model, size, 42)
    runs = sorted((run_once(framework, model, size, 42) for _ in range(repeats)),
                  key=lambda r: r["run_s"])
    best = dict(runs[len(runs) // 2])
    best["repeats"] = repeats
    best["run_s_range"] = [runs[0]["run_s"], runs[-1]["run_s"]]
    return best


def table(mode, frameworks):
    records = []
    for model in ("schelling", "deffuant"):
        for size in SIZES[mode][model]:
            for framework in frameworks:
                if framework == "mesa" and size > MESA_LIMIT[model]:
                    continue
                slow = framework in ("mesa", "krabmaga")
                repeats = 1 if slow and size > SIZES["quick"][model][0] else (3 if slow else 5)
                print(f"  {model} {size} {framework} ×{repeats}", file=sys.stderr, flush=True)
                records.append(timed(framework, model, size, repeats))
    with open(os.path.join(OUT, f"runs-{mode}.jsonl"), "w") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
    ours = {(r["model"], r["size"], r["framework"]): r["run_s"] for r in records}
    head = ("model", "size", "framework", "repeats", "setup_s", "step_s", "wall_s", "cpu_s",
            "activ/s", "peak_MiB", "load", "x_ours_seq", "x_ours_par")
    rows = []
    for r in records:
        seq = ours.get((r["model"], r["size"], "ours-seq"))
        par = ours.get((r["model"], r["size"], "ours-par"))
        rows.append((r["model"], str(r["size"]), r["framework"], str(r["repeats"]),
                     f"{r['setup_s']:.3f}", f"{r['run_s']:.3f}", f"{r['wall_s']:.2f}",
                     f"{r['cpu_s']:.2f}", f"{r['activations'] / r['run_s'] / 1e6:.2f}M",
                     f"{r['peak_mib']:.1f}", f"{r['load']:.1f}",
                     f"{r['run_s'] / seq:.2f}" if seq else "-",
                     f"{r['run_s'] / par:.2f}" if par else "-"))
    print_table(head, rows)


def print_table(head, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    for row in [head, ["-" * w for w in widths]] + list(rows):
        print("  ".join(str(x).rjust(w) for x, w in zip(row, widths)))
    print()


def two_sample(a, b):
    """Mann–Whitney U and Kolmogorov–Smirnov p-values; identical constant samples give 1."""
    from scipy.stats import ks_2samp, mannwhitneyu
    if len(set(a) | set(b)) == 1:
        return 1.0, 1.0
    return mannwhitneyu(a, b, alternative="two-sided").pvalue, ks_2samp(a, b).pvalue


def agreement(pairs, seeds):
    head = ("model", "size", "A", "B", "output", "mean A", "mean B", "p MWU", "p KS", "agree 5%")
    rows = []
    for model, size, first, second in pairs:
        samples = {}
        for framework in (first, second):
            print(f"  agreement {model} {size} {framework} × {len(seeds)} seeds",
                  file=sys.stderr, flush=True)
            runs = []
            for seed in seeds:
                r = subprocess.run(command(framework, model, size, seed), capture_output=True,
                                   text=True, check=True)
                rec = json.loads(r.stdout)
                runs.append(rec[0] if isinstance(rec, list) else rec)
            samples[framework] = runs
        outputs = (("like_share", "unhappy_share") if model == "schelling"
                   else ("large_clusters", "clusters"))
        for output in outputs:
            a = [r[output] for r in samples[first]]
            b = [r[output] for r in samples[second]]
            p_mwu, p_ks = two_sample(a, b)
            rows.append((model, str(size), first, second, output, f"{statistics.mean(a):.4f}",
                         f"{statistics.mean(b):.4f}", f"{p_mwu:.3f}", f"{p_ks:.3f}",
                         "yes" if min(p_mwu, p_ks) >= 0.05 else "NO"))
    print_table(head, rows)


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "quick"
    frameworks = [f for f in ("ours-seq", "ours-par", "plain", "krabmaga", "mesa")
                  if f not in os.environ.get("SKIP", "").split(",")]
    os.makedirs(OUT, exist_ok=True)
    if os.environ.get("ONLY") != "agreement":
        print(f"## Timing ({mode}; step_s = median stepping time, set-up timed apart)\n")
        table(mode, frameworks)
    if os.environ.get("ONLY") == "timing":
        return
    seeds = list(range(1, 21))
    small = {m: SIZES["quick"][m][0] for m in ("schelling", "deffuant")}
    pairs = [(m, small[m], "ours-seq", "plain") for m in small]
    pairs += [(m, small[m], "ours-seq", "ours-par") for m in small]
    if mode == "full":
        pairs += [("schelling", 500, "ours-seq", "plain"), ("deffuant", 100_000, "ours-seq", "plain")]
        if "mesa" in frameworks:
            pairs += [(m, small[m], "ours-seq", "mesa") for m in small]
    print(f"## Agreement over {len(seeds)} seeds (two-sided, 5 %)\n")
    agreement(pairs, seeds)


if __name__ == "__main__":
    main()
