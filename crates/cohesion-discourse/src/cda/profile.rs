//! CDA profiles per speaker group. Speakers, not tokens, are the units: each speaker's rate
//! per 10 000 tokens is computed, groups are summarised by the median and mean of those
//! rates, and groups are compared with a permutation test on the speakers' group labels.
//!
//! Test statistic: T = Σ_g n_g (mean_g − mean)², the between-group sum of squares of speaker
//! rates (for two groups a monotone function of the difference of means, so a two-sided
//! test). p = (1 + #{permutations with T ≥ T_obs}) / (1 + permutations).

use super::markers::{hits, speakers, Marker};
use crate::index::open::Corpus;
use crate::ops::kwic::{lines_table, Line};
use crate::rng::Rng;
use cohesion_io::{Cell, Result, Table};
use std::collections::BTreeMap;

pub struct ProfileOptions {
    /// Speaker metadata attribute that defines groups (e.g. `group`, `party`, `role`).
    pub by: String,
    /// Speakers with fewer tokens are left out (their rates are noise).
    pub min_tokens: u64,
    pub permutations: usize,
    pub seed: u64,
    /// Concordance lines sampled per marker and group.
    pub sample: usize,
    pub window: u32,
    /// Use POS and features where the corpus has them.
    pub use_annotation: bool,
}

/// A speaker: group, tokens, and region indices of their utterances.
struct Speaker {
    group: String,
    tokens: u64,
}

fn speaker_table(c: &Corpus, by: &str) -> Result<(Vec<String>, BTreeMap<String, Speaker>)> {
    let u = c.structure("u")?;
    let names = speakers(c)?;
    let mut out: BTreeMap<String, Speaker> = BTreeMap::new();
    for (i, name) in names.iter().enumerate() {
        let (a, b) = u.span(i);
        let group = u.value(i, by)?.to_string();
        let s = out
            .entry(name.clone())
            .or_insert(Speaker { group, tokens: 0 });
        s.tokens += (b - a) as u64;
    }
    Ok((names, out))
}

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

fn between_ss(rates: &[f64], labels: &[usize], k: usize) -> f64 {
    let mut sum = vec![0.0; k];
    let mut n = vec![0.0; k];
    for (&r, &g) in rates.iter().zip(labels) {
        sum[g] += r;
        n[g] += 1.0;
    }
    let grand = rates.iter().sum::<f64>() / rates.len() as f64;
    (0..k)
        .filter(|&g| n[g] > 0.0)
        .map(|g| n[g] * (sum[g] / n[g] - grand).powi(2))
        .sum()
}

/// Permutation p-value of the between-group sum of squares.
pub fn permutation_p(
    rates: &[f64],
    labels: &[usize],
    k: usize,
    permutations: usize,
    rng: &mut Rng,
) -> f64 {
    if k < 2 || rates.len() < 3 {
        return f64::NAN;
    }
    let observed = between_ss(rates, labels, k);
    let mut perm = labels.to_vec();
    let mut at_least = 0usize;
    for _ in 0..permutations {
        rng.shuffle(&mut perm);
        // A tolerance so ties with the observed value (common with many zero rates) count.
        if between_ss(rates, &perm, k) >= observed - 1e-12 * observed.abs() {
            at_least += 1;
        }
    }
    (1 + at_least) as f64 / (1 + permutations) as f64
}

/// The profile table and the sampled concordance lines (keyed by marker and group).
pub fn profile(c: &Corpus, markers: &[Marker], o: &ProfileOptions) -> Result<(Table, Table)> {
    let (names, table) = speaker_table(c, &o.by)?;
    let u = c.structure("u")?;
    let included: Vec<(&String, &Speaker)> = table
        .iter()
        .filter(|(_, s)| s.tokens >= o.min_tokens.max(1))
        .collect();
    let groups: Vec<String> = {
        let mut g: Vec<String> = included.iter().map(|(_, s)| s.group.clone()).collect();
        g.sort();
        g.dedup();
        g
    };
    let gi = |g: &str| groups.iter().position(|x| x == g).unwrap_or(0);
    let labels: Vec<usize> = included.iter().map(|(_, s)| gi(&s.group)).collect();
    let mut rng = Rng::new(o.seed);
    let mut t = Table::new([
        "marker",
        "group",
        "speakers",
        "tokens",
        "hits",
        "per_10k_pooled",
        "median_speaker_per_10k",
        "mean_speaker_per_10k",
        "p_permutation",
        "lines",
    ]);
    let mut lines = Table::new([
        "marker", "group", "position", "text", "speaker", "left", "match", "right",
    ]);
    for m in markers {
        let h = hits(c, m, o.use_annotation)?;
        let mut per_speaker: BTreeMap<&str, u64> = BTreeMap::new();
        let mut per_group_hits: BTreeMap<usize, Vec<u32>> = BTreeMap::new();
        for &p in &h {
            if let Some(i) = u.find(p) {
                let name = names[i].as_str();
                if let Some(s) = table.get(name).filter(|s| s.tokens >= o.min_tokens.max(1)) {
                    *per_speaker.entry(name).or_default() += 1;
                    per_group_hits.entry(gi(&s.group)).or_default().push(p);
                }
            }
        }
        let rates: Vec<f64> = included
            .iter()
            .map(|(n, s)| *per_speaker.get(n.as_str()).unwrap_or(&0) as f64 * 1e4 / s.tokens as f64)
            .collect();
        let p = permutation_p(&rates, &labels, groups.len(), o.permutations, &mut rng);
        for (g, name) in groups.iter().enumerate() {
            let mut r: Vec<f64> = rates
                .iter()
                .zip(&labels)
                .filter(|(_, &l)| l == g)
                .map(|(r, _)| *r)
                .collect();
            let tokens: u64 = included
                .iter()
                .filter(|(_, s)| s.group == *name)
                .map(|(_, s)| s.tokens)
                .sum();
            let group_hits = per_group_hits.remove(&g).unwrap_or_default();
            let mean = r.iter().sum::<f64>() / r.len() as f64;
            // Sample without replacement, then restore corpus order for reading.
            let mut sample = group_hits.clone();
            rng.shuffle(&mut sample);
            sample.truncate(o.sample);
            sample.sort_unstable();
            let sampled = lines_table(
                c,
                &sample
                    .iter()
                    .map(|&p| Line {
                        start: p,
                        end: p + 1,
                    })
                    .collect::<Vec<_>>(),
                o.window,
            )?;
            for row in sampled.rows {
                let mut full = vec![Cell::from(m.name.as_str()), Cell::from(name.as_str())];
                full.extend(row);
                lines.push(full);
            }
            t.push(vec![
                m.name.clone().into(),
                name.clone().into(),
                r.len().into(),
                (tokens as i64).into(),
                group_hits.len().into(),
                (group_hits.len() as f64 * 1e4 / tokens.max(1) as f64).into(),
                median(&mut r).into(),
                mean.into(),
                p.into(),
                sample.len().into(),
            ]);
        }
    }
    t.notes.push(format!(
        "{} speakers with ≥ {} tokens in {} groups by `{}`; permutation test with {} permutations (seed {})",
        included.len(),
        o.min_tokens,
        groups.len(),
        o.by,
        o.permutations,
        o.seed
    ));
    Ok((t, lines))
}

/// Actors: hits per group, and — when the corpus is parsed — how often the actor is the
/// subject of an active clause (`nsubj`), of a passive one (`nsubj:pass`), an object, an
/// oblique or something else (van Leeuwen's activation vs passivation).
pub fn actors(c: &Corpus, actors: &[Marker]) -> Result<Table> {
    let deprel = c.attr("deprel").ok();
    let mut t = Table::new([
        "actor",
        "hits",
        "per_10k",
        "nsubj",
        "nsubj_pass",
        "obj",
        "obl",
        "other",
    ]);
    for a in actors {
        let h = hits(c, a, true)?;
        let mut roles = [0i64; 5];
        for &p in &h {
            let r = deprel.map(|d| d.at(p)).unwrap_or("_");
            let k = match r {
                "nsubj" => 0,
                "nsubj:pass" => 1,
                "obj" | "iobj" => 2,
                r if r.starts_with("obl") => 3,
                _ => 4,
            };
            roles[k] += 1;
        }
        let mut row = vec![
            a.name.clone().into(),
            h.len().into(),
            (h.len() as f64 * 1e4 / c.len().max(1) as f64).into(),
        ];
        if deprel.is_some() {
            row.extend(roles.iter().map(|&n| Cell::Int(n)));
        } else {
            row.extend(std::iter::repeat_n(Cell::Empty, 5));
        }
        t.push(row);
    }
    if deprel.is_none() {
        t.notes
            .push("no dependency parse in this corpus: grammatical roles are empty".into());
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cda::markers::Markers;
    use crate::import::text::{parse_transcript, SpeakerMeta};
    use crate::testutil::build;
    use crate::tokenise::Lang;
    use std::path::Path;

    #[test]
    fn permutation_test_separates_clear_groups_only() {
        let mut rng = Rng::new(1);
        let rates = [10.0, 11.0, 12.0, 13.0, 50.0, 51.0, 52.0, 53.0];
        let labels = [0, 0, 0, 0, 1, 1, 1, 1];
        // Only 2 of the 70 distinct splits are as extreme: p ≈ 2/70 ≈ 0.029.
        let p = permutation_p(&rates, &labels, 2, 9999, &mut rng);
        assert!((p - 2.0 / 70.0).abs() < 0.01, "{p}");
        let mixed = [0, 1, 0, 1, 0, 1, 0, 1];
        assert!(permutation_p(&rates, &mixed, 2, 999, &mut rng) > 0.5);
    }

    #[test]
    fn per_speaker_rates_medians_and_lines() {
        let src = "Ann: wij wij wij en de rest.\nBen: wij zijn er.\nCor: zij zijn er nu.\nDirk: zij en zij.\n";
        let mut meta = SpeakerMeta::new();
        for (n, g) in [
            ("Ann", "burger"),
            ("Ben", "burger"),
            ("Cor", "expert"),
            ("Dirk", "expert"),
        ] {
            meta.insert(n.into(), vec![("group".into(), g.into())]);
        }
        let (c, dir) =
            build(&[parse_transcript(Path::new("w"), src, "w", Lang::Nl, Some(&meta)).unwrap()]);
        let m = Markers::load(None).unwrap();
        let we: Vec<Marker> = m.marker.into_iter().filter(|k| k.name == "we").collect();
        let o = ProfileOptions {
            by: "group".into(),
            min_tokens: 1,
            permutations: 199,
            seed: 7,
            sample: 2,
            window: 3,
            use_annotation: true,
        };
        let (t, lines) = profile(&c, &we, &o).unwrap();
        let burger = &t.rows[0];
        assert_eq!(burger[1], "burger".into());
        assert_eq!(burger[2], Cell::Int(2));
        assert_eq!(burger[4], Cell::Int(4));
        // Ann: 3 of 7 tokens, Ben: 1 of 4 → rates 42857.1 and 2500 → median 22678.6
        let Cell::Float(med) = burger[6] else {
            panic!()
        };
        assert!((med - (3e4 / 7.0 + 2500.0) / 2.0).abs() < 1e-6, "{med}");
        assert_eq!(t.rows[1][4], Cell::Int(0));
        assert_eq!(
            lines.rows.len(),
            2,
            "two sampled lines for burgers, none for experts"
        );
        assert!(lines.rows.iter().all(|r| r[6] == "wij".into()));
        let (t2, _) = profile(&c, &we, &o).unwrap();
        assert_eq!(t, t2, "same seed, same result");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
