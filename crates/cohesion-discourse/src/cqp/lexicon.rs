//! Resolving a value test against an attribute's lexicon: the ids of the types that match.
//!
//! A plain string is one binary search; a literal prefix (`digitali.*`) is a range of the
//! sorted lexicon; a literal suffix or infix (`.*ing`, `.*digi.*`) is a byte comparison per
//! type; anything else runs the regex over every type, on all cores, on the raw
//! bytes (the lexicon is UTF-8 by construction, so no per-type check is needed). The result
//! is ascending whatever the thread count.

use super::parse::Value;
use super::value::ValueMatcher;
use crate::index::open::Attribute;
use cohesion_io::{Error, Result};
use rayon::prelude::*;

const SPECIAL: &str = "\\.[]{}()*+?|^$";

fn is_literal(s: &str) -> bool {
    !s.chars().any(|c| SPECIAL.contains(c))
}

/// Ascending ids of the types of `a` whose string matches `v` as a whole.
pub fn matching_ids(a: &Attribute, v: &Value) -> Result<Vec<u32>> {
    let plain = !v.ignore_case && !v.ignore_diacritics;
    if plain && is_literal(&v.text) {
        return Ok(a.id_of(&v.text).into_iter().collect());
    }
    if let Some(prefix) = v.text.strip_suffix(".*").filter(|p| plain && is_literal(p)) {
        return Ok(prefix_range(a, prefix.as_bytes()));
    }
    let n = a.types() as u32;
    let chunk = 1 << 14;
    let ranges: Vec<u32> = (0..n.div_ceil(chunk)).collect();
    let scan = |keep: &(dyn Fn(&[u8]) -> bool + Sync)| -> Vec<u32> {
        ranges
            .par_iter()
            .flat_map_iter(|&c| {
                (c * chunk..((c + 1) * chunk).min(n)).filter(|&i| keep(a.bytes_of(i)))
            })
            .collect()
    };
    // `.*ing` and `.*digi.*`: a byte comparison per type instead of a regex.
    if let Some(suffix) = v.text.strip_prefix(".*").filter(|s| plain && is_literal(s)) {
        return Ok(ends_with(a, suffix.as_bytes(), &ranges, chunk));
    }
    if let Some(inner) = v
        .text
        .strip_prefix(".*")
        .and_then(|s| s.strip_suffix(".*"))
        .filter(|s| plain && is_literal(s))
    {
        let inner = inner.as_bytes();
        if inner.is_empty() {
            return Ok((0..n).collect());
        }
        return Ok(scan(&|b| b.windows(inner.len()).any(|w| w == inner)));
    }
    if v.ignore_diacritics {
        // Folding needs the string; the regex then runs on the folded form.
        let vm = ValueMatcher::new(v)?;
        return Ok(ranges
            .par_iter()
            .flat_map_iter(|&c| {
                (c * chunk..((c + 1) * chunk).min(n)).filter(|&i| vm.is_match(a.str_of(i)))
            })
            .collect());
    }
    let re = regex::bytes::RegexBuilder::new(&format!("^(?:{})$", v.text))
        .case_insensitive(v.ignore_case)
        .build()
        .map_err(|e| Error::input(format!("query: bad regular expression \"{}\": {e}", v.text)))?;
    Ok(scan(&|b| re.is_match(b)))
}

/// The ids of the types ending with `suffix`. A suffix of up to eight bytes is compared as
/// one integer read from the end of each string (the lexicon is one byte string, so the eight
/// bytes before a type's end are readable once past the first few types).
fn ends_with(a: &Attribute, suffix: &[u8], ranges: &[u32], chunk: u32) -> Vec<u32> {
    let (lex, off) = a.lexicon_bytes();
    let n = a.types() as u32;
    let len = suffix.len();
    let short = (1..=8).contains(&len);
    let (mut want, mut mask) = (0, 0);
    if short {
        let mut padded = [0u8; 8];
        padded[8 - len..].copy_from_slice(suffix);
        (want, mask) = (u64::from_le_bytes(padded), u64::MAX << (8 * (8 - len)));
    }
    let keep = |i: u32| {
        let (start, end) = (off[i as usize] as usize, off[i as usize + 1] as usize);
        if end - start < len {
            return false;
        }
        if short && end >= 8 {
            let tail: [u8; 8] = lex[end - 8..end].try_into().unwrap_or_default();
            return u64::from_le_bytes(tail) & mask == want;
        }
        lex[start..end].ends_with(suffix)
    };
    ranges
        .par_iter()
        .flat_map_iter(|&c| (c * chunk..((c + 1) * chunk).min(n)).filter(move |&i| keep(i)))
        .collect()
}

/// The ids of all types starting with `prefix`: a contiguous range of the sorted lexicon.
fn prefix_range(a: &Attribute, prefix: &[u8]) -> Vec<u32> {
    let n = a.types() as u32;
    let first = partition(n, |i| a.bytes_of(i) < prefix);
    let end = partition(n, |i| {
        let b = a.bytes_of(i);
        b < prefix || b.starts_with(prefix)
    });
    (first..end).collect()
}

/// The first id in `0..n` for which `before` is false (`before` must be true, then false).
fn partition(n: u32, before: impl Fn(u32) -> bool) -> u32 {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if before(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::transcripts;

    #[test]
    fn every_shortcut_agrees_with_the_plain_regex_scan() {
        let (c, dir) = transcripts(&[(
            "a",
            "A (x): digitaal digitalisering Digitale digitaliseren dig di digz café cafe Café e ë zz.",
        )]);
        for attr in ["word", "lower"] {
            let a = c.attr(attr).unwrap();
            for (text, ci, di) in [
                ("digitali.*", false, false),
                ("dig.*", false, false),
                ("d.*", false, false),
                ("zz.*", false, false),
                ("q.*", false, false),
                (".*", false, false),
                ("digitali.*", true, false),
                ("cafe", false, true),
                ("cafe", true, true),
                (".*e", false, false),
                (".*ing", false, false),
                (".*isering", false, false),
                (".*gitalisering", false, false),
                (".*é", false, false),
                (".*z", false, false),
                (".*gita.*", false, false),
                (".*.*", false, false),
                (".*ale", true, false),
                ("café", false, false),
                ("Café", true, false),
            ] {
                let v = Value {
                    text: text.into(),
                    ignore_case: ci,
                    ignore_diacritics: di,
                };
                let vm = ValueMatcher::new(&v).unwrap();
                let want: Vec<u32> = (0..a.types() as u32)
                    .filter(|&i| vm.is_match(a.str_of(i)))
                    .collect();
                assert_eq!(
                    matching_ids(a, &v).unwrap(),
                    want,
                    "{attr} {text} {ci} {di}"
                );
            }
        }
        std::fs::remove_dir_all(dir).unwrap();
    }
}
