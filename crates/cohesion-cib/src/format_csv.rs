//! The CSV matrix format: the whole matrix as a spreadsheet.
//!
//! ```text
//! descriptor,variant,economy,economy,cohesion,cohesion
//! ,,growth,stagnation,high,low
//! economy,growth,,,2,-2
//! economy,stagnation,,,-1,1
//! cohesion,high,1,-1,,
//! cohesion,low,-1,1,,
//! ```
//!
//! The first two rows name the impacted descriptor and variant of each column; each later
//! row names an acting descriptor and variant, in the same order as the columns. Cells in a
//! descriptor's own block are empty or 0; other cells are integers in the range (default
//! −3..3) or `?` for not scored. Lines starting with `#` are comments.

use crate::model::{check_descriptors, Cib, Descriptor};
use cohesion_io::{Error, Result};
use std::path::Path;

/// Parse the CSV format with the given judgement range.
pub fn parse(text: &str, file: &Path, range: (i32, i32)) -> Result<Cib> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    for r in rdr.records() {
        let r = r.map_err(|e| {
            let line = e.position().map(|p| p.line() as usize);
            Error::at(file, line, None, format!("not valid CSV: {e}"))
        })?;
        let line = r.position().map(|p| p.line() as usize).unwrap_or(0);
        records.push((line, r));
    }
    if records.len() < 2 {
        return Err(Error::at(
            file,
            None,
            None,
            "expected two header rows (impacted descriptor, impacted variant) and one row per acting variant",
        ));
    }
    let (l1, h1) = &records[0];
    let (l2, h2) = &records[1];
    if h1.len() < 4
        || h1.get(0).map(str::trim) != Some("descriptor")
        || h1.get(1).map(str::trim) != Some("variant")
    {
        return Err(Error::at(
            file,
            Some(*l1),
            None,
            "first row must start with `descriptor,variant` followed by one impacted descriptor name per column",
        ));
    }
    if h2.len() != h1.len() {
        return Err(Error::at(
            file,
            Some(*l2),
            None,
            format!(
                "second header row has {} cells, the first has {}",
                h2.len(),
                h1.len()
            ),
        ));
    }
    // Columns define the descriptors: runs of equal descriptor names.
    let mut descriptors: Vec<Descriptor> = Vec::new();
    let mut col_of: Vec<(usize, usize)> = Vec::new();
    for c in 2..h1.len() {
        let d = h1[c].trim();
        let v = h2[c].trim();
        match descriptors.last_mut() {
            Some(last) if last.name == d => last.variants.push(v.to_string()),
            _ => {
                if descriptors.iter().any(|x| x.name == d) {
                    return Err(Error::at(
                        file,
                        Some(*l1),
                        Some(d),
                        format!(
                            "column {}: the columns of descriptor `{d}` must be adjacent",
                            c + 1
                        ),
                    ));
                }
                descriptors.push(Descriptor {
                    name: d.to_string(),
                    variants: vec![v.to_string()],
                    description: None,
                });
            }
        }
        col_of.push((
            descriptors.len() - 1,
            descriptors.last().map_or(0, |x| x.variants.len() - 1),
        ));
    }
    if let Err((i, msg)) = check_descriptors(&descriptors) {
        return Err(Error::at(file, Some(*l1), Some(&descriptors[i].name), msg));
    }
    let mut cib = Cib::zeros(descriptors);
    cib.range = range;
    let n = cib.total_variants();
    let rows = &records[2..];
    if rows.len() != n {
        let line = rows.last().map(|r| r.0).unwrap_or(*l2);
        return Err(Error::at(
            file,
            Some(line),
            None,
            format!(
                "{} matrix rows, expected {n} (one per variant, as in the columns)",
                rows.len()
            ),
        ));
    }
    for (s, (line, rec)) in rows.iter().enumerate() {
        let (sd, sv) = col_of[s];
        let dname = cib.descriptors[sd].name.clone();
        let vname = cib.descriptors[sd].variants[sv].clone();
        let field = format!("{dname}={vname}");
        if rec.get(0).map(str::trim) != Some(dname.as_str())
            || rec.get(1).map(str::trim) != Some(vname.as_str())
        {
            return Err(Error::at(
                file,
                Some(*line),
                Some(&dname),
                format!(
                    "row starts `{},{}`, expected `{dname},{vname}` (rows follow the column order)",
                    rec.get(0).unwrap_or(""),
                    rec.get(1).unwrap_or("")
                ),
            ));
        }
        if rec.len() != n + 2 {
            return Err(Error::at(
                file,
                Some(*line),
                Some(&field),
                format!("row has {} cells, expected {}", rec.len(), n + 2),
            ));
        }
        for t in 0..n {
            let raw = rec[t + 2].trim();
            let (td, tv) = col_of[t];
            let tname = format!(
                "{}={}",
                cib.descriptors[td].name, cib.descriptors[td].variants[tv]
            );
            if td == sd {
                if !(raw.is_empty() || raw == "0") {
                    return Err(Error::at(
                        file,
                        Some(*line),
                        Some(&field),
                        format!("impact on `{tname}` must be empty or 0: a descriptor does not impact itself"),
                    ));
                }
                continue;
            }
            if raw == "?" {
                cib.scored[s * n + t] = false;
                continue;
            }
            let v: i32 = raw.parse().map_err(|_| {
                Error::at(
                    file,
                    Some(*line),
                    Some(&field),
                    format!(
                        "impact on `{tname}`: `{raw}` is not an integer (use ? for not scored)"
                    ),
                )
            })?;
            if v < range.0 || v > range.1 {
                return Err(Error::at(
                    file,
                    Some(*line),
                    Some(&field),
                    format!(
                        "impact on `{tname}`: value {v} outside the range {}..{}",
                        range.0, range.1
                    ),
                ));
            }
            cib.set(s, t, v);
        }
    }
    Ok(cib)
}

/// Write the CSV format.
pub fn write(cib: &Cib) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| Error::failure(format!("writing CSV: {e}"));
    let mut h1 = vec!["descriptor".to_string(), "variant".to_string()];
    let mut h2 = vec![String::new(), String::new()];
    let mut owner = Vec::new();
    for (i, d) in cib.descriptors.iter().enumerate() {
        for v in &d.variants {
            h1.push(d.name.clone());
            h2.push(v.clone());
            owner.push(i);
        }
    }
    w.write_record(&h1).map_err(fail)?;
    w.write_record(&h2).map_err(fail)?;
    let n = cib.total_variants();
    for s in 0..n {
        let mut rec = vec![h1[s + 2].clone(), h2[s + 2].clone()];
        for t in 0..n {
            rec.push(if owner[s] == owner[t] {
                String::new()
            } else if !cib.scored[s * n + t] {
                "?".into()
            } else {
                cib.cells[s * n + t].to_string()
            });
        }
        w.write_record(&rec).map_err(fail)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::failure(format!("writing CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Error::failure(format!("writing CSV: {e}")))
}
