//! The analyses of a finished experiment, each returning tables for the CLI to print and
//! write. The formulas live in `cohesion-explore`'s module docs; this module decides what
//! the units of analysis are:
//! - a *state of the world* (SOW) is a future with a design point; replications of one SOW
//!   and package are averaged, so regret compares policies on their expected outcome, not
//!   on one draw's noise;
//! - *policies* are the packages;
//! - the *reference SOW* is the reference future (default `baseline`, else the first) at
//!   the design point nearest the parameters' defaults;
//! - for satisficing type 2, a SOW's coordinates are its future's five forces (already
//!   0–1) followed by each uncertain parameter scaled to 0–1 over its range.

use crate::plan::Plan;
use crate::results::{Results, Scalar};
use crate::spec::DesignKind;
use cohesion_explore::prim::{self, Column, Dataset};
use cohesion_explore::robustness::{self, Direction};
use cohesion_explore::sensitivity;
use cohesion_explore::stats::percentile;
use cohesion_io::{Cell, Error, Result, Table};
use cohesion_model::Params;

fn f(v: f64) -> Cell {
    Cell::Float(v)
}

/// Per future and package: the distribution over runs of each scalar outcome.
pub fn summary(r: &Results) -> (Table, Table) {
    let scalars = r.default_scalars();
    let values: Vec<Vec<f64>> = scalars.iter().map(|s| r.values(s)).collect();
    let e = &r.experiment;
    let mut per_run = crate::describe::runs_table(e, &r.plan);
    per_run
        .columns
        .extend(scalars.iter().map(|s| s.name.clone()));
    for (id, row) in per_run.rows.iter_mut().enumerate() {
        row.extend(values.iter().map(|v| f(v[id])));
    }
    let mut table = Table::new([
        "future", "package", "outcome", "runs", "p5", "median", "p95", "mean",
    ]);
    for (fi, fut) in e.futures.iter().enumerate() {
        for (pi, pkg) in e.packages.iter().enumerate() {
            let ids = runs_of(&r.plan, fi, pi);
            for (s, v) in scalars.iter().zip(&values) {
                let x: Vec<f64> = ids.iter().map(|&i| v[i as usize]).collect();
                table.push(vec![
                    Cell::Str(fut.name.clone()),
                    Cell::Str(pkg.name.clone()),
                    Cell::Str(s.name.clone()),
                    Cell::Int(x.len() as i64),
                    f(percentile(&x, 5.0)),
                    f(percentile(&x, 50.0)),
                    f(percentile(&x, 95.0)),
                    f(x.iter().sum::<f64>() / x.len() as f64),
                ]);
            }
        }
    }
    (table, per_run)
}

fn runs_of(plan: &Plan, future: usize, package: usize) -> Vec<u32> {
    (0..plan.count().unwrap_or(0))
        .filter(|&id| {
            let r = plan.run(id);
            r.future == future && r.package == package
        })
        .collect()
}

/// One row of the band table: a kept series' spread over runs in one year.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub future: String,
    pub package: String,
    pub indicator: String,
    pub group: String,
    pub year: i32,
    pub runs: usize,
    pub p5: f64,
    pub median: f64,
    pub p95: f64,
}

/// Median and 5–95 % band over runs of each kept series, per future, package and year,
/// optionally for one indicator and one group.
pub fn band_rows(r: &Results, indicator: Option<&str>, group: Option<&str>) -> Result<Vec<Band>> {
    let e = &r.experiment;
    let ind = indicator
        .map(|i| {
            r.names
                .indicator(i)
                .ok_or_else(|| Error::input(format!("unknown indicator `{i}`")))
        })
        .transpose()?;
    let grp = group
        .map(|g| {
            r.names
                .group(g)
                .ok_or_else(|| Error::input(format!("unknown group `{g}`")))
        })
        .transpose()?;
    let mut out = Vec::new();
    for (fi, fut) in e.futures.iter().enumerate() {
        for (pi, pkg) in e.packages.iter().enumerate() {
            let ids = runs_of(&r.plan, fi, pi);
            // Every run of an experiment keeps the same rows in the same order.
            let layout = r.run_records(ids[0]);
            for (k, rec) in layout.iter().enumerate() {
                if ind.is_some_and(|i| i != rec.indicator) || grp.is_some_and(|g| g != rec.group) {
                    continue;
                }
                let x: Vec<f64> = ids
                    .iter()
                    .filter_map(|&id| r.run_records(id).get(k).map(|q| q.value))
                    .filter(|v| v.is_finite())
                    .collect();
                out.push(Band {
                    future: fut.name.clone(),
                    package: pkg.name.clone(),
                    indicator: r.names.indicators[rec.indicator as usize].to_string(),
                    group: r.names.groups[rec.group as usize].clone(),
                    year: rec.year,
                    runs: x.len(),
                    p5: percentile(&x, 5.0),
                    median: percentile(&x, 50.0),
                    p95: percentile(&x, 95.0),
                });
            }
        }
    }
    if out.is_empty() {
        return Err(Error::input(
            "no kept series matches the indicator and group asked for",
        ));
    }
    Ok(out)
}

/// [`band_rows`] as a table. The columns are the contract `cohesion monitor check --bands`
/// reads.
pub fn bands(r: &Results, indicator: Option<&str>, group: Option<&str>) -> Result<Table> {
    let mut t = Table::new([
        "future",
        "package",
        "indicator",
        "group",
        "year",
        "runs",
        "p5",
        "median",
        "p95",
    ]);
    for b in band_rows(r, indicator, group)? {
        t.push(vec![
            Cell::Str(b.future),
            Cell::Str(b.package),
            Cell::Str(b.indicator),
            Cell::Str(b.group),
            Cell::Int(b.year as i64),
            Cell::Int(b.runs as i64),
            f(b.p5),
            f(b.median),
            f(b.p95),
        ]);
    }
    Ok(t)
}

/// A threshold on a scalar outcome: `indicator:group:WHEN>=X` or `<=X`.
pub struct Threshold {
    pub scalar: Scalar,
    pub direction: Direction,
    pub bound: f64,
}

pub fn parse_threshold(r: &Results, s: &str) -> Result<Threshold> {
    let (spec, direction, bound) = if let Some((a, b)) = s.split_once(">=") {
        (a, Direction::Maximise, b)
    } else if let Some((a, b)) = s.split_once("<=") {
        (a, Direction::Minimise, b)
    } else {
        return Err(Error::input(format!(
            "threshold `{s}`: write outcome>=value or outcome<=value, e.g. cohesion_index:all:2050>=48"
        )));
    };
    let bound: f64 = bound
        .trim()
        .parse()
        .ok()
        .filter(|b: &f64| b.is_finite())
        .ok_or_else(|| Error::input(format!("threshold `{s}`: `{bound}` is not a number")))?;
    Ok(Threshold {
        scalar: r.scalar(Some(spec.trim()))?,
        direction,
        bound,
    })
}

/// States of the world: (future, point) pairs in that order.
fn sows(plan: &Plan) -> Vec<(usize, usize)> {
    (0..plan.futures)
        .flat_map(|f| (0..plan.points.len()).map(move |p| (f, p)))
        .collect()
}

/// values[package][sow]: the scalar averaged over replications.
fn by_policy_and_sow(r: &Results, v: &[f64]) -> Vec<Vec<f64>> {
    let plan = &r.plan;
    let sows = sows(plan);
    let mut sum = vec![vec![0.0; sows.len()]; plan.packages];
    let mut n = vec![vec![0usize; sows.len()]; plan.packages];
    for id in 0..r.runs() {
        let run = plan.run(id);
        let s = run.future * plan.points.len() + run.point;
        if v[id as usize].is_finite() {
            sum[run.package][s] += v[id as usize];
            n[run.package][s] += 1;
        }
    }
    sum.iter()
        .zip(&n)
        .map(|(s, n)| {
            s.iter()
                .zip(n)
                .map(|(s, &n)| if n == 0 { f64::NAN } else { s / n as f64 })
                .collect()
        })
        .collect()
}

/// Normalised coordinates of each SOW (forces, then uncertain parameters).
fn sow_coordinates(r: &Results) -> Vec<Vec<f64>> {
    let e = &r.experiment;
    sows(&r.plan)
        .into_iter()
        .map(|(fut, point)| {
            let mut c: Vec<f64> = e.futures[fut]
                .forces
                .values()
                .iter()
                .map(|(_, v)| *v)
                .collect();
            c.extend(
                e.factors
                    .iter()
                    .zip(&r.plan.points[point])
                    .map(|(f, v)| (v - f.low) / (f.high - f.low)),
            );
            c
        })
        .collect()
}

/// The reference SOW: the reference future at the point nearest the parameter defaults.
fn reference_sow(r: &Results, future: Option<&str>) -> Result<usize> {
    let e = &r.experiment;
    let fi = match future {
        Some(name) => e
            .futures
            .iter()
            .position(|f| f.name == name)
            .ok_or_else(|| {
                Error::input(format!(
                    "reference future `{name}` is not in this experiment ({})",
                    e.futures
                        .iter()
                        .map(|f| f.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?,
        None => e
            .futures
            .iter()
            .position(|f| f.name == "baseline")
            .unwrap_or(0),
    };
    let default_of = |f: &cohesion_explore::design::Factor| {
        let d = Params::spec(&f.name).map_or(f.low, |s| s.default);
        (d.clamp(f.low, f.high) - f.low) / (f.high - f.low)
    };
    let point = (0..r.plan.points.len())
        .min_by(|&a, &b| {
            let dist = |p: usize| -> f64 {
                e.factors
                    .iter()
                    .zip(&r.plan.points[p])
                    .map(|(f, v)| ((v - f.low) / (f.high - f.low) - default_of(f)).powi(2))
                    .sum()
            };
            dist(a).total_cmp(&dist(b))
        })
        .unwrap_or(0);
    Ok(fi * r.plan.points.len() + point)
}

pub struct RobustnessOptions<'a> {
    pub outcome: Option<&'a str>,
    pub direction: Direction,
    pub percentile: f64,
    pub reference_future: Option<&'a str>,
    pub thresholds: Vec<String>,
}

/// Regret (types 1 and 2) and satisficing (types 1 and 2) per package.
pub fn robustness(r: &Results, o: &RobustnessOptions) -> Result<Table> {
    if !(0.0..=100.0).contains(&o.percentile) {
        return Err(Error::input(format!(
            "percentile {} is outside 0..100",
            o.percentile
        )));
    }
    let scalar = r.scalar(o.outcome)?;
    let values = by_policy_and_sow(r, &r.values(&scalar));
    let reference = reference_sow(r, o.reference_future)?;
    let fail = |m: String| Error::input(format!("robustness of {}: {m}", scalar.name));
    let r1 = robustness::regret_type1(&values, reference, o.percentile).map_err(fail)?;
    let r2 = robustness::regret_type2(&values, o.direction, o.percentile).map_err(fail)?;
    let thresholds: Vec<Threshold> = o
        .thresholds
        .iter()
        .map(|t| parse_threshold(r, t))
        .collect::<Result<_>>()?;
    let satisficing = if thresholds.is_empty() {
        None
    } else {
        let outcomes: Vec<Vec<Vec<f64>>> = thresholds
            .iter()
            .map(|t| by_policy_and_sow(r, &r.values(&t.scalar)))
            .collect();
        let bounds: Vec<(Direction, f64)> =
            thresholds.iter().map(|t| (t.direction, t.bound)).collect();
        Some((
            robustness::satisficing_type1(&outcomes, &bounds).map_err(fail)?,
            robustness::satisficing_type2(&outcomes, &bounds, &sow_coordinates(r), reference)
                .map_err(fail)?,
        ))
    };
    let p = o.percentile;
    let mut t = Table::new([
        "package".to_string(),
        "outcome".to_string(),
        "sows".to_string(),
        "mean".to_string(),
        format!("regret1_p{p}"),
        "regret1_max".to_string(),
        format!("regret2_p{p}"),
        "regret2_mean".to_string(),
        "regret2_max".to_string(),
        "satisficing1".to_string(),
        "satisficing2".to_string(),
    ]);
    for (pi, pkg) in r.experiment.packages.iter().enumerate() {
        let finite: Vec<f64> = values[pi]
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .collect();
        t.push(vec![
            Cell::Str(pkg.name.clone()),
            Cell::Str(scalar.name.clone()),
            Cell::Int(values[pi].len() as i64),
            f(finite.iter().sum::<f64>() / finite.len() as f64),
            f(r1[pi].percentile_value),
            f(r1[pi].max),
            f(r2[pi].percentile_value),
            f(r2[pi].mean),
            f(r2[pi].max),
            satisficing.as_ref().map_or(Cell::Empty, |s| f(s.0[pi])),
            satisficing.as_ref().map_or(Cell::Empty, |s| f(s.1[pi])),
        ]);
    }
    Ok(t)
}

pub struct PrimOptions<'a> {
    pub outcome: Option<&'a str>,
    /// Cases of interest: outcome below this value (or above, with `above`).
    pub bound: f64,
    pub above: bool,
    pub options: prim::Options,
}

/// Scenario discovery: boxes over futures, packages and uncertain parameters where the
/// outcome falls below (or rises above) the bound. Returns the boxes, the peeling
/// trajectories, and one sentence per box.
pub fn prim(r: &Results, o: &PrimOptions) -> Result<(Table, Table, Vec<String>)> {
    let scalar = r.scalar(o.outcome)?;
    let v = r.values(&scalar);
    let e = &r.experiment;
    let ids: Vec<u32> = (0..r.runs())
        .filter(|&i| v[i as usize].is_finite())
        .collect();
    let y: Vec<bool> = ids
        .iter()
        .map(|&i| {
            let x = v[i as usize];
            if o.above {
                x > o.bound
            } else {
                x < o.bound
            }
        })
        .collect();
    let mut names = vec!["future".to_string(), "package".to_string()];
    let runs: Vec<_> = ids.iter().map(|&i| r.plan.run(i)).collect();
    let mut columns = vec![
        Column::Categorical {
            codes: runs.iter().map(|r| r.future as u32).collect(),
            labels: e.futures.iter().map(|f| f.name.clone()).collect(),
        },
        Column::Categorical {
            codes: runs.iter().map(|r| r.package as u32).collect(),
            labels: e.packages.iter().map(|p| p.name.clone()).collect(),
        },
    ];
    for (k, factor) in e.factors.iter().enumerate() {
        names.push(factor.name.clone());
        columns.push(Column::Real(
            runs.iter().map(|run| r.plan.points[run.point][k]).collect(),
        ));
    }
    let cases = y.iter().filter(|&&b| b).count();
    let what = format!(
        "{} {} {}",
        scalar.name,
        if o.above { "above" } else { "below" },
        o.bound
    );
    if cases == 0 {
        return Err(Error::input(format!(
            "no run has {what}: there is nothing to discover (try another bound)"
        )));
    }
    let boxes = prim::find_boxes(&Dataset { names, columns }, &y, &o.options)
        .map_err(|m| Error::input(format!("PRIM: {m}")))?;
    let mut limits = Table::new([
        "box",
        "dimension",
        "limit",
        "qp",
        "coverage",
        "density",
        "mass",
    ]);
    let mut trajectory = Table::new(["box", "step", "coverage", "density", "mass", "restricted"]);
    let mut sentences = Vec::new();
    for (b, bx) in boxes.iter().enumerate() {
        for (s, p) in bx.trajectory.iter().enumerate() {
            trajectory.push(vec![
                Cell::Int(b as i64 + 1),
                Cell::Int(s as i64),
                f(p.coverage),
                f(p.density),
                f(p.mass),
                Cell::Int(p.restricted as i64),
            ]);
        }
        let mut conditions = Vec::new();
        for res in &bx.restrictions {
            let text = match &res.limit {
                prim::Limit::Real { low, high } => {
                    format!("{} in [{}, {}]", res.name, round(*low), round(*high))
                }
                prim::Limit::Categories(c) => format!("{} is {}", res.name, c.join(" or ")),
            };
            limits.push(vec![
                Cell::Int(b as i64 + 1),
                Cell::Str(res.name.clone()),
                Cell::Str(text.clone()),
                f(res.qp),
                f(bx.coverage),
                f(bx.density),
                f(bx.mass),
            ]);
            conditions.push(text);
        }
        sentences.push(format!(
            "box {}: {what} when {} (covers {:.0} % of such runs; {:.0} % of the runs in the box have it; {:.0} % of all runs lie in it)",
            b + 1,
            if conditions.is_empty() {
                "anything (no restriction)".to_string()
            } else {
                conditions.join(" and ")
            },
            100.0 * bx.coverage,
            100.0 * bx.density,
            100.0 * bx.mass
        ));
    }
    if boxes.is_empty() {
        sentences.push(format!(
            "no box reaches the density threshold {} for {what} ({cases} of {} runs)",
            o.options.threshold,
            y.len()
        ));
    }
    Ok((limits, trajectory, sentences))
}

fn round(v: f64) -> String {
    format!("{:.4}", v)
        .trim_end_matches('0')
        .trim_end_matches('.')
        .to_string()
}

/// Sobol or Morris indices per future and package, as the design allows.
pub fn sensitivity(
    r: &Results,
    outcome: Option<&str>,
    resamples: usize,
    confidence: f64,
) -> Result<Table> {
    let e = &r.experiment;
    let scalar = r.scalar(outcome)?;
    let v = r.values(&scalar);
    let kind = e.design.kind;
    if !matches!(kind, DesignKind::Sobol | DesignKind::Morris) {
        return Err(Error::input(format!(
            "sensitivity needs a `sobol` or `morris` design; this experiment's design is `{}`",
            kind.name()
        )));
    }
    let mut t = Table::new(if kind == DesignKind::Sobol {
        [
            "future", "package", "outcome", "factor", "S1", "S1_conf", "ST", "ST_conf",
        ]
    } else {
        [
            "future",
            "package",
            "outcome",
            "factor",
            "mu",
            "mu_star",
            "mu_star_conf",
            "sigma",
        ]
    });
    let points = r.plan.points.len();
    for (fi, fut) in e.futures.iter().enumerate() {
        for (pi, pkg) in e.packages.iter().enumerate() {
            // y per design point, averaged over replications, in design order.
            let mut y = vec![0.0; points];
            let mut n = vec![0usize; points];
            for id in runs_of(&r.plan, fi, pi) {
                let run = r.plan.run(id);
                y[run.point] += v[id as usize];
                n[run.point] += 1;
            }
            for (y, n) in y.iter_mut().zip(&n) {
                *y /= *n as f64;
            }
            let seed = cohesion_model::rng::key(&[e.seed, fi as u64, pi as u64, 0xb007]);
            let err = |m: String| Error::input(format!("{} × {}: {m}", fut.name, pkg.name));
            let head = || {
                vec![
                    Cell::Str(fut.name.clone()),
                    Cell::Str(pkg.name.clone()),
                    Cell::Str(scalar.name.clone()),
                ]
            };
            if kind == DesignKind::Sobol {
                for s in
                    sensitivity::sobol(&e.factors, &y, resamples, confidence, seed).map_err(err)?
                {
                    let mut row = head();
                    row.extend([
                        Cell::Str(s.factor),
                        f(s.first),
                        f(s.first_conf),
                        f(s.total),
                        f(s.total_conf),
                    ]);
                    t.push(row);
                }
            } else {
                for m in
                    sensitivity::morris(&e.factors, &r.plan.points, &y, resamples, confidence, seed)
                        .map_err(err)?
                {
                    let mut row = head();
                    row.extend([
                        Cell::Str(m.factor),
                        f(m.mu),
                        f(m.mu_star),
                        f(m.mu_star_conf),
                        f(m.sigma),
                    ]);
                    t.push(row);
                }
            }
        }
    }
    Ok(t)
}
