//! From a read source table to observations: pick the rows a mapping series names, read the
//! period and value by the source's rules, scale to model units and attach the sampling error
//! (rules in [`crate::mapping`]). Plain CSVs are already in model terms and are only checked.

use crate::formats::{self, Format, Period, SourceTable};
use crate::import::{summary, FileSummary};
use crate::mapping::{check_target, Mapping, SamplingRule, Series, Table};
use crate::observation::{Observation, Z95};
use cohesion_io::{Error, Result};
use std::collections::BTreeMap;

fn observation(table: &Table, source: &SourceTable, s: (&str, &str), year: i32) -> Observation {
    Observation {
        indicator: s.0.into(),
        group: s.1.into(),
        year,
        value: f64::NAN,
        lower: None,
        upper: None,
        se: None,
        se_basis: "none given".into(),
        flag: String::new(),
        table: table.id.clone(),
        source: table.source.clone(),
        retrieved: table.retrieved.clone(),
        file: source.path.display().to_string(),
        line: 0,
        url: table.url.clone(),
    }
}

/// A plain CSV: names checked against the model, `lower`/`upper` read as a 95 % interval.
pub fn plain(source: &SourceTable, table: &Table) -> Result<(Vec<Observation>, FileSummary)> {
    let path = &source.path;
    let mut out = Vec::new();
    let mut series = std::collections::BTreeSet::new();
    for row in &source.rows {
        let cell = |k: &str| source.column(k).map_or("", |i| row.get(i));
        let (ind, grp) = (cell("indicator"), cell("group"));
        check_target(ind, grp).map_err(|(f, m)| Error::at(path, Some(row.line), Some(&f), m))?;
        let year: i32 = cell("year").parse().map_err(|_| {
            Error::at(
                path,
                Some(row.line),
                Some("year"),
                format!("`{}` is not a year", cell("year")),
            )
        })?;
        let num = |k: &str| {
            formats::number(Format::Plain, cell(k))
                .map_err(|m| Error::at(path, Some(row.line), Some(k), m))
        };
        let value = num("value")?.expect("checked non-empty by the reader");
        let (lower, upper) = (num("lower")?, num("upper")?);
        let mut o = observation(table, source, (ind, grp), year);
        o.value = value;
        o.line = row.line;
        match (lower, upper) {
            (None, None) => {}
            (Some(l), Some(u)) if l <= value && value <= u => {
                o.lower = Some(l);
                o.upper = Some(u);
                o.se = Some((u - l) / (2.0 * Z95));
                o.se_basis = "95% interval given".into();
            }
            (Some(_), Some(_)) => {
                return Err(Error::at(
                    path,
                    Some(row.line),
                    Some("lower"),
                    "interval must satisfy lower ≤ value ≤ upper",
                ))
            }
            _ => {
                return Err(Error::at(
                    path,
                    Some(row.line),
                    Some("upper"),
                    "give both lower and upper, or neither",
                ))
            }
        }
        series.insert((ind.to_string(), grp.to_string()));
        out.push(o);
    }
    let mut sum = summary(source, table);
    sum.series = series.len();
    sum.observations = out.len();
    Ok((out, sum))
}

/// A CBS or Eurostat file: every mapping series on this table picks its rows.
pub fn mapped(
    source: &SourceTable,
    table: &Table,
    mapping: &Mapping,
) -> Result<(Vec<Observation>, FileSummary)> {
    let mut out = Vec::new();
    let mut sum = summary(source, table);
    for s in mapping.series.iter().filter(|s| s.table == table.id) {
        let before = out.len();
        one_series(source, table, mapping, s, &mut out, &mut sum)?;
        sum.series += 1;
        sum.observations += out.len() - before;
    }
    Ok((out, sum))
}

/// Per year: the row's line, its value (None when the source marks it missing), its flag.
type ByYear = BTreeMap<i32, (usize, Option<f64>, String)>;

fn one_series(
    source: &SourceTable,
    table: &Table,
    mapping: &Mapping,
    s: &Series,
    out: &mut Vec<Observation>,
    sum: &mut FileSummary,
) -> Result<()> {
    let path = &source.path;
    let here = format!("(mapping {}:{})", mapping.path.display(), s.line);
    let column = |name: &str| -> Result<()> {
        if source.columns.iter().any(|c| c == name) {
            Ok(())
        } else {
            Err(Error::at(
                path,
                Some(1),
                Some(name),
                format!(
                    "no such column {here}; columns: {}",
                    source.columns.join(", ")
                ),
            ))
        }
    };
    let period_col = s
        .period
        .as_deref()
        .unwrap_or(source.format.default_period());
    let value_col = match (&s.value, source.format.default_value()) {
        (Some(v), _) => v.as_str(),
        (None, Some(v)) => v,
        (None, None) => {
            return Err(Error::at(
                &mapping.path,
                Some(s.line),
                Some("series.value"),
                format!(
                    "{} files have one column per topic: name the value column",
                    source.format.name()
                ),
            ))
        }
    };
    column(period_col)?;
    column(value_col)?;
    for k in s.filter.keys() {
        column(k)?;
    }
    let bounds = match &s.sampling {
        SamplingRule::Bounds(b) => {
            column(&b.column)?;
            Some(b)
        }
        _ => None,
    };
    let col = |name: &str| source.column(name).expect("checked above");
    let filter: Vec<(usize, &str)> = s.filter.iter().map(|(k, v)| (col(k), v.as_str())).collect();
    let (period_i, value_i) = (col(period_col), col(value_col));
    let flag_i = source.column("OBS_FLAG");
    let matches = |row: &formats::Row, extra: Option<(&str, &str)>| {
        filter.iter().all(|&(i, v)| row.get(i) == v)
            && extra.is_none_or(|(k, v)| row.get(col(k)) == v)
    };
    // Rows of the value (and, with bounds, of the lower and upper margins), by year.
    let mut by_role: [ByYear; 3] = Default::default();
    let roles: [Option<(&str, &str)>; 3] = match bounds {
        Some(b) => [
            Some((&b.column, &b.value)),
            Some((&b.column, &b.lower)),
            Some((&b.column, &b.upper)),
        ],
        None => [None, None, None],
    };
    let mut selected = 0;
    for row in &source.rows {
        for (role, extra) in roles.iter().enumerate() {
            if role > 0 && extra.is_none() {
                continue;
            }
            if !matches(row, *extra) {
                continue;
            }
            if role == 0 {
                selected += 1;
            }
            let raw_period = row.get(period_i);
            let (year, provisional) = match formats::period(raw_period) {
                Ok(Period::Year { year, provisional }) => (year, provisional),
                Ok(Period::SubAnnual) => {
                    if role == 0 {
                        sum.sub_annual += 1;
                    }
                    continue;
                }
                Err(m) => return Err(Error::at(path, Some(row.line), Some(period_col), m)),
            };
            let value = formats::number(source.format, row.get(value_i))
                .map_err(|m| Error::at(path, Some(row.line), Some(value_col), m))?;
            let mut flag = flag_i.map_or(String::new(), |i| row.get(i).to_string());
            if provisional {
                flag = "provisional".into();
            }
            let slot = (row.line, value.map(|v| scaled(v, s.scale)), flag);
            if let Some((first, _, _)) = by_role[role].insert(year, slot) {
                return Err(Error::at(
                    path,
                    Some(row.line),
                    Some(period_col),
                    format!(
                        "second row for {year} (first on line {first}) {here}: add a `where` \
                         filter on the dimension that differs"
                    ),
                ));
            }
        }
    }
    if selected == 0 {
        let filter: Vec<String> = s.filter.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        return Err(Error::at(
            path,
            None,
            None,
            format!("no row matches the filter [{}] {here}", filter.join(", ")),
        ));
    }
    for (&year, (line, value, flag)) in &by_role[0] {
        let Some(value) = *value else {
            sum.missing += 1;
            continue;
        };
        let mut o = observation(table, source, (&s.indicator, &s.group), year);
        o.value = value;
        o.line = *line;
        o.flag = flag.clone();
        let err = |m: String| Error::at(path, Some(*line), Some(value_col), format!("{m} {here}"));
        match &s.sampling {
            SamplingRule::NotGiven => {}
            SamplingRule::Stated(se) => {
                o.se = Some(*se);
                o.se_basis = "stated in mapping".into();
            }
            SamplingRule::SampleSize(n) => {
                if !(0.0..=1.0).contains(&value) {
                    return Err(err(format!(
                        "sampling by n needs a share in 0..1, got {value} (check `scale`)"
                    )));
                }
                o.se = Some((value * (1.0 - value) / n).sqrt());
                o.se_basis = format!("binomial, n = {n}");
            }
            SamplingRule::Rounding(r) => {
                o.se = Some(r * s.scale.abs() / 12f64.sqrt());
                o.se_basis = format!("register data, rounding to {r}");
            }
            SamplingRule::Bounds(_) => {
                let bound = |role: usize| by_role[role].get(&year).and_then(|b| b.1);
                let (Some(l), Some(u)) = (bound(1), bound(2)) else {
                    return Err(err(format!("no lower/upper margin rows for {year}")));
                };
                if !(l <= value && value <= u) {
                    return Err(err(format!(
                        "margins {l}..{u} do not contain the value {value}"
                    )));
                }
                o.lower = Some(l);
                o.upper = Some(u);
                o.se = Some((u - l) / (2.0 * Z95));
                o.se_basis = "95% margins in the table".into();
            }
        }
        if let (Some(se), None) = (o.se, o.lower) {
            if se > 0.0 {
                o.lower = Some(value - Z95 * se);
                o.upper = Some(value + Z95 * se);
            }
        }
        out.push(o);
    }
    Ok(())
}

/// `v · scale`, rounded to 12 significant digits so that 82.7 × 0.01 reads 0.827, not
/// 0.8270000000000001 (sources publish far fewer digits than that).
pub fn scaled(v: f64, scale: f64) -> f64 {
    let x = v * scale;
    format!("{x:.11e}").parse().unwrap_or(x)
}
