//! The data a PRIM search works on: columns split by kind, outcome, initial limits, and
//! membership counts.

use super::{Column, Dataset, Options};

/// Box limits: per real column (low, high); per categorical column, allowed flags per code.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Limits {
    pub(super) real: Vec<(f64, f64)>,
    pub(super) categories: Vec<Vec<bool>>,
}

pub(super) struct Frame<'a> {
    pub(super) real_names: Vec<&'a str>,
    pub(super) reals: Vec<&'a [f64]>,
    pub(super) cat_names: Vec<&'a str>,
    pub(super) cats: Vec<(&'a [u32], &'a [String])>,
    /// Column order of each real (false) or categorical (true) column, for reporting.
    pub(super) order: Vec<(bool, usize)>,
    pub(super) y: &'a [bool],
    pub(super) rows: usize,
    pub(super) interest: usize,
    pub(super) initial: Limits,
    pub(super) options: &'a Options,
}

fn check_options(o: &Options) -> Result<(), String> {
    for (name, value) in [("peel_alpha", o.peel_alpha), ("paste_alpha", o.paste_alpha)] {
        if !(value > 0.0 && value < 0.5) {
            return Err(format!(
                "{name} must lie strictly between 0 and 0.5 (got {value})"
            ));
        }
    }
    if !(0.0..1.0).contains(&o.mass_min) {
        return Err(format!("mass_min must lie in [0, 1) (got {})", o.mass_min));
    }
    if !(o.threshold > 0.0 && o.threshold <= 1.0) {
        return Err(format!(
            "threshold must lie in (0, 1] (got {})",
            o.threshold
        ));
    }
    Ok(())
}

impl<'a> Frame<'a> {
    pub(super) fn new(
        data: &'a Dataset,
        y: &'a [bool],
        options: &'a Options,
    ) -> Result<Self, String> {
        check_options(options)?;
        if data.names.len() != data.columns.len() {
            return Err(format!(
                "{} names for {} columns",
                data.names.len(),
                data.columns.len()
            ));
        }
        if y.is_empty() {
            return Err("no rows".into());
        }
        let rows = y.len();
        let mut frame = Frame {
            real_names: Vec::new(),
            reals: Vec::new(),
            cat_names: Vec::new(),
            cats: Vec::new(),
            order: Vec::new(),
            y,
            rows,
            interest: y.iter().filter(|&&v| v).count(),
            initial: Limits {
                real: Vec::new(),
                categories: Vec::new(),
            },
            options,
        };
        if frame.interest == 0 {
            return Err("no case of interest: every outcome is false".into());
        }
        for (name, column) in data.names.iter().zip(&data.columns) {
            match column {
                Column::Real(values) => {
                    if values.len() != rows {
                        return Err(format!(
                            "column {name}: {} rows, outcome has {rows}",
                            values.len()
                        ));
                    }
                    if let Some(r) = values.iter().position(|v| !v.is_finite()) {
                        return Err(format!("column {name}, row {}: not a finite number", r + 1));
                    }
                    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
                    let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    frame.order.push((false, frame.reals.len()));
                    frame.real_names.push(name);
                    frame.reals.push(values);
                    frame.initial.real.push((low, high));
                }
                Column::Categorical { codes, labels } => {
                    if codes.len() != rows {
                        return Err(format!(
                            "column {name}: {} rows, outcome has {rows}",
                            codes.len()
                        ));
                    }
                    let mut present = vec![false; labels.len()];
                    for (r, &code) in codes.iter().enumerate() {
                        let Some(slot) = present.get_mut(code as usize) else {
                            return Err(format!(
                                "column {name}, row {}: category code {code} has no label ({} labels)",
                                r + 1,
                                labels.len()
                            ));
                        };
                        *slot = true;
                    }
                    frame.order.push((true, frame.cats.len()));
                    frame.cat_names.push(name);
                    frame.cats.push((codes, labels));
                    frame.initial.categories.push(present);
                }
            }
        }
        Ok(frame)
    }

    pub(super) fn in_box(&self, limits: &Limits, row: usize) -> bool {
        self.reals
            .iter()
            .zip(&limits.real)
            .all(|(x, &(lo, hi))| lo <= x[row] && x[row] <= hi)
            && self
                .cats
                .iter()
                .zip(&limits.categories)
                .all(|((codes, _), ok)| ok[codes[row] as usize])
    }

    pub(super) fn count_interest(&self, rows: &[usize]) -> usize {
        rows.iter().filter(|&&r| self.y[r]).count()
    }

    /// (rows, cases of interest) among `rows` inside `limits`.
    pub(super) fn count_in(&self, limits: &Limits, rows: &[usize]) -> (usize, usize) {
        rows.iter()
            .filter(|&&r| self.in_box(limits, r))
            .fold((0, 0), |(n, k), &r| (n + 1, k + usize::from(self.y[r])))
    }

    pub(super) fn restricted(&self, limits: &Limits) -> usize {
        let reals = limits
            .real
            .iter()
            .zip(&self.initial.real)
            .filter(|(a, b)| a != b)
            .count();
        let cats = limits
            .categories
            .iter()
            .zip(&self.initial.categories)
            .filter(|(a, b)| a != b)
            .count();
        reals + cats
    }

    pub(super) fn columns(&self) -> usize {
        self.reals.len() + self.cats.len()
    }
}
