//! The readable TOML format for a CIB matrix (see also `docs/cib-format.md`).
//!
//! ```toml
//! title = "Somewhereland, reduced"     # optional
//! provenance = "reconstructed"         # optional; "reconstructed" prints a warning line
//! judge = "experts"                    # optional; labels this matrix in an ensemble
//! range = [-3, 3]                      # optional; inclusive range of a judgement
//! missing_sections = "error"           # or "zero": an absent section means no influence
//!
//! [[descriptor]]
//! name = "economy"
//! variants = ["growth", "stagnation"]
//! description = "optional free text"
//!
//! [[descriptor]]
//! name = "cohesion"
//! variants = ["high", "low"]
//!
//! # Impact of `economy` on `cohesion`: one row per variant of `economy` (the acting
//! # descriptor), one value per variant of `cohesion` (the impacted one), in the order
//! # the variants were declared. "?" marks a cell the judge did not score.
//! [impact.economy.cohesion]
//! growth     = [ 2, -2]
//! stagnation = [-1,  1]
//!
//! [impact.cohesion.economy]
//! high = [1, -1]
//! low  = [-1, 1]
//!
//! # Named futures (optional): partial scenarios; consistent scenarios matching one are
//! # marked in the output's `future` column.
//! [future."Boom"]
//! economy = "growth"
//!
//! # Bridge to `cohesion run`: the model force `public_values` reads descriptor `economy`.
//! [mapping.public_values]
//! descriptor = "economy"               # optional; defaults to the force's own name
//! values = { growth = 0.8, stagnation = 0.3 }
//! ```
//!
//! Every ordered pair of distinct descriptors needs a section unless
//! `missing_sections = "zero"`. Errors name the file, the line and the descriptor.

use crate::model::{check_descriptors, Cib, Descriptor, ForceMapping, FORCES};
use cohesion_io::error::line_of_offset;
use cohesion_io::{Error, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use toml::Spanned;

type Row = Spanned<Vec<Spanned<toml::Value>>>;
type Section = Spanned<BTreeMap<Spanned<String>, Row>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    title: Option<String>,
    provenance: Option<String>,
    judge: Option<String>,
    range: Option<Spanned<Vec<i64>>>,
    missing_sections: Option<Spanned<String>>,
    #[serde(default)]
    descriptor: Vec<RawDescriptor>,
    #[serde(default)]
    impact: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Section>>,
    #[serde(default)]
    mapping: BTreeMap<Spanned<String>, Spanned<RawMapping>>,
    #[serde(default)]
    future: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDescriptor {
    name: Spanned<String>,
    variants: Spanned<Vec<Spanned<String>>>,
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    descriptor: Option<Spanned<String>>,
    values: BTreeMap<Spanned<String>, Spanned<f64>>,
}

/// Largest judgement magnitude accepted, so balances cannot overflow `i32` even for
/// hundreds of descriptors and ensemble scaling.
pub const MAX_ABS_JUDGEMENT: i64 = 100;

/// Parse the TOML format. `file` is used in error messages only.
pub fn parse(text: &str, file: &Path) -> Result<Cib> {
    let line = |off: usize| Some(line_of_offset(text, off));
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let l = e.span().map(|s| line_of_offset(text, s.start));
        Error::at(file, l, None, e.message().trim())
    })?;

    let range = match &raw.range {
        None => (-3, 3),
        Some(r) => {
            let v = r.get_ref();
            if v.len() != 2
                || v[0] >= v[1]
                || v[0].abs() > MAX_ABS_JUDGEMENT
                || v[1].abs() > MAX_ABS_JUDGEMENT
            {
                return Err(Error::at(
                    file,
                    line(r.span().start),
                    Some("range"),
                    format!(
                        "expected [LOW, HIGH] with LOW < HIGH, both within ±{MAX_ABS_JUDGEMENT}"
                    ),
                ));
            }
            (v[0] as i32, v[1] as i32)
        }
    };
    let zero_missing = match &raw.missing_sections {
        None => false,
        Some(m) => match m.get_ref().as_str() {
            "error" => false,
            "zero" => true,
            other => {
                return Err(Error::at(
                    file,
                    line(m.span().start),
                    Some("missing_sections"),
                    format!("`{other}`: expected \"error\" or \"zero\""),
                ))
            }
        },
    };

    let descriptors: Vec<Descriptor> = raw
        .descriptor
        .iter()
        .map(|d| Descriptor {
            name: d.name.get_ref().clone(),
            variants: d
                .variants
                .get_ref()
                .iter()
                .map(|v| v.get_ref().clone())
                .collect(),
            description: d.description.clone(),
        })
        .collect();
    if descriptors.is_empty() {
        return Err(Error::at(
            file,
            None,
            Some("descriptor"),
            "no descriptors: add [[descriptor]] tables with `name` and `variants`",
        ));
    }
    if let Err((i, msg)) = check_descriptors(&descriptors) {
        let d = &raw.descriptor[i];
        return Err(Error::at(
            file,
            line(d.name.span().start),
            Some(&format!("descriptor.{}", d.name.get_ref())),
            msg,
        ));
    }

    let mut cib = Cib::zeros(descriptors);
    cib.title = raw.title;
    cib.provenance = raw.provenance;
    cib.judge = raw.judge;
    cib.range = range;
    let off = cib.offsets();
    let nd = cib.descriptors.len();
    let mut present = vec![false; nd * nd];

    for (src_key, targets) in &raw.impact {
        let src = cib.descriptor_index(src_key.get_ref()).ok_or_else(|| {
            Error::at(
                file,
                line(src_key.span().start),
                Some(&format!("impact.{}", src_key.get_ref())),
                format!("no descriptor named `{}`", src_key.get_ref()),
            )
        })?;
        for (dst_key, section) in targets {
            let field = format!("impact.{}.{}", src_key.get_ref(), dst_key.get_ref());
            let dst = cib.descriptor_index(dst_key.get_ref()).ok_or_else(|| {
                Error::at(
                    file,
                    line(dst_key.span().start),
                    Some(&field),
                    format!("no descriptor named `{}`", dst_key.get_ref()),
                )
            })?;
            if src == dst {
                return Err(Error::at(
                    file,
                    line(dst_key.span().start),
                    Some(&field),
                    "a descriptor does not impact itself (CIB has no self-impacts)",
                ));
            }
            present[src * nd + dst] = true;
            let src_d = cib.descriptors[src].clone();
            let dst_d = cib.descriptors[dst].clone();
            for (row_key, row) in section.get_ref() {
                let rfield = format!("{field}.{}", row_key.get_ref());
                let a = src_d
                    .variants
                    .iter()
                    .position(|v| v == row_key.get_ref())
                    .ok_or_else(|| {
                        Error::at(
                            file,
                            line(row_key.span().start),
                            Some(&rfield),
                            format!(
                                "descriptor `{}` has no variant `{}` (it has {})",
                                src_d.name,
                                row_key.get_ref(),
                                src_d.variants.join(", ")
                            ),
                        )
                    })?;
                let vals = row.get_ref();
                if vals.len() != dst_d.variants.len() {
                    return Err(Error::at(
                        file,
                        line(row.span().start),
                        Some(&rfield),
                        format!(
                            "row has {} values, expected {} (one per variant of `{}`: {})",
                            vals.len(),
                            dst_d.variants.len(),
                            dst_d.name,
                            dst_d.variants.join(", ")
                        ),
                    ));
                }
                for (b, cell) in vals.iter().enumerate() {
                    let (v, scored) = judgement(cell.get_ref(), range).map_err(|msg| {
                        Error::at(
                            file,
                            line(cell.span().start),
                            Some(&rfield),
                            format!("impact on `{}={}`: {msg}", dst_d.name, dst_d.variants[b]),
                        )
                    })?;
                    let (s, t) = (off[src] + a, off[dst] + b);
                    cib.set(s, t, v);
                    let n = cib.total_variants();
                    cib.scored[s * n + t] = scored;
                }
            }
            for v in &src_d.variants {
                if !section.get_ref().keys().any(|k| k.get_ref() == v) {
                    return Err(Error::at(
                        file,
                        line(section.span().start),
                        Some(&field),
                        format!("no row for variant `{v}` of `{}`", src_d.name),
                    ));
                }
            }
        }
    }

    if !zero_missing {
        for i in 0..nd {
            for j in 0..nd {
                if i != j && !present[i * nd + j] {
                    let (a, b) = (&cib.descriptors[i].name, &cib.descriptors[j].name);
                    return Err(Error::at(
                        file,
                        line(raw.descriptor[i].name.span().start),
                        Some(&format!("descriptor.{a}")),
                        format!(
                            "missing section [impact.{}.{}] (the impact of `{a}` on `{b}`); \
                             write it, or set missing_sections = \"zero\" to read absent sections as no influence",
                            key(a),
                            key(b)
                        ),
                    ));
                }
            }
        }
    }

    for (force, m) in &raw.mapping {
        let field = format!("mapping.{}", force.get_ref());
        if !FORCES.contains(&force.get_ref().as_str()) {
            return Err(Error::at(
                file,
                line(force.span().start),
                Some(&field),
                format!(
                    "unknown force `{}`; the model's forces are {}",
                    force.get_ref(),
                    FORCES.join(", ")
                ),
            ));
        }
        let m = m.get_ref();
        let dname = m
            .descriptor
            .as_ref()
            .map(|d| d.get_ref().clone())
            .unwrap_or_else(|| force.get_ref().clone());
        let at = m
            .descriptor
            .as_ref()
            .map(|d| d.span().start)
            .unwrap_or(force.span().start);
        let d = cib.descriptor_index(&dname).ok_or_else(|| {
            Error::at(
                file,
                line(at),
                Some(&field),
                format!("no descriptor named `{dname}`"),
            )
        })?;
        let variants = &cib.descriptors[d].variants;
        let mut values = vec![f64::NAN; variants.len()];
        for (k, v) in &m.values {
            let vi = variants
                .iter()
                .position(|x| x == k.get_ref())
                .ok_or_else(|| {
                    Error::at(
                        file,
                        line(k.span().start),
                        Some(&field),
                        format!("descriptor `{dname}` has no variant `{}`", k.get_ref()),
                    )
                })?;
            let x = *v.get_ref();
            if !(0.0..=1.0).contains(&x) {
                return Err(Error::at(
                    file,
                    line(v.span().start),
                    Some(&field),
                    format!("value {x} for `{}` must be in 0..1", k.get_ref()),
                ));
            }
            values[vi] = x;
        }
        if let Some(i) = values.iter().position(|x| x.is_nan()) {
            return Err(Error::at(
                file,
                line(force.span().start),
                Some(&field),
                format!("no value for variant `{}` of `{dname}`", variants[i]),
            ));
        }
        cib.mapping.push(ForceMapping {
            force: force.get_ref().clone(),
            descriptor: d,
            values,
        });
    }
    for (name, assign) in &raw.future {
        let field = format!("future.{}", name.get_ref());
        if assign.is_empty() {
            return Err(Error::at(
                file,
                line(name.span().start),
                Some(&field),
                "a future names at least one descriptor = variant",
            ));
        }
        let mut fv = Vec::new();
        for (d, v) in assign {
            let di = cib.descriptor_index(d.get_ref()).ok_or_else(|| {
                Error::at(
                    file,
                    line(d.span().start),
                    Some(&field),
                    format!("no descriptor named `{}`", d.get_ref()),
                )
            })?;
            let vi = cib.descriptors[di]
                .variants
                .iter()
                .position(|x| x == v.get_ref())
                .ok_or_else(|| {
                    Error::at(
                        file,
                        line(v.span().start),
                        Some(&field),
                        format!(
                            "descriptor `{}` has no variant `{}`",
                            d.get_ref(),
                            v.get_ref()
                        ),
                    )
                })?;
            fv.push((di, vi as u8));
        }
        fv.sort_unstable();
        cib.futures.push((name.get_ref().clone(), fv));
    }
    Ok(cib)
}

/// One cell: an integer within the range, or "?" for not scored (read as 0).
fn judgement(v: &toml::Value, range: (i32, i32)) -> std::result::Result<(i32, bool), String> {
    match v {
        toml::Value::Integer(i) => {
            if *i < range.0 as i64 || *i > range.1 as i64 {
                Err(format!(
                    "value {i} outside the range {}..{}",
                    range.0, range.1
                ))
            } else {
                Ok((*i as i32, true))
            }
        }
        toml::Value::String(s) if s == "?" => Ok((0, false)),
        other => Err(format!(
            "expected an integer or \"?\", found {}",
            other.type_str()
        )),
    }
}

/// A TOML key: bare when it can be, quoted otherwise.
pub fn key(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        s.to_string()
    } else {
        toml::Value::String(s.to_string()).to_string()
    }
}

/// A TOML basic string literal.
pub fn key_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Write a matrix in the TOML format. Cells are written in stored units, so an ensemble
/// mean (scale > 1) cannot be written; callers check [`Cib::scale`] first.
pub fn write(cib: &Cib) -> String {
    let mut o = String::new();
    if let Some(t) = &cib.title {
        let _ = writeln!(o, "title = {}", key_string(t));
    }
    if let Some(p) = &cib.provenance {
        let _ = writeln!(o, "provenance = {}", key_string(p));
    }
    if let Some(j) = &cib.judge {
        let _ = writeln!(o, "judge = {}", key_string(j));
    }
    let _ = writeln!(o, "range = [{}, {}]", cib.range.0, cib.range.1);
    for d in &cib.descriptors {
        let _ = writeln!(o, "\n[[descriptor]]\nname = {}", key_string(&d.name));
        let vs: Vec<String> = d.variants.iter().map(|v| key_string(v)).collect();
        let _ = writeln!(o, "variants = [{}]", vs.join(", "));
        if let Some(desc) = &d.description {
            let _ = writeln!(o, "description = {}", key_string(desc));
        }
    }
    let off = cib.offsets();
    let n = cib.total_variants();
    for (i, a) in cib.descriptors.iter().enumerate() {
        for (j, b) in cib.descriptors.iter().enumerate() {
            if i == j {
                continue;
            }
            let _ = writeln!(o, "\n[impact.{}.{}]", key(&a.name), key(&b.name));
            for (va, vname) in a.variants.iter().enumerate() {
                let cells: Vec<String> = (0..b.variants.len())
                    .map(|vb| {
                        let (s, t) = (off[i] + va, off[j] + vb);
                        if cib.scored[s * n + t] {
                            cib.cells[s * n + t].to_string()
                        } else {
                            "\"?\"".to_string()
                        }
                    })
                    .collect();
                let _ = writeln!(o, "{} = [{}]", key(vname), cells.join(", "));
            }
        }
    }
    for m in &cib.mapping {
        let d = &cib.descriptors[m.descriptor];
        let _ = writeln!(
            o,
            "\n[mapping.{}]\ndescriptor = {}",
            key(&m.force),
            key_string(&d.name)
        );
        let vals: Vec<String> = d
            .variants
            .iter()
            .zip(&m.values)
            .map(|(v, x)| format!("{} = {x:?}", key(v)))
            .collect();
        let _ = writeln!(o, "values = {{ {} }}", vals.join(", "));
    }
    for (name, fv) in &cib.futures {
        let _ = writeln!(o, "\n[future.{}]", key(name));
        for &(d, v) in fv {
            let d = &cib.descriptors[d];
            let _ = writeln!(
                o,
                "{} = {}",
                key(&d.name),
                key_string(&d.variants[v as usize])
            );
        }
    }
    o
}
