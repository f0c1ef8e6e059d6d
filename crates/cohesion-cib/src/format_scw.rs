//! ScenarioWizard's `.scw` text format, as far as public sample files show it.
//!
//! What we could verify from public sample files (e.g. those shipped with the open CIB
//! ports): an optional `$ ScenarioWizard …` line and a file-name line, then descriptors as
//! `&NAME` lines each followed by ` -VARIANT` lines; a line `#` ends that header. Sections
//! separated by `#` lines follow: variant descriptions, an empty section, one colour line per
//! variant, another empty section, then the matrix as one comma-separated row of integers
//! per acting variant (columns = impacted variants, all descriptors' variants in order),
//! then notes. We read the header and the matrix (the fifth `#`-separated section after the
//! header) and ignore the rest. Judgement magnitudes above 3 occur in real files, so the
//! range is widened to the largest magnitude found. Writing follows the same layout with
//! empty descriptions and notes; it has not been checked against ScenarioWizard itself.

use crate::model::{check_descriptors, Cib, Descriptor};
use cohesion_io::{Error, Result};
use std::fmt::Write as _;
use std::path::Path;

/// Parse a `.scw` file.
pub fn parse(text: &str, file: &Path) -> Result<Cib> {
    let mut descriptors: Vec<Descriptor> = Vec::new();
    let mut decl_line: Vec<usize> = Vec::new();
    let mut state = 0; // 0 header, then one more per `#` line; 5 = matrix
    let mut rows: Vec<(usize, Vec<i32>)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let t = raw.trim();
        if t.is_empty() {
            continue;
        }
        if state == 0 {
            if let Some(name) = t.strip_prefix('&') {
                descriptors.push(Descriptor {
                    name: name.trim().to_string(),
                    variants: Vec::new(),
                    description: None,
                });
                decl_line.push(line);
            } else if let Some(v) = t.strip_prefix('-') {
                let d = descriptors.last_mut().ok_or_else(|| {
                    Error::at(
                        file,
                        Some(line),
                        None,
                        "variant line before any `&descriptor` line",
                    )
                })?;
                d.variants.push(v.trim().to_string());
            } else if t.starts_with('#') {
                state = 1;
            }
            // other header lines (`$ ScenarioWizard 4.0`, the file name) carry nothing we need
            continue;
        }
        if t.starts_with('#') {
            state += 1;
            if state > 5 {
                break;
            }
            continue;
        }
        if state == 5 {
            let r = rows.len();
            let mut vals = Vec::new();
            for (c, cell) in t.split(',').enumerate() {
                let v: i32 = cell.trim().parse().map_err(|_| {
                    Error::at(
                        file,
                        Some(line),
                        Some(&row_label(&descriptors, r)),
                        format!("column {}: `{}` is not an integer", c + 1, cell.trim()),
                    )
                })?;
                vals.push(v);
            }
            rows.push((line, vals));
        }
    }
    if descriptors.is_empty() {
        return Err(Error::at(
            file,
            None,
            None,
            "no `&descriptor` lines: not a ScenarioWizard .scw file",
        ));
    }
    if let Err((i, msg)) = check_descriptors(&descriptors) {
        return Err(Error::at(
            file,
            Some(decl_line[i]),
            Some(&descriptors[i].name),
            msg,
        ));
    }
    if state < 5 {
        return Err(Error::at(
            file,
            None,
            None,
            "the matrix section (fifth `#`-separated section after the descriptors) is missing",
        ));
    }
    let mut cib = Cib::zeros(descriptors);
    let n = cib.total_variants();
    if rows.len() != n {
        return Err(Error::at(
            file,
            rows.last().map(|r| r.0),
            None,
            format!(
                "matrix has {} rows, expected {n} (one per variant)",
                rows.len()
            ),
        ));
    }
    let owner: Vec<usize> = cib
        .descriptors
        .iter()
        .enumerate()
        .flat_map(|(i, d)| std::iter::repeat_n(i, d.variants.len()))
        .collect();
    let mut maxabs = 3;
    for (s, (line, vals)) in rows.iter().enumerate() {
        let label = row_label(&cib.descriptors, s);
        if vals.len() != n {
            return Err(Error::at(
                file,
                Some(*line),
                Some(&label),
                format!("row has {} values, expected {n}", vals.len()),
            ));
        }
        for (t, &v) in vals.iter().enumerate() {
            if owner[s] == owner[t] && v != 0 {
                return Err(Error::at(
                    file,
                    Some(*line),
                    Some(&label),
                    format!(
                        "column {}: a descriptor does not impact itself, expected 0",
                        t + 1
                    ),
                ));
            }
            if v.abs() > crate::format_toml::MAX_ABS_JUDGEMENT as i32 {
                return Err(Error::at(
                    file,
                    Some(*line),
                    Some(&label),
                    format!("column {}: value {v} is implausibly large", t + 1),
                ));
            }
            maxabs = maxabs.max(v.abs());
            cib.set(s, t, v);
        }
    }
    cib.range = (-maxabs, maxabs);
    Ok(cib)
}

fn row_label(ds: &[Descriptor], r: usize) -> String {
    let mut k = r;
    for d in ds {
        if k < d.variants.len() {
            return format!("{}={}", d.name, d.variants[k]);
        }
        k -= d.variants.len();
    }
    format!("row {}", r + 1)
}

/// Write a `.scw` file in the layout of the public samples. Not-scored cells become 0.
pub fn write(cib: &Cib, file_name: &str) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "$ ScenarioWizard 4.0\n{file_name}");
    for d in &cib.descriptors {
        let _ = writeln!(o, "&{}", d.name);
        for v in &d.variants {
            let _ = writeln!(o, " -{v}");
        }
    }
    o.push_str("#\n");
    for d in &cib.descriptors {
        o.push_str("&\n");
        for _ in &d.variants {
            o.push_str(" \n");
        }
    }
    o.push_str("#\n#\n");
    let n = cib.total_variants();
    for _ in 0..n {
        o.push_str("FFFFFF\n");
    }
    o.push_str("#\n#\n");
    for s in 0..n {
        let cells: Vec<String> = (0..n)
            .map(|t| format!("{:>2} ", cib.cells[s * n + t]))
            .collect();
        let _ = writeln!(o, "{}", cells.join(","));
    }
    o.push_str("#\n# 0-0\n\"\"\n");
    for _ in &cib.descriptors {
        o.push_str("# \n\"\"\n");
    }
    for _ in 0..cib.descriptors.len() * cib.descriptors.len() {
        o.push_str("#  -> \n\"\"\n");
    }
    o.push_str("#\n#\n");
    o
}
