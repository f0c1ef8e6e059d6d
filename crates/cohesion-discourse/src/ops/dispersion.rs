//! What a word list needs per type besides its frequency: the counts in equal-sized corpus
//! parts (for Juilland's D), the number of texts it occurs in (range), and Gries' DP over texts.
//!
//! Two ways give bit-identical numbers. [`Scan`] reads every token of a subcorpus once and
//! keeps all types' counts. [`from_postings`] serves the whole corpus: each type's ascending
//! postings already say which parts and texts it occurs in, so only the types a word list
//! shows need any work (the top 100 of a 10 M-token corpus instead of every token).
//!
//! DP is accumulated text by text as ½ (1 + Σ_{texts with v > 0} (|v/f − s| − s)), which
//! equals ½ Σ_texts |v/f − s| because texts without the type contribute s each and all s sum
//! to 1. Both ways add the terms in text order, so they round alike.

use crate::index::open::{Attribute, Structure};
use crate::subcorpus::Spans;

/// One type's dispersion; `dp` is the sum before the final ½(1 + ·).
#[derive(Debug, Clone, PartialEq)]
pub struct Dispersion {
    pub parts: Vec<u32>,
    pub range: u32,
    pub dp_sum: f64,
}

/// The first position of each of `parts` equal parts of `size` positions, and `size` last:
/// position k is in part ⌊k·parts/size⌋, i.e. from ⌈p·size/parts⌉ on.
fn part_starts(size: u64, parts: usize) -> Vec<u64> {
    let p = parts as u64;
    (0..=p).map(|i| (i * size).div_ceil(p)).collect()
}

/// All types' counts from one pass over the tokens of `spans`.
pub struct Scan {
    pub freq: Vec<u64>,
    per_part: Vec<u32>,
    range: Vec<u32>,
    dp_sum: Vec<f64>,
    parts: usize,
}

impl Scan {
    pub fn new(ids: &[u32], types: usize, texts: &Structure, spans: &Spans, parts: usize) -> Self {
        let size = spans.size().max(1);
        let starts = part_starts(size, parts);
        let mut freq = vec![0u64; types];
        let mut per_part = vec![0u32; types * parts];
        let mut part = 0;
        for (k, pos) in spans.positions().enumerate() {
            while starts[part + 1] <= k as u64 {
                part += 1;
            }
            let id = ids[pos as usize] as usize;
            freq[id] += 1;
            per_part[id * parts + part] += 1;
        }
        // Text by text: range and DP.
        let mut range = vec![0u32; types];
        let mut dp_sum = vec![0f64; types];
        let mut count = vec![0u32; types];
        let mut touched: Vec<u32> = Vec::new();
        let mut flush = |touched: &mut Vec<u32>, count: &mut [u32], text_size: u64| {
            let s = text_size as f64 / size as f64;
            for &id in touched.iter() {
                let v = count[id as usize] as f64;
                range[id as usize] += 1;
                dp_sum[id as usize] += (v / freq[id as usize] as f64 - s).abs() - s;
                count[id as usize] = 0;
            }
            touched.clear();
        };
        let (mut ti, mut in_text, mut walk) = (usize::MAX, 0u64, 0usize);
        for pos in spans.positions() {
            // Positions ascend, so the text is found by walking forward.
            while walk + 1 < texts.len() && texts.span(walk).1 <= pos {
                walk += 1;
            }
            if walk != ti {
                flush(&mut touched, &mut count, in_text);
                (ti, in_text) = (walk, 0);
            }
            let id = ids[pos as usize];
            if count[id as usize] == 0 {
                touched.push(id);
            }
            count[id as usize] += 1;
            in_text += 1;
        }
        flush(&mut touched, &mut count, in_text);
        Scan {
            freq,
            per_part,
            range,
            dp_sum,
            parts,
        }
    }

    pub fn get(&self, id: u32) -> Dispersion {
        let i = id as usize;
        Dispersion {
            parts: self.per_part[i * self.parts..(i + 1) * self.parts].to_vec(),
            range: self.range[i],
            dp_sum: self.dp_sum[i],
        }
    }
}

/// The whole corpus' texts as [`Scan`] sees them: the end of each text, and the number of
/// corpus positions counted in it (a position before or between texts counts in the next
/// one, after the last text in the last one).
pub struct Texts {
    ends: Vec<u32>,
    sizes: Vec<u64>,
    tokens: u32,
}

impl Texts {
    pub fn new(texts: &Structure, tokens: u32) -> Self {
        let n = texts.len();
        let ends: Vec<u32> = (0..n).map(|i| texts.span(i).1).collect();
        let mut sizes = Vec::with_capacity(n);
        let mut from = 0u32;
        for (i, &e) in ends.iter().enumerate() {
            let to = if i + 1 == n { tokens } else { e.max(from) };
            sizes.push((to.max(from) - from) as u64);
            from = to.max(from);
        }
        Texts {
            ends,
            sizes,
            tokens,
        }
    }
}

/// One type's dispersion over the whole corpus from its postings (`texts` must not be empty).
pub fn from_postings(a: &Attribute, id: u32, texts: &Texts, parts: usize) -> Dispersion {
    let size = (texts.tokens as u64).max(1);
    let starts = part_starts(size, parts);
    let posts = a.postings(id);
    let f = posts.len() as f64;
    let last = texts.ends.len() - 1;
    let mut d = Dispersion {
        parts: vec![0; parts],
        range: 0,
        dp_sum: 0.0,
    };
    let (mut part, mut text, mut in_text) = (0, 0, 0u32);
    let close = |d: &mut Dispersion, text: usize, v: u32| {
        let s = texts.sizes[text] as f64 / size as f64;
        d.range += 1;
        d.dp_sum += (v as f64 / f - s).abs() - s;
    };
    for &pos in posts {
        while starts[part + 1] <= pos as u64 {
            part += 1;
        }
        d.parts[part] += 1;
        if text < last && texts.ends[text] <= pos {
            if in_text > 0 {
                close(&mut d, text, in_text);
            }
            text = (text + texts.ends[text..].partition_point(|&e| e <= pos)).min(last);
            in_text = 0;
        }
        in_text += 1;
    }
    if in_text > 0 {
        close(&mut d, text, in_text);
    }
    d
}
