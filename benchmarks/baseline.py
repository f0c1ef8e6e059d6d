#!/usr/bin/env python3
"""Straightforward plain-Python baseline for `corpus-bench run` (issue 4, item 6).

Same operations on the same transcripts: index (tokenise, lower-case, inverted index), KWIC
first page for a rare and the most frequent word, the same page sorted on the right context,
collocates (5L/5R, logDice over all types), keyness of the two halves (4-term log-likelihood
over all types), and a 3-token sequence. Usage: baseline.py SRC_DIR [--json FILE]
"""
import json, math, os, re, resource, sys, time
from collections import Counter, defaultdict

TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
LABEL = re.compile(r"^\s*([^:()]{1,60}?)\s*(?:\(([^()]*)\))?\s*:\s*")


def timed(label, results, fn):
    t = time.perf_counter()
    out = fn()
    results.append((label, (time.perf_counter() - t) * 1000))
    return out


def index(src):
    tokens, sent_end = [], []
    for name in sorted(os.listdir(src)):
        if not name.endswith(".txt"):
            continue
        with open(os.path.join(src, name), encoding="utf-8") as f:
            for line in f:
                m = LABEL.match(line)
                body = line[m.end():] if m else line
                for w in TOKEN.findall(body):
                    tokens.append(w)
    lower = [w.lower() for w in tokens]
    post = defaultdict(list)
    for i, w in enumerate(lower):
        post[w].append(i)
    return tokens, lower, post


def kwic(tokens, positions, n=50, window=8, sort_right=False):
    if sort_right:
        positions = sorted(positions, key=lambda p: ([w.lower() for w in tokens[p + 1:p + 1 + window]], p))
    return [(" ".join(tokens[max(0, p - window):p]), tokens[p], " ".join(tokens[p + 1:p + 1 + window])) for p in positions[:n]]


def collocates(lower, positions, freq, left=5, right=5):
    n = len(lower)
    counts = Counter()
    nodes = set(positions)
    for p in positions:
        for q in range(max(0, p - left), min(n, p + right + 1)):
            if q != p and q not in nodes:
                counts[lower[q]] += 1
    f_node = len(positions)
    return sorted(((14 + math.log2(2 * o / (f_node + freq[w])), w) for w, o in counts.items() if o >= 5), reverse=True)[:50]


def g2(a, b, c, d):
    n = c + d
    o = [a, b, c - a, d - b]
    e = [c * (a + b) / n, d * (a + b) / n, c * (n - a - b) / n, d * (n - a - b) / n]
    return 2 * sum(x * math.log(x / y) for x, y in zip(o, e) if x > 0)


def keyness(lower):
    half = len(lower) // 2
    t, r = Counter(lower[:half]), Counter(lower[half:])
    c, d = half, len(lower) - half
    rows = [(g2(t[w], r[w], c, d), w) for w in set(t) | set(r) if t[w] + r[w] >= 3 and t[w] / c >= r[w] / d]
    return sorted(rows, reverse=True)[:100]


def sequence(lower, post, a, b, third):
    pat = re.compile(third)
    ok = {w for w in post if pat.fullmatch(w)}
    return [p for p in post.get(a, []) if p + 2 < len(lower) and lower[p + 1] == b and lower[p + 2] in ok]


def main():
    src = sys.argv[1]
    res = []
    tokens, lower, post = timed("import (plain text → index)", res, lambda: index(src))
    freq = {w: len(v) for w, v in post.items()}
    words = [w for w in post if w.isalpha()]
    frequent = max(words, key=lambda w: freq[w])
    rare = [w for w in words if 5 <= freq[w] <= 10]
    rare = rare[1000] if len(rare) > 1000 else rare[0]
    timed("KWIC first page, rare word", res, lambda: kwic(tokens, post[rare]))
    timed("KWIC first page, most frequent word", res, lambda: kwic(tokens, post[frequent]))
    timed("KWIC first page sorted right, most frequent word", res, lambda: kwic(tokens, post[frequent], sort_right=True))
    timed("collocates (5L 5R), most frequent word", res, lambda: collocates(lower, post[frequent], freq))
    timed("keyness, first vs second half", res, lambda: keyness(lower))
    timed("CQP 3-token sequence (in de .*ing)", res, lambda: sequence(lower, post, "in", "de", r".*ing"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(tokens)} tokens; rare = {rare!r}, frequent = {frequent!r}; peak RSS {peak:.0f} MB")
    for label, ms in res:
        print(f"{label:50s} {ms:12.1f} ms")
    if "--json" in sys.argv:
        with open(sys.argv[sys.argv.index("--json") + 1], "w") as f:
            json.dump({"tokens": len(tokens), "peak_rss_mb": peak, "ms": dict(res)}, f, indent=1)


if __name__ == "__main__":
    main()
