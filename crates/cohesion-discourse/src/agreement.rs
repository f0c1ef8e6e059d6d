//! Agreement between coders: percent agreement, Cohen's κ and Krippendorff's α.
//!
//! * Percent agreement: the share of agreeing pairs among all pairs of values within units.
//! * Cohen's κ (two coders, units both coded): κ = (p_o − p_e) / (1 − p_e), with p_o the
//!   observed agreement and p_e = Σ_c p_1(c) · p_2(c) from each coder's own marginals.
//! * Krippendorff's α (any number of coders, missing values): units with at least two values
//!   are pairable; the coincidence matrix is o_ck = Σ_u (number of c–k pairs in u) / (m_u − 1),
//!   n_c = Σ_k o_ck, n = Σ_c n_c, and α = 1 − (n − 1) · Σ o_ck δ²_ck / Σ n_c n_k δ²_ck.
//!   δ² nominal: 0 if c = k else 1; interval: (c − k)²; ordinal: (Σ_{g=c..k} n_g − (n_c + n_k)/2)²;
//!   ratio: ((c − k)/(c + k))² (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability").

use cohesion_io::{Error, Result, Table};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Reliability data: per unit, the value each coder gave (absent = missing).
#[derive(Debug, Clone, Default)]
pub struct Reliability {
    pub coders: Vec<String>,
    pub units: BTreeMap<String, BTreeMap<usize, String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Nominal,
    Ordinal,
    Interval,
    Ratio,
}

impl Reliability {
    /// Read `unit,coder,value` (long) or `unit,CODER1,CODER2,…` (wide) CSV; empty or `.` = missing.
    pub fn read_csv(path: &Path) -> Result<Self> {
        let text = crate::import::read::read_text(path, false)?;
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(text.as_bytes());
        let header: Vec<String> = rdr
            .headers()
            .map_err(|e| Error::at(path, Some(1), None, e))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        if header.len() < 2 {
            return Err(Error::at(
                path,
                Some(1),
                None,
                "need a unit column and at least one coder or value column",
            ));
        }
        let long = header.len() == 3
            && header[1] == "coder"
            && matches!(header[2].as_str(), "value" | "code");
        let mut r = Reliability::default();
        if !long {
            r.coders = header[1..].to_vec();
        }
        for rec in rdr.records() {
            let rec =
                rec.map_err(|e| Error::at(path, e.position().map(|p| p.line() as usize), None, e))?;
            let line = rec.position().map(|p| p.line() as usize);
            let unit = rec.get(0).unwrap_or("").trim().to_string();
            if unit.is_empty() {
                return Err(Error::at(path, line, Some(&header[0]), "empty unit"));
            }
            let missing = |v: &str| v.trim().is_empty() || v.trim() == ".";
            if long {
                let (coder, value) = (rec.get(1).unwrap_or("").trim(), rec.get(2).unwrap_or(""));
                if missing(value) {
                    continue;
                }
                let ci = match r.coders.iter().position(|c| c == coder) {
                    Some(i) => i,
                    None => {
                        r.coders.push(coder.to_string());
                        r.coders.len() - 1
                    }
                };
                if r.units
                    .entry(unit.clone())
                    .or_default()
                    .insert(ci, value.trim().to_string())
                    .is_some()
                {
                    return Err(Error::at(
                        path,
                        line,
                        None,
                        format!("coder `{coder}` gives unit `{unit}` two values"),
                    ));
                }
            } else {
                let u = r.units.entry(unit).or_default();
                for (ci, v) in rec.iter().skip(1).enumerate() {
                    if !missing(v) {
                        u.insert(ci, v.trim().to_string());
                    }
                }
            }
        }
        Ok(r)
    }

    fn numeric(&self) -> bool {
        self.units
            .values()
            .flat_map(|u| u.values())
            .all(|v| v.parse::<f64>().is_ok_and(f64::is_finite))
    }

    /// Share of agreeing ordered pairs of values within units.
    pub fn percent_agreement(&self) -> f64 {
        let (mut agree, mut pairs) = (0usize, 0usize);
        for u in self.units.values() {
            let v: Vec<&String> = u.values().collect();
            for i in 0..v.len() {
                for j in 0..v.len() {
                    if i != j {
                        pairs += 1;
                        agree += (v[i] == v[j]) as usize;
                    }
                }
            }
        }
        agree as f64 / pairs as f64
    }

    /// Cohen's κ for exactly two coders over the units both coded.
    pub fn cohen_kappa(&self) -> Option<f64> {
        if self.coders.len() != 2 {
            return None;
        }
        let pairs: Vec<(&String, &String)> = self
            .units
            .values()
            .filter_map(|u| Some((u.get(&0)?, u.get(&1)?)))
            .collect();
        let n = pairs.len() as f64;
        if n == 0.0 {
            return None;
        }
        let p_o = pairs.iter().filter(|(a, b)| a == b).count() as f64 / n;
        let cats: BTreeSet<&String> = pairs.iter().flat_map(|(a, b)| [*a, *b]).collect();
        let p_e: f64 = cats
            .iter()
            .map(|c| {
                (pairs.iter().filter(|(a, _)| a == c).count() as f64 / n)
                    * (pairs.iter().filter(|(_, b)| b == c).count() as f64 / n)
            })
            .sum();
        Some((p_o - p_e) / (1.0 - p_e))
    }

    /// Krippendorff's α at a level of measurement; `None` when the level needs numbers and the
    /// values are not numeric, or nothing is pairable.
    pub fn krippendorff_alpha(&self, level: Level) -> Option<f64> {
        if level != Level::Nominal && !self.numeric() {
            return None;
        }
        // Values in order (numeric order when numeric, so ordinal ranks are right).
        let mut vals: Vec<&String> = self
            .units
            .values()
            .flat_map(|u| u.values())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if self.numeric() {
            vals.sort_by(|a, b| {
                a.parse::<f64>()
                    .unwrap_or(0.0)
                    .total_cmp(&b.parse::<f64>().unwrap_or(0.0))
            });
        }
        let k = vals.len();
        let idx = |v: &String| vals.iter().position(|x| *x == v).unwrap_or(0);
        let mut o = vec![vec![0.0f64; k]; k];
        for u in self.units.values() {
            let m = u.len();
            if m < 2 {
                continue;
            }
            let x: Vec<usize> = u.values().map(idx).collect();
            for i in 0..m {
                for j in 0..m {
                    if i != j {
                        o[x[i]][x[j]] += 1.0 / (m - 1) as f64;
                    }
                }
            }
        }
        let nc: Vec<f64> = o.iter().map(|r| r.iter().sum()).collect();
        let n: f64 = nc.iter().sum();
        if n < 2.0 {
            return None;
        }
        let num: Vec<f64> = vals
            .iter()
            .map(|v| v.parse::<f64>().unwrap_or(0.0))
            .collect();
        let delta = |c: usize, d: usize| -> f64 {
            match level {
                Level::Nominal => (c != d) as u8 as f64,
                Level::Interval => (num[c] - num[d]).powi(2),
                Level::Ratio => {
                    let s = num[c] + num[d];
                    if s == 0.0 {
                        0.0
                    } else {
                        ((num[c] - num[d]) / s).powi(2)
                    }
                }
                Level::Ordinal => {
                    let (a, b) = (c.min(d), c.max(d));
                    (nc[a..=b].iter().sum::<f64>() - (nc[c] + nc[d]) / 2.0).powi(2)
                }
            }
        };
        let (mut d_o, mut d_e) = (0.0, 0.0);
        for c in 0..k {
            for d in 0..k {
                let dd = delta(c, d);
                d_o += o[c][d] * dd;
                d_e += nc[c] * nc[d] * dd;
            }
        }
        if d_e == 0.0 {
            return None;
        }
        Some(1.0 - (n - 1.0) * d_o / d_e)
    }

    pub fn table(&self) -> Table {
        let mut t = Table::new(["measure", "value"]);
        let opt = |v: Option<f64>| {
            v.map(cohesion_io::Cell::Float)
                .unwrap_or(cohesion_io::Cell::Empty)
        };
        t.push(vec![
            "percent_agreement".into(),
            self.percent_agreement().into(),
        ]);
        t.push(vec!["cohen_kappa".into(), opt(self.cohen_kappa())]);
        for (name, l) in [
            ("alpha_nominal", Level::Nominal),
            ("alpha_ordinal", Level::Ordinal),
            ("alpha_interval", Level::Interval),
            ("alpha_ratio", Level::Ratio),
        ] {
            t.push(vec![name.into(), opt(self.krippendorff_alpha(l))]);
        }
        let pairable = self.units.values().filter(|u| u.len() >= 2).count();
        t.notes.push(format!(
            "{} coders, {} units ({} pairable)",
            self.coders.len(),
            self.units.len(),
            pairable
        ));
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_rows(rows: &[&[&str]]) -> Reliability {
        let mut r = Reliability {
            coders: (0..rows.len()).map(|i| format!("c{i}")).collect(),
            ..Default::default()
        };
        for (ci, row) in rows.iter().enumerate() {
            for (ui, v) in row.iter().enumerate() {
                if *v != "." {
                    r.units
                        .entry(format!("{ui:02}"))
                        .or_default()
                        .insert(ci, v.to_string());
                }
            }
        }
        r
    }

    /// Krippendorff (2011), section C: four observers, twelve units, missing values.
    /// The paper reports α = 0.743 (nominal), 0.815 (ordinal), 0.849 (interval), 0.797 (ratio).
    #[test]
    fn krippendorff_worked_example() {
        let r = from_rows(&[
            &["1", "2", "3", "3", "2", "1", "4", "1", "2", ".", ".", "."],
            &["1", "2", "3", "3", "2", "2", "4", "1", "2", "5", ".", "3"],
            &[".", "3", "3", "3", "2", "3", "4", "2", "2", "5", "1", "."],
            &["1", "2", "3", "3", "2", "4", "4", "1", "2", "5", "1", "."],
        ]);
        let a = |l| (r.krippendorff_alpha(l).unwrap() * 1000.0).round() / 1000.0;
        assert_eq!(a(Level::Nominal), 0.743);
        assert_eq!(a(Level::Ordinal), 0.815);
        assert_eq!(a(Level::Interval), 0.849);
        assert_eq!(a(Level::Ratio), 0.797);
    }

    #[test]
    fn cohen_kappa_by_hand() {
        // 50 units: yes/yes 20, yes/no 5, no/yes 10, no/no 15 → p_o = 0.7,
        // p_e = 0.5·0.6 + 0.5·0.4 = 0.5 → κ = 0.4.
        let mut r = Reliability {
            coders: vec!["a".into(), "b".into()],
            ..Default::default()
        };
        let mut add = |n: usize, x: &str, y: &str| {
            for _ in 0..n {
                let u = format!("{:03}", r.units.len());
                r.units
                    .insert(u, BTreeMap::from([(0, x.to_string()), (1, y.to_string())]));
            }
        };
        add(20, "yes", "yes");
        add(5, "yes", "no");
        add(10, "no", "yes");
        add(15, "no", "no");
        assert!((r.cohen_kappa().unwrap() - 0.4).abs() < 1e-12);
        assert!((r.percent_agreement() - 0.7).abs() < 1e-12);
        assert_eq!(
            r.krippendorff_alpha(Level::Interval),
            None,
            "text values have no interval metric"
        );
    }

    #[test]
    fn csv_long_and_wide_with_errors() {
        let dir = crate::testutil::scratch("agree");
        let p = dir.join("long.csv");
        std::fs::write(
            &p,
            "unit,coder,code\nu1,ann,WE\nu1,bob,WE\nu2,ann,THEY\nu2,bob,WE\nu3,ann,\n",
        )
        .unwrap();
        let r = Reliability::read_csv(&p).unwrap();
        assert_eq!(r.coders, ["ann", "bob"]);
        assert_eq!(r.units.len(), 2);
        std::fs::write(&p, "unit,ann,bob\nu1,1,1\nu2,2,.\n").unwrap();
        let r = Reliability::read_csv(&p).unwrap();
        assert_eq!(r.units["u2"].len(), 1);
        std::fs::write(&p, "unit,coder,code\nu1,ann,A\nu1,ann,B\n").unwrap();
        let e = Reliability::read_csv(&p).unwrap_err();
        assert!(e.message().contains(":3:"), "{e}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
