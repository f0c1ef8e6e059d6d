//! The experiment file (TOML): what to vary, how to sample it, and what to keep.
//!
//! ```toml
//! name = "small"
//! seed = 7
//! agents = 5000
//! years = 10
//! replications = 2
//! futures = ["baseline", "wild-west"]     # names, "all", or scenario files (*.toml)
//! packages = ["none", "broad"]            # names, "all", or package files (*.toml)
//!
//! [design]
//! kind = "lhs"        # none | full-factorial | lhs | sobol | morris
//! samples = 8         # lhs: points; sobol: base points N; morris: trajectories
//! levels = 4          # full-factorial: levels per factor; morris: grid levels
//!
//! [[uncertainty]]
//! parameter = "epsilon"
//! low = 0.15
//! high = 0.35
//! distribution = "uniform"   # uniform | log-uniform | triangular (mode) | normal (mean, sd)
//!
//! [[outcome]]
//! indicator = "cohesion_index"
//! groups = ["all", "edu_low"]   # default ["all"]
//! years = [2030, 2035]          # default: every year
//! ```
//! Paths in the file are relative to the file's folder.

use cohesion_explore::design::{Distribution, Factor};
use cohesion_io::error::{line_of_offset, read_utf8};
use cohesion_io::{Error, Result};
use cohesion_model::Params;
use cohesion_scenarios::{forces, policies, Package, Scenario};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Experiment files larger than this are refused (they are hand-written).
const MAX_FILE_BYTES: u64 = 4 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DesignKind {
    /// Futures × packages × replications only; no uncertain parameters.
    None,
    FullFactorial,
    LatinHypercube,
    /// Saltelli's scheme for Sobol first and total indices.
    Sobol,
    Morris,
}

impl DesignKind {
    pub fn name(self) -> &'static str {
        match self {
            DesignKind::None => "none",
            DesignKind::FullFactorial => "full-factorial",
            DesignKind::LatinHypercube => "lhs",
            DesignKind::Sobol => "sobol",
            DesignKind::Morris => "morris",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    pub kind: DesignKind,
    pub samples: usize,
    pub levels: usize,
}

/// Which indicator rows a run keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub indicator: String,
    pub groups: Vec<String>,
    /// `None`: every simulated year.
    pub years: Option<Vec<i32>>,
}

/// A parsed, checked experiment.
#[derive(Debug, Clone)]
pub struct Experiment {
    pub path: PathBuf,
    /// The file's exact bytes: hashed into the results folder and stored in every output.
    pub text: String,
    pub name: String,
    pub seed: u64,
    pub agents: usize,
    pub years: u32,
    pub start_year: i32,
    pub uniform_behaviour: bool,
    pub replications: u32,
    pub futures: Vec<Scenario>,
    pub packages: Vec<Package>,
    pub design: Design,
    pub factors: Vec<Factor>,
    pub outcomes: Vec<Outcome>,
    /// Refuse to run more than this many runs without `--yes`.
    pub max_runs: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    name: Option<String>,
    seed: Option<u64>,
    agents: Option<Spanned<i64>>,
    years: Option<Spanned<i64>>,
    start_year: Option<i32>,
    behaviour: Option<Spanned<String>>,
    replications: Option<Spanned<i64>>,
    max_runs: Option<Spanned<i64>>,
    futures: Spanned<NamesOrAll>,
    packages: Spanned<NamesOrAll>,
    design: Option<DesignFile>,
    #[serde(default)]
    uncertainty: Vec<UncertaintyFile>,
    #[serde(default)]
    outcome: Vec<OutcomeFile>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum NamesOrAll {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DesignFile {
    kind: Spanned<String>,
    samples: Option<Spanned<i64>>,
    levels: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UncertaintyFile {
    parameter: Spanned<String>,
    low: Spanned<f64>,
    high: Spanned<f64>,
    distribution: Option<Spanned<String>>,
    mode: Option<f64>,
    mean: Option<f64>,
    sd: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutcomeFile {
    indicator: Spanned<String>,
    groups: Option<Spanned<Vec<String>>>,
    years: Option<Spanned<Vec<i32>>>,
}

pub fn load(path: &Path) -> Result<Experiment> {
    let text = read_utf8(path, MAX_FILE_BYTES)?;
    parse(path, &text)
}

pub fn parse(path: &Path, text: &str) -> Result<Experiment> {
    let file: File = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of_offset(text, s.start));
        Error::at(path, line, None, e.message())
    })?;
    let at = |span: std::ops::Range<usize>, field: &str, msg: String| {
        Error::at(
            path,
            Some(line_of_offset(text, span.start)),
            Some(field),
            msg,
        )
    };
    let whole = |v: &Option<Spanned<i64>>, field: &str, default: i64, min: i64, max: i64| match v {
        None => Ok(default),
        Some(s) if (min..=max).contains(s.get_ref()) => Ok(*s.get_ref()),
        Some(s) => Err(at(
            s.span(),
            field,
            format!("{} is outside {min}..={max}", s.get_ref()),
        )),
    };
    let agents = whole(&file.agents, "agents", 100_000, 100, 50_000_000)? as usize;
    let years = whole(&file.years, "years", 25, 1, 100)? as u32;
    let replications = whole(&file.replications, "replications", 1, 1, 100_000)? as u32;
    let max_runs = whole(&file.max_runs, "max_runs", 10_000, 1, i64::MAX)? as usize;
    let uniform_behaviour = match &file.behaviour {
        None => false,
        Some(b) => match b.get_ref().as_str() {
            "typed" => false,
            "uniform" => true,
            other => {
                return Err(at(
                    b.span(),
                    "behaviour",
                    format!("`{other}`: expected `typed` or `uniform`"),
                ))
            }
        },
    };
    let base = path.parent().unwrap_or(Path::new("."));
    // A name ending in .toml is a file of the user's, relative to the experiment file.
    fn resolve<T>(
        list: Vec<String>,
        base: &Path,
        from_file: fn(&Path) -> Result<T>,
        named: fn(&str) -> Result<T>,
    ) -> Result<Vec<T>> {
        list.iter()
            .map(|n| {
                if n.ends_with(".toml") {
                    from_file(&base.join(n))
                } else {
                    named(n)
                }
            })
            .collect()
    }
    let futures = resolve(
        names(&file.futures, forces::future_names()?),
        base,
        forces::load_scenario,
        forces::future,
    )
    .map_err(|e| at(file.futures.span(), "futures", e.message().to_string()))?;
    let packages = resolve(
        names(&file.packages, policies::package_names()?),
        base,
        policies::load_package,
        policies::package,
    )
    .map_err(|e| at(file.packages.span(), "packages", e.message().to_string()))?;
    for (list, field, span) in [
        (
            futures.iter().map(|f| f.name.clone()).collect::<Vec<_>>(),
            "futures",
            file.futures.span(),
        ),
        (
            packages.iter().map(|p| p.name.clone()).collect(),
            "packages",
            file.packages.span(),
        ),
    ] {
        if list.is_empty() {
            return Err(at(span, field, "the list is empty".into()));
        }
        if let Some(dup) = list
            .iter()
            .enumerate()
            .find(|(i, n)| list[..*i].contains(n))
        {
            return Err(at(span, field, format!("`{}` is listed twice", dup.1)));
        }
    }

    let factors = file
        .uncertainty
        .iter()
        .map(|u| factor(u, &at))
        .collect::<Result<Vec<_>>>()?;
    for (i, u) in file.uncertainty.iter().enumerate() {
        if factors[..i].iter().any(|f| f.name == factors[i].name) {
            return Err(at(
                u.parameter.span(),
                "parameter",
                format!("`{}` is listed twice", factors[i].name),
            ));
        }
    }
    let design = design(&file.design, factors.len(), &at)?;

    let outcomes = if file.outcome.is_empty() {
        vec![Outcome {
            indicator: "cohesion_index".into(),
            groups: vec!["all".into()],
            years: None,
        }]
    } else {
        file.outcome
            .iter()
            .map(|o| outcome(o, years, file.start_year.unwrap_or(2025), &at))
            .collect::<Result<Vec<Vec<_>>>>()?
            .into_iter()
            .flatten()
            .collect()
    };

    Ok(Experiment {
        path: path.to_path_buf(),
        text: text.to_string(),
        name: file.name.unwrap_or_else(|| {
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "experiment".into())
        }),
        seed: file.seed.unwrap_or(1),
        agents,
        years,
        start_year: file.start_year.unwrap_or(2025),
        uniform_behaviour,
        replications,
        futures,
        packages,
        design,
        factors,
        outcomes,
        max_runs,
    })
}

/// The names listed, with "all" standing for every named preset.
fn names(v: &Spanned<NamesOrAll>, all: Vec<String>) -> Vec<String> {
    match v.get_ref() {
        NamesOrAll::One(s) if s == "all" => all,
        NamesOrAll::One(s) => vec![s.clone()],
        NamesOrAll::Many(list) if list.len() == 1 && list[0] == "all" => all,
        NamesOrAll::Many(list) => list.clone(),
    }
}

type At<'a> = dyn Fn(std::ops::Range<usize>, &str, String) -> Error + 'a;

fn factor(u: &UncertaintyFile, at: &At) -> Result<Factor> {
    let name = u.parameter.get_ref();
    let Some(spec) = Params::spec(name) else {
        let valid: Vec<&str> = Params::SPECS.iter().map(|s| s.name).collect();
        return Err(at(
            u.parameter.span(),
            "parameter",
            format!(
                "unknown parameter `{name}`; valid parameters: {}",
                valid.join(", ")
            ),
        ));
    };
    let (low, high) = (*u.low.get_ref(), *u.high.get_ref());
    for (v, s, field) in [(low, u.low.span(), "low"), (high, u.high.span(), "high")] {
        if !v.is_finite() || v < spec.min || v > spec.max {
            return Err(at(
                s,
                field,
                format!(
                    "{v} is outside the range of `{name}` ({}..{} {})",
                    spec.min, spec.max, spec.unit
                ),
            ));
        }
    }
    if low >= high {
        return Err(at(
            u.low.span(),
            "low",
            format!("empty range for `{name}`: low {low} is not below high {high}"),
        ));
    }
    let dist_span = u
        .distribution
        .as_ref()
        .map(|d| d.span())
        .unwrap_or(u.parameter.span());
    let need = |v: Option<f64>, key: &str| {
        v.ok_or_else(|| {
            at(
                dist_span.clone(),
                "distribution",
                format!("this distribution needs `{key}`"),
            )
        })
    };
    let distribution = match u.distribution.as_ref().map(|d| d.get_ref().as_str()) {
        None | Some("uniform") => Distribution::Uniform,
        Some("log-uniform") => Distribution::LogUniform,
        Some("triangular") => Distribution::Triangular {
            mode: need(u.mode, "mode")?,
        },
        Some("normal") => Distribution::Normal {
            mean: need(u.mean, "mean")?,
            sd: need(u.sd, "sd")?,
        },
        Some(other) => {
            return Err(at(
                dist_span,
                "distribution",
                format!("`{other}`: expected uniform, log-uniform, triangular or normal"),
            ))
        }
    };
    let f = Factor {
        name: name.clone(),
        low,
        high,
        distribution,
    };
    f.validate()
        .map_err(|m| at(dist_span, "distribution", format!("`{name}`: {m}")))?;
    Ok(f)
}

fn design(d: &Option<DesignFile>, factors: usize, at: &At) -> Result<Design> {
    let Some(d) = d else {
        return if factors == 0 {
            Ok(Design {
                kind: DesignKind::None,
                samples: 1,
                levels: 0,
            })
        } else {
            Err(Error::input(
                "uncertain parameters are given but no [design] says how to sample them",
            ))
        };
    };
    let kind = match d.kind.get_ref().as_str() {
        "none" => DesignKind::None,
        "full-factorial" | "grid" => DesignKind::FullFactorial,
        "lhs" | "latin-hypercube" => DesignKind::LatinHypercube,
        "sobol" | "saltelli" => DesignKind::Sobol,
        "morris" => DesignKind::Morris,
        other => {
            return Err(at(
                d.kind.span(),
                "kind",
                format!("`{other}`: expected none, full-factorial, lhs, sobol or morris"),
            ))
        }
    };
    if kind == DesignKind::None && factors > 0 {
        return Err(at(
            d.kind.span(),
            "kind",
            "`none` cannot sample the uncertain parameters; choose full-factorial, lhs, sobol or morris".into(),
        ));
    }
    if kind != DesignKind::None && factors == 0 {
        return Err(at(
            d.kind.span(),
            "kind",
            format!("`{}` needs at least one [[uncertainty]]", kind.name()),
        ));
    }
    let int = |v: &Option<Spanned<i64>>, field: &str, default: i64, min: i64, max: i64| {
        match v {
            None => Ok(default),
            Some(s) if (min..=max).contains(s.get_ref()) => Ok(*s.get_ref()),
            Some(s) => Err(at(
                s.span(),
                field,
                format!("{} is outside {min}..={max}", s.get_ref()),
            )),
        }
        .map(|v| v as usize)
    };
    let samples = match kind {
        DesignKind::None | DesignKind::FullFactorial => 1,
        DesignKind::Sobol => int(&d.samples, "samples", 64, 2, 1 << 24)?,
        _ => int(&d.samples, "samples", 10, 1, 1 << 24)?,
    };
    let levels = match kind {
        DesignKind::FullFactorial => int(&d.levels, "levels", 3, 2, 1000)?,
        DesignKind::Morris => int(&d.levels, "levels", 4, 2, 1000)?,
        _ => 0,
    };
    Ok(Design {
        kind,
        samples,
        levels,
    })
}

/// One `[[outcome]]` entry; `indicator = "*"` stands for every indicator and
/// `groups = ["*"]` for every group.
fn outcome(o: &OutcomeFile, years: u32, start: i32, at: &At) -> Result<Vec<Outcome>> {
    let indicator = o.indicator.get_ref();
    if indicator != "*" && !cohesion_model::indicators::INDICATORS.contains(&indicator.as_str()) {
        return Err(at(
            o.indicator.span(),
            "indicator",
            format!(
                "unknown indicator `{indicator}`; valid indicators: {}",
                cohesion_model::indicators::INDICATORS.join(", ")
            ),
        ));
    }
    let groups = match &o.groups {
        None => vec!["all".to_string()],
        Some(g) if g.get_ref().iter().any(|n| n == "*") => {
            cohesion_model::indicators::group_names()
        }
        Some(g) => {
            let valid = cohesion_model::indicators::group_names();
            if let Some(bad) = g.get_ref().iter().find(|n| !valid.contains(n)) {
                return Err(at(
                    g.span(),
                    "groups",
                    format!("unknown group `{bad}`; valid groups: {}", valid.join(", ")),
                ));
            }
            if g.get_ref().is_empty() {
                return Err(at(g.span(), "groups", "the list is empty".into()));
            }
            g.get_ref().clone()
        }
    };
    let years = match &o.years {
        None => None,
        Some(y) => {
            let end = start + years as i32;
            if let Some(bad) = y.get_ref().iter().find(|v| !(start..=end).contains(*v)) {
                return Err(at(
                    y.span(),
                    "years",
                    format!("{bad} is outside the simulated years {start}..={end}"),
                ));
            }
            Some(y.get_ref().clone())
        }
    };
    let indicators: Vec<String> = if indicator == "*" {
        cohesion_model::indicators::INDICATORS
            .iter()
            .map(|s| s.to_string())
            .collect()
    } else {
        vec![indicator.clone()]
    };
    Ok(indicators
        .into_iter()
        .map(|indicator| Outcome {
            indicator,
            groups: groups.clone(),
            years: years.clone(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Experiment> {
        parse(Path::new("exp.toml"), text)
    }

    const MINIMAL: &str = "futures = \"all\"\npackages = [\"none\", \"broad\"]\n";

    #[test]
    fn all_expands_and_defaults_are_filled() {
        let e = parse_str(MINIMAL).unwrap();
        assert_eq!(e.futures.len(), 5);
        assert_eq!(e.packages.len(), 2);
        assert_eq!(e.design.kind, DesignKind::None);
        assert_eq!(e.outcomes[0].indicator, "cohesion_index");
        assert_eq!((e.agents, e.years, e.replications), (100_000, 25, 1));
    }

    #[test]
    fn unknown_parameter_lists_the_valid_ones_and_names_the_line() {
        let text = format!(
            "{MINIMAL}[design]\nkind = \"lhs\"\n[[uncertainty]]\nparameter = \"epsilonn\"\nlow = 0.1\nhigh = 0.2\n"
        );
        let e = parse_str(&text).unwrap_err().to_string();
        assert!(e.starts_with("exp.toml:6:"), "{e}");
        assert!(e.contains("unknown parameter `epsilonn`"), "{e}");
        assert!(e.contains("epsilon,") || e.contains("epsilon "), "{e}");
    }

    #[test]
    fn empty_and_out_of_range_ranges_are_refused() {
        let text = format!(
            "{MINIMAL}[design]\nkind = \"lhs\"\n[[uncertainty]]\nparameter = \"epsilon\"\nlow = 0.3\nhigh = 0.3\n"
        );
        let e = parse_str(&text).unwrap_err().to_string();
        assert!(e.contains("empty range"), "{e}");
        let text = format!(
            "{MINIMAL}[design]\nkind = \"lhs\"\n[[uncertainty]]\nparameter = \"epsilon\"\nlow = 0.1\nhigh = 30\n"
        );
        let e = parse_str(&text).unwrap_err().to_string();
        assert!(e.contains(":8:") && e.contains("field `high`"), "{e}");
    }

    #[test]
    fn unknown_keys_names_and_indicators_are_errors() {
        for (text, needle) in [
            (format!("{MINIMAL}agnets = 5\n"), "unknown field `agnets`"),
            (
                "futures = [\"wild-east\"]\npackages = \"all\"\n".to_string(),
                "wild-east",
            ),
            (
                format!("{MINIMAL}[[outcome]]\nindicator = \"happiness\"\n"),
                "unknown indicator `happiness`",
            ),
            (
                format!("{MINIMAL}[[outcome]]\nindicator = \"generalised_trust\"\ngroups = [\"martians\"]\n"),
                "unknown group `martians`",
            ),
            (format!("{MINIMAL}agents = 5\n"), "field `agents`"),
            (
                format!("{MINIMAL}[[outcome]]\nindicator = \"generalised_trust\"\nyears = [2099]\n"),
                "outside the simulated years",
            ),
            (
                "futures = [\"baseline\", \"baseline\"]\npackages = \"all\"\n".to_string(),
                "listed twice",
            ),
        ] {
            let e = parse_str(&text).unwrap_err().to_string();
            assert!(e.contains(needle), "{needle}: {e}");
        }
    }

    #[test]
    fn stars_stand_for_every_indicator_and_group() {
        let e = parse_str(&format!(
            "{MINIMAL}[[outcome]]\nindicator = \"*\"\ngroups = [\"*\"]\n"
        ))
        .unwrap();
        assert_eq!(
            e.outcomes.len(),
            cohesion_model::indicators::INDICATORS.len()
        );
        assert_eq!(
            e.outcomes[0].groups,
            cohesion_model::indicators::group_names()
        );
    }

    #[test]
    fn uncertainty_without_a_design_is_refused() {
        let text =
            format!("{MINIMAL}[[uncertainty]]\nparameter = \"epsilon\"\nlow = 0.1\nhigh = 0.2\n");
        assert!(parse_str(&text).is_err());
    }

    #[test]
    fn scenario_and_package_files_resolve_relative_to_the_experiment() {
        let dir = std::env::temp_dir().join(format!("cohesion-spec-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("mine.toml"),
            "name = \"mine\"\nbased_on = \"wild-west\"\n[forces]\npublic_values = 0.9\n",
        )
        .unwrap();
        let path = dir.join("exp.toml");
        let e = parse(&path, "futures = [\"mine.toml\"]\npackages = \"none\"\n");
        std::fs::remove_dir_all(&dir).unwrap();
        let e = e.unwrap();
        assert_eq!(e.futures[0].name, "mine");
    }
}
