#!/usr/bin/env python3
"""Straightforward plain-Python baseline for `corpus-bench` (issue 4, item 6).

The same operations as `corpus-bench run`, written the obvious way with the standard library:

  baseline.py import SRC_DIR INDEX_DIR      tokenise the transcripts, build an index, write it
  baseline.py op INDEX_DIR "LABEL"          load the index and run one operation (a user's
                                            command: what `corpus-bench op` does for Rust)
  baseline.py run SRC_DIR INDEX_DIR [--json FILE]
                                            import, then load once and time every operation
                                            in memory (warm), like `corpus-bench run`

The index on disk: the two lexicons (`word`, `lower`) as text, one type per line; token ids
per attribute, postings of `lower` (concatenated, with offsets), and sentence and text starts
as `array` files (machine-native unsigned ints), which load with one `fromfile` each.
"""
import bisect, json, math, os, re, resource, sys, time
from array import array
from collections import Counter

TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
LABEL = re.compile(r"^\s*([^:()]{1,60}?)\s*(?:\(([^()]*)\))?\s*:\s*")
SENTENCE_END = {".", "!", "?"}


# ---------------------------------------------------------------- import

def build(src, out):
    word_ids, lower_ids = array("I"), array("I")
    word_index, lower_index = {}, {}
    sent_starts, text_starts = array("I"), array("I")
    for name in sorted(os.listdir(src)):
        if not name.endswith(".txt"):
            continue
        text_starts.append(len(word_ids))
        sent_starts.append(len(word_ids))
        with open(os.path.join(src, name), encoding="utf-8") as f:
            for line in f:
                m = LABEL.match(line)
                body = line[m.end():] if m else line
                for w in TOKEN.findall(body):
                    word_ids.append(word_index.setdefault(w, len(word_index)))
                    lw = w.lower()
                    lower_ids.append(lower_index.setdefault(lw, len(lower_index)))
                    if w in SENTENCE_END:
                        sent_starts.append(len(word_ids))
        if sent_starts[-1] == len(word_ids) and len(sent_starts) > 1:
            sent_starts.pop()
    n = len(word_ids)
    sent_starts.append(n)
    text_starts.append(n)
    postings = [array("I") for _ in range(len(lower_index))]
    for pos, t in enumerate(lower_ids):
        postings[t].append(pos)
    offsets, flat = array("Q", [0]), array("I")
    for p in postings:
        flat.extend(p)
        offsets.append(len(flat))
    os.makedirs(out, exist_ok=True)
    for attr, index in (("word", word_index), ("lower", lower_index)):
        with open(os.path.join(out, attr + ".lex"), "w", encoding="utf-8") as f:
            f.write("\n".join(index))  # dicts keep insertion order: id order
    for fname, arr in (("word.ids", word_ids), ("lower.ids", lower_ids), ("lower.post", flat),
                       ("lower.postoff", offsets), ("s.starts", sent_starts), ("text.starts", text_starts)):
        with open(os.path.join(out, fname), "wb") as f:
            arr.tofile(f)
    return n


# ---------------------------------------------------------------- loading

class Index:
    def __init__(self, d):
        def lex(attr):
            with open(os.path.join(d, attr + ".lex"), encoding="utf-8") as f:
                return f.read().split("\n")

        def arr(fname, code):
            a = array(code)
            path = os.path.join(d, fname)
            with open(path, "rb") as f:
                a.fromfile(f, os.path.getsize(path) // a.itemsize)
            return a

        self.word_lex, self.lower_lex = lex("word"), lex("lower")
        self.lower_id = {w: i for i, w in enumerate(self.lower_lex)}
        self.word_ids, self.lower_ids = arr("word.ids", "I"), arr("lower.ids", "I")
        self.post, self.postoff = arr("lower.post", "I"), arr("lower.postoff", "Q")
        self.sent_starts, self.text_starts = arr("s.starts", "I"), arr("text.starts", "I")

    def positions(self, w):
        t = self.lower_id.get(w)
        return self.post[self.postoff[t]:self.postoff[t + 1]] if t is not None else array("I")

    def freq(self, t):
        return self.postoff[t + 1] - self.postoff[t]


# ---------------------------------------------------------------- operations

def kwic(ix, positions, n=50, window=8, sort_right=False):
    words, lex, lower, llex = ix.word_ids, ix.word_lex, ix.lower_ids, ix.lower_lex
    if sort_right:
        positions = sorted(positions, key=lambda p: ([llex[t] for t in lower[p + 1:p + 1 + window]], p))
    return [(" ".join(lex[t] for t in words[max(0, p - window):p]), lex[words[p]],
             " ".join(lex[t] for t in words[p + 1:p + 1 + window])) for p in positions[:n]]


def collocates(ix, positions, left=5, right=5, min_freq=5, top=50):
    """All measures of `corpus collocates` in windows clipped at the sentence, each window slot
    counted once (R1 = slots inspected)."""
    lower, starts, n = ix.lower_ids, ix.sent_starts, len(ix.lower_ids)
    nodes = set(positions)
    counts, slots, last_end = Counter(), 0, 0
    for p in positions:
        s = bisect.bisect_right(starts, p) - 1
        lo, hi = starts[s], starts[s + 1]
        frm = max(p - left, lo, min(last_end, p))
        to = min(p + 1 + right, hi)
        for q in list(range(frm, p)) + list(range(p + 1, to)):
            if q not in nodes:
                counts[lower[q]] += 1
                slots += 1
        last_end = to
    f_node = len(positions)
    rows = []
    for t, o11 in counts.items():
        if o11 < min_freq:
            continue
        f_coll = ix.freq(t)
        e11 = slots * f_coll / n
        o12, o21 = slots - o11, f_coll - o11
        o22 = n - slots - o21
        r2 = n - slots
        cells = [(o11, slots * f_coll / n), (o12, slots * (n - f_coll) / n),
                 (o21, r2 * f_coll / n), (o22, r2 * (n - f_coll) / n)]
        ll = 2 * sum(o * math.log(o / e) for o, e in cells if o > 0)
        rows.append((14 + math.log2(2 * o11 / (f_node + f_coll)), ix.lower_lex[t], o11,
                     math.log2(o11 / e11), math.log2(o11 ** 3 / e11), (o11 - e11) / math.sqrt(o11),
                     ll, o11 / slots - o21 / r2))
    rows.sort(key=lambda r: (-r[0], r[1]))
    return rows[:top]


def g2(a, b, c, d):
    n = c + d
    o = [a, b, c - a, d - b]
    e = [c * (a + b) / n, d * (a + b) / n, c * (n - a - b) / n, d * (n - a - b) / n]
    return 2 * sum(x * math.log(x / y) for x, y in zip(o, e) if x > 0)


def keyness(ix):
    half = len(ix.lower_ids) // 2
    t, r = Counter(ix.lower_ids[:half]), Counter(ix.lower_ids[half:])
    c, d = half, len(ix.lower_ids) - half
    rows = [(g2(t[w], r[w], c, d), ix.lower_lex[w]) for w in set(t) | set(r)
            if t[w] + r[w] >= 3 and t[w] / c >= r[w] / d]
    return sorted(rows, reverse=True)[:100]


def seq_in_de_ing(ix):
    pat = re.compile(r".*ing")
    ok = {i for i, w in enumerate(ix.lower_lex) if pat.fullmatch(w)}
    de, lower, n = ix.lower_id["de"], ix.lower_ids, len(ix.lower_ids)
    return [p for p in ix.positions("in") if p + 2 < n and lower[p + 1] == de and lower[p + 2] in ok]


def seq_de_any_van(ix):
    van, lower, n = ix.lower_id["van"], ix.lower_ids, len(ix.lower_ids)
    return [p for p in ix.positions("de") if p + 2 < n and lower[p + 2] == van]


def wordlist(ix, parts=10, top=100):
    """Frequency, range over texts, Juilland's D over equal parts, Gries' DP over texts."""
    lower, n = ix.lower_ids, len(ix.lower_ids)
    freq = Counter(lower)
    text_counts = [Counter(lower[a:b]) for a, b in zip(ix.text_starts, ix.text_starts[1:])]
    text_sizes = [b - a for a, b in zip(ix.text_starts, ix.text_starts[1:])]
    bounds = [n * i // parts for i in range(parts + 1)]
    part_counts = [Counter(lower[a:b]) for a, b in zip(bounds, bounds[1:])]
    rows = []
    for t, f in freq.items():
        rng = sum(1 for tc in text_counts if t in tc)
        shares = [pc[t] / (bounds[i + 1] - bounds[i]) for i, pc in enumerate(part_counts)]
        mean = sum(shares) / parts
        sd = math.sqrt(sum((x - mean) ** 2 for x in shares) / parts)
        d = 1 - (sd / mean) / math.sqrt(parts - 1) if mean > 0 else 0.0
        dp = 0.5 * sum(abs(tc[t] / f - size / n) for tc, size in zip(text_counts, text_sizes))
        rows.append((f, ix.lower_lex[t], rng, d, dp))
    rows.sort(key=lambda r: (-r[0], r[1]))
    return rows[:top]


def query_words(ix):
    """The most frequent alphabetic type, and the same rare word as corpus-bench: the 1001st
    alphabetic type with 5–10 hits in bytewise (= code point) order."""
    freq = {w: ix.freq(i) for i, w in enumerate(ix.lower_lex)}
    frequent = max((w for w in ix.lower_lex if w.isalpha()), key=lambda w: freq[w])
    rare = [w for w in sorted(ix.lower_lex) if w.isalpha() and 5 <= freq[w] <= 10]
    rare = rare[1000] if len(rare) > 1000 else rare[0]
    return frequent, rare


def operations(ix, words=None):
    """The operations under corpus-bench's labels. The query words are picked on first use
    (or given), so an operation that does not need them does not pay for picking them."""
    picked = [words]

    def word(i):
        if picked[0] is None:
            picked[0] = query_words(ix)
        return picked[0][i]

    return [
        ("KWIC first page, rare word", lambda: kwic(ix, ix.positions(word(1)))),
        ("KWIC first page, most frequent word", lambda: kwic(ix, ix.positions(word(0)))),
        ("KWIC first page sorted right, most frequent word",
         lambda: kwic(ix, ix.positions(word(0)), sort_right=True)),
        ("collocates (5L 5R), most frequent word", lambda: collocates(ix, ix.positions(word(0)))),
        ("keyness, first vs second half", lambda: keyness(ix)),
        ("CQP 3-token sequence (in de .*ing)", lambda: seq_in_de_ing(ix)),
        ("CQP 3-token sequence (de [] van)", lambda: seq_de_any_van(ix)),
        ("word list with range and dispersion", lambda: wordlist(ix)),
    ]


def ms_since(t):
    return (time.perf_counter() - t) * 1000


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "import":
        t = time.perf_counter()
        n = build(sys.argv[2], sys.argv[3])
        print(f"{n} tokens in {ms_since(t):.1f} ms")
    elif cmd == "op":
        t = time.perf_counter()
        ix = Index(sys.argv[2])
        load = ms_since(t)
        fn = dict(operations(ix))[sys.argv[3]]
        t = time.perf_counter()
        out = fn()
        print(f"{load:.3f}\t{ms_since(t):.3f}\t{len(out)} results")
    elif cmd == "run":
        src, out = sys.argv[2], sys.argv[3]
        res = []
        t = time.perf_counter()
        n = build(src, out)
        res.append(("import (plain text → index)", ms_since(t)))
        t = time.perf_counter()
        ix = Index(out)
        res.append(("load index", ms_since(t)))
        words = query_words(ix)  # picked before the clock starts, as corpus-bench run does
        for label, fn in operations(ix, words):
            t = time.perf_counter()
            fn()
            res.append((label, ms_since(t)))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{n} tokens; peak RSS {peak:.0f} MB")
        for label, ms in res:
            print(f"{label:50s} {ms:12.1f} ms")
        if "--json" in sys.argv:
            with open(sys.argv[sys.argv.index("--json") + 1], "w") as f:
                json.dump({"tokens": n, "peak_rss_mb": peak, "ms": dict(res)}, f, indent=1)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
