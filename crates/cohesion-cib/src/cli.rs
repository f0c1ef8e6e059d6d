//! The `cohesion cib` command: arguments, the analysis they ask for, and its table.

use crate::engine::{
    chao1, wilson95, Algorithm, Attractor, Basins, Engine, Found, Progress, Succession,
};
use crate::ensemble::{combine, Combine};
use crate::model::{Cib, FORCES};
use cohesion_io::{Cell, Error, Result, Table};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Scenario spaces up to this size are searched exhaustively; larger ones by Monte Carlo
/// succession unless `--monte-carlo` says otherwise. 20 descriptors × 3 variants (3.5·10⁹)
/// is below it.
pub const EXHAUSTIVE_LIMIT: u128 = 10_000_000_000;

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuccessionArg {
    Global,
    Sequential,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum CombineArg {
    /// Mean over the judges who scored each cell.
    Mean,
    /// Sum of the judges' cells.
    Sum,
    /// Each judge's consistent scenarios side by side (union), no combined matrix search.
    Each,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlgorithmArg {
    /// Branch-and-bound (fastest).
    Bnb,
    /// Exhaustive odometer with incremental balances.
    Odometer,
    /// Straightforward enumeration, one thread (for comparison).
    Naive,
}

/// Cross-impact balance analysis: the consistent scenarios of a judgement matrix.
///
/// FILE is a `.toml`, `.csv` or `.scw` matrix, or `study` for the embedded matrix of the
/// SCP/STT study's driving forces (reconstructed judgements).
#[derive(clap::Args, Debug, Clone)]
pub struct CibArgs {
    /// Matrix file (.toml, .csv, .scw) or `study`.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Accept scenarios with inconsistency up to K (IC0 = strictly consistent).
    #[arg(long, value_name = "K", default_value_t = 0)]
    pub tolerance: u32,
    /// Succession rule used by --basins, --trace and Monte Carlo.
    #[arg(long, value_enum, default_value = "global")]
    pub succession: SuccessionArg,
    /// Add each scenario's basin of attraction (share of starting scenarios ending in it).
    #[arg(long)]
    pub basins: bool,
    /// Force a descriptor to a variant (repeatable).
    #[arg(long, value_name = "DESCRIPTOR=VARIANT")]
    pub intervene: Vec<String>,
    /// Further judges' matrices over the same descriptors (FILE is the first judge).
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub judges: Vec<PathBuf>,
    /// How judges are combined.
    #[arg(long, value_enum, default_value = "mean")]
    pub combine: CombineArg,
    /// Write the table as CSV (`-` for standard output).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Write the table as JSON (`-` for standard output).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Worker threads (default: all cores, or RAYON_NUM_THREADS).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Seed for sampled basins and Monte Carlo succession.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Monte Carlo succession from N random starts instead of an exhaustive search
    /// (automatic, with 100000 starts, beyond 10¹⁰ scenarios).
    #[arg(long, value_name = "N")]
    pub monte_carlo: Option<u64>,
    /// Search exhaustively even beyond 10¹⁰ scenarios (branch-and-bound often manages;
    /// how well it prunes depends on the matrix).
    #[arg(long, conflicts_with = "monte_carlo")]
    pub exhaustive: bool,
    /// Exact basins up to this many starting scenarios, sampled beyond.
    #[arg(long, value_name = "N", default_value_t = 100_000_000)]
    pub exact_basins: u64,
    /// Starting scenarios drawn when basins are sampled.
    #[arg(long, value_name = "N", default_value_t = 1_000_000)]
    pub samples: u64,
    /// Judgement range of CSV matrices, as LOW..HIGH.
    #[arg(
        long,
        value_name = "LOW..HIGH",
        default_value = "-3..3",
        allow_hyphen_values = true
    )]
    pub range: String,
    /// Search algorithm (all give the same result).
    #[arg(long, value_enum, default_value = "bnb")]
    pub algorithm: AlgorithmArg,
    /// Print the succession path from a scenario (variant names in descriptor order,
    /// comma-separated) and stop.
    #[arg(long, value_name = "SCENARIO")]
    pub trace: Option<String>,
    /// Write scenario number N of the output as a scenario TOML for `cohesion run`
    /// (needs --out and a [mapping] in the file).
    #[arg(long, value_name = "N", requires = "out")]
    pub to_scenario: Option<usize>,
    /// Where --to-scenario writes.
    #[arg(long, value_name = "FILE.toml")]
    pub out: Option<PathBuf>,
    /// Write the (first) matrix in the format of this file's extension and stop.
    #[arg(long, value_name = "FILE")]
    pub convert: Option<PathBuf>,
}

/// Run the command.
pub fn run(args: &CibArgs) -> Result<()> {
    match args.threads {
        Some(0) => Err(Error::input("--threads must be at least 1")),
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| Error::failure(format!("cannot start {n} threads: {e}")))?
            .install(|| run_inner(args)),
        None => run_inner(args),
    }
}

fn parse_range(s: &str) -> Result<(i32, i32)> {
    let bad = || Error::input(format!("--range `{s}`: expected LOW..HIGH, e.g. -3..3"));
    let (a, b) = s.split_once("..").ok_or_else(bad)?;
    let a: i32 = a.trim().parse().map_err(|_| bad())?;
    let b: i32 = b.trim().parse().map_err(|_| bad())?;
    if a >= b || a.abs() > 100 || b.abs() > 100 {
        return Err(bad());
    }
    Ok((a, b))
}

/// The result of an analysis, before it is rendered.
pub struct Analysis {
    pub table: Table,
    /// Scenario per table row (variant indices), for --to-scenario.
    pub scenarios: Vec<Vec<u8>>,
    pub cib: Cib,
}

fn run_inner(args: &CibArgs) -> Result<()> {
    let range = parse_range(&args.range)?;
    let cib = crate::load(&args.file, range)?;
    if let Some(dest) = &args.convert {
        return crate::save(&cib, dest);
    }
    let mut judges = vec![cib];
    for p in &args.judges {
        let j = crate::load(p, range)?;
        judges[0].same_structure(&j).map_err(|m| {
            Error::at(
                p,
                None,
                None,
                format!("judge's matrix differs from {}: {m}", args.file.display()),
            )
        })?;
        judges.push(j);
    }
    let names = judge_names(&judges, args);
    let fixed: Vec<(usize, u8)> = args
        .intervene
        .iter()
        .map(|s| {
            judges[0]
                .parse_assignment(s)
                .map_err(|e| e.context("--intervene"))
        })
        .collect::<Result<_>>()?;

    if let Some(t) = &args.trace {
        let cib = analysed(&judges, args)?;
        let start = cib.parse_scenario(t).map_err(|e| e.context("--trace"))?;
        let engine = Engine::new(&cib, &fixed, 0);
        let tr = engine.succession(&start, succession(args));
        let mut out = String::new();
        for (i, s) in tr.path.iter().enumerate() {
            let (ic, _) = engine.evaluate(s);
            let _ = writeln!(
                out,
                "{i:>3}  {}  (inconsistency {})",
                cib.describe(s),
                show(ic, cib.scale)
            );
        }
        match &tr.attractor {
            Attractor::Fixed(_) => out.push_str("ends in a consistent scenario (fixed point)\n"),
            Attractor::Cycle(c) => {
                let _ = writeln!(out, "ends in a cycle of {} scenarios", c.len());
            }
        }
        print!("{out}");
        return Ok(());
    }

    let analysis = with_progress_line(|p| analyse(&judges, &names, &fixed, args, p))?;
    emit(&analysis, args)?;
    if let Some(n) = args.to_scenario {
        let out = args
            .out
            .as_ref()
            .ok_or_else(|| Error::input("--to-scenario needs --out FILE.toml"))?;
        write_scenario(&analysis, n, &args.file, out)?;
    }
    Ok(())
}

fn succession(args: &CibArgs) -> Succession {
    match args.succession {
        SuccessionArg::Global => Succession::Global,
        SuccessionArg::Sequential => Succession::Sequential,
    }
}

fn judge_names(judges: &[Cib], args: &CibArgs) -> Vec<String> {
    let mut paths = vec![&args.file];
    paths.extend(args.judges.iter());
    let mut names: Vec<String> = Vec::new();
    for (j, p) in judges.iter().zip(paths) {
        let base = j.judge.clone().unwrap_or_else(|| {
            p.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "judge".into())
        });
        let mut name = base.clone();
        let mut k = 2;
        while names.contains(&name) {
            name = format!("{base}_{k}");
            k += 1;
        }
        names.push(name);
    }
    names
}

/// The matrix analysed: the single matrix, or the judges combined.
fn analysed(judges: &[Cib], args: &CibArgs) -> Result<Cib> {
    if judges.len() == 1 {
        return Ok(judges[0].clone());
    }
    let how = match args.combine {
        CombineArg::Sum => Combine::Sum,
        CombineArg::Mean | CombineArg::Each => Combine::Mean,
    };
    combine(judges, how)
        .ok_or_else(|| Error::input("too many judges to combine exactly (at most about 20)"))
}

fn show(v: i32, scale: i32) -> String {
    if scale == 1 {
        v.to_string()
    } else {
        format!("{:.3}", v as f64 / scale as f64)
    }
}

fn cell(v: i32, scale: i32) -> Cell {
    if scale == 1 {
        Cell::Int(v as i64)
    } else {
        Cell::Float(v as f64 / scale as f64)
    }
}

/// Run the analysis the arguments ask for and build the output table.
pub fn analyse(
    judges: &[Cib],
    names: &[String],
    fixed: &[(usize, u8)],
    args: &CibArgs,
    progress: Option<Arc<Progress>>,
) -> Result<Analysis> {
    let cib = analysed(judges, args)?;
    let scale = cib.scale;
    let tol = (args.tolerance.min(1 << 20) as i32).saturating_mul(scale);
    let mut engine = Engine::new(&cib, fixed, tol);
    if let Some(p) = progress {
        engine = engine.with_progress(p);
    }
    let kind = succession(args);
    let mut notes = Vec::new();
    if cib.provenance.as_deref() == Some("reconstructed") {
        notes.push(
            "provenance: reconstructed (these judgements are argued from the study's text and the literature, not scored by a workshop; a workshop's own matrix replaces them)"
                .to_string(),
        );
    }
    let space = engine.space();
    let mc = args
        .monte_carlo
        .or(if space > EXHAUSTIVE_LIMIT && !args.exhaustive {
            Some(100_000)
        } else {
            None
        });

    let mut basins: Option<Basins> = None;
    let mut found: Vec<Found> = if let Some(n) = mc {
        if n == 0 {
            return Err(Error::input("--monte-carlo needs at least 1 start"));
        }
        let b = engine.basins(kind, 0, n, args.seed);
        let mut f: Vec<Found> = b
            .counts
            .iter()
            .filter_map(|(a, _)| match a {
                Attractor::Fixed(s) => {
                    let (ic, tis) = engine.evaluate(s);
                    Some(Found {
                        scenario: s.clone(),
                        inconsistency: ic,
                        tis,
                    })
                }
                Attractor::Cycle(_) => None,
            })
            .collect();
        crate::engine::sort_found(&mut f);
        let counts: Vec<u64> = b.counts.iter().map(|c| c.1).collect();
        let est = chao1(&counts);
        notes.push(format!(
            "Monte Carlo {kind:?} succession from {n} random starts (seed {}): {} attractors found ({} consistent scenarios, {} cycles); Chao1 estimate {est:.1}, so about {:.1} may have been missed",
            args.seed,
            counts.len(),
            f.len(),
            counts.len() - f.len(),
            (est - counts.len() as f64).max(0.0)
        ));
        if args.tolerance > 0 {
            notes.push("note: succession finds strictly consistent scenarios only; --tolerance is not applied in Monte Carlo mode".into());
        }
        basins = Some(b);
        f
    } else {
        let alg = match args.algorithm {
            AlgorithmArg::Bnb => Algorithm::BranchAndBound,
            AlgorithmArg::Odometer => Algorithm::Odometer,
            AlgorithmArg::Naive => Algorithm::Naive,
        };
        engine.search(alg)
    };

    let each = judges.len() > 1 && args.combine == CombineArg::Each;
    let judge_engines: Vec<Engine> = if judges.len() > 1 {
        judges
            .iter()
            .map(|j| Engine::new(j, fixed, args.tolerance.min(1 << 20) as i32))
            .collect()
    } else {
        Vec::new()
    };
    if each {
        // union of every judge's own consistent set, scored on the mean matrix
        let mut set: BTreeMap<Vec<u8>, ()> = BTreeMap::new();
        for e in &judge_engines {
            for f in e.search(Algorithm::BranchAndBound) {
                set.insert(f.scenario, ());
            }
        }
        found = set
            .into_keys()
            .map(|s| {
                let (ic, tis) = engine.evaluate(&s);
                Found {
                    scenario: s,
                    inconsistency: ic,
                    tis,
                }
            })
            .collect();
        crate::engine::sort_found(&mut found);
    }
    let per_judge: Vec<Vec<i32>> = found
        .iter()
        .map(|f| {
            judge_engines
                .iter()
                .map(|e| e.evaluate(&f.scenario).0)
                .collect()
        })
        .collect();
    let mut order: Vec<usize> = (0..found.len()).collect();
    if each {
        let k = args.tolerance.min(1 << 20) as i32;
        let count = |i: usize| per_judge[i].iter().filter(|&&ic| ic <= k).count();
        order.sort_by_key(|&i| std::cmp::Reverse(count(i)));
    }

    if args.basins && basins.is_none() {
        basins = Some(engine.basins(kind, args.exact_basins, args.samples, args.seed));
    }
    let share: BTreeMap<&[u8], u64> = basins
        .iter()
        .flat_map(|b| b.counts.iter())
        .filter_map(|(a, c)| match a {
            Attractor::Fixed(s) => Some((s.as_slice(), *c)),
            Attractor::Cycle(_) => None,
        })
        .collect();
    let show_basins = args.basins || mc.is_some();
    let sampled = basins.as_ref().is_some_and(|b| !b.exact);

    let mut cols: Vec<String> = vec!["rank".into()];
    cols.extend(cib.descriptors.iter().map(|d| d.name.clone()));
    cols.push("inconsistency".into());
    cols.push("total_impact_score".into());
    let with_futures = !cib.futures.is_empty();
    if with_futures {
        cols.push("future".into());
    }
    if show_basins {
        cols.push("basin_share".into());
        if sampled {
            cols.push("basin_ci_low".into());
            cols.push("basin_ci_high".into());
        }
    }
    if judges.len() > 1 {
        cols.extend(names.iter().map(|n| format!("inconsistency_{n}")));
        cols.push("judges_consistent".into());
    }
    let mut table = Table::new(cols);
    let mut scenarios = Vec::new();
    for (rank, &i) in order.iter().enumerate() {
        let f = &found[i];
        let mut row: Vec<Cell> = vec![Cell::Int(rank as i64 + 1)];
        for (d, &v) in cib.descriptors.iter().zip(&f.scenario) {
            row.push(d.variants[v as usize].as_str().into());
        }
        row.push(cell(f.inconsistency, scale));
        row.push(cell(f.tis, scale));
        if with_futures {
            row.push(cib.futures_of(&f.scenario).join("; ").into());
        }
        if let Some(b) = &basins {
            if show_basins {
                let c = share.get(f.scenario.as_slice()).copied().unwrap_or(0);
                row.push(Cell::Float(c as f64 / b.starts.max(1) as f64));
                if sampled {
                    let (lo, hi) = wilson95(c, b.starts);
                    row.push(Cell::Float(lo));
                    row.push(Cell::Float(hi));
                }
            }
        }
        if judges.len() > 1 {
            let k = args.tolerance.min(1 << 20) as i32;
            for &ic in &per_judge[i] {
                row.push(Cell::Int(ic as i64));
            }
            row.push(Cell::Int(
                per_judge[i].iter().filter(|&&ic| ic <= k).count() as i64,
            ));
        }
        table.push(row);
        scenarios.push(f.scenario.clone());
    }

    let what = if args.tolerance == 0 {
        "consistent".to_string()
    } else {
        format!("with inconsistency ≤ {}", args.tolerance)
    };
    if mc.is_none() {
        notes.push(format!("{} of {space} scenarios {what}", found.len()));
    }
    if with_futures {
        let per: Vec<String> = cib
            .futures
            .iter()
            .map(|(name, _)| {
                let n = found
                    .iter()
                    .filter(|f| cib.futures_of(&f.scenario).contains(&name.as_str()))
                    .count();
                format!("{name} {n}")
            })
            .collect();
        notes.push(format!(
            "named futures (scenarios listed): {}",
            per.join(", ")
        ));
    }
    if judges.len() > 1 {
        notes.push(format!(
            "ensemble of {} judges ({}), {}",
            judges.len(),
            names.join(", "),
            match args.combine {
                CombineArg::Mean => "mean over the judges who scored each cell",
                CombineArg::Sum => "sum of the judges' cells",
                CombineArg::Each =>
                    "union of each judge's consistent scenarios; scores from the mean matrix",
            }
        ));
    }
    if !fixed.is_empty() {
        let f: Vec<String> = fixed
            .iter()
            .map(|&(d, v)| {
                format!(
                    "{}={}",
                    cib.descriptors[d].name, cib.descriptors[d].variants[v as usize]
                )
            })
            .collect();
        notes.push(format!(
            "intervention: {} forced (left out of the consistency check)",
            f.join(", ")
        ));
    }
    if let Some(b) = &basins {
        if show_basins {
            let cycles: Vec<&(Attractor, u64)> = b
                .counts
                .iter()
                .filter(|(a, _)| matches!(a, Attractor::Cycle(_)))
                .collect();
            notes.push(format!(
                "basins from {} {} starting scenarios ({kind:?} succession){}",
                b.starts,
                if b.exact { "(all)" } else { "sampled" },
                if b.exact {
                    String::new()
                } else {
                    format!(", seed {}, 95% Wilson intervals", args.seed)
                }
            ));
            for (a, c) in cycles {
                if let Attractor::Cycle(states) = a {
                    let desc: Vec<String> = states
                        .iter()
                        .map(|s| format!("[{}]", cib.describe(s)))
                        .collect();
                    notes.push(format!(
                        "cycle of {} (share {:.4}): {}",
                        states.len(),
                        *c as f64 / b.starts.max(1) as f64,
                        desc.join(" -> ")
                    ));
                }
            }
        }
    }
    table.notes = notes;
    Ok(Analysis {
        table,
        scenarios,
        cib,
    })
}

/// Run `work`, showing `done/total` on standard error once it has taken more than a second,
/// when standard error is a terminal (long searches and basins; DESIGN §2).
fn with_progress_line<T>(work: impl FnOnce(Option<Arc<Progress>>) -> T) -> T {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return work(None);
    }
    let p = Arc::new(Progress::default());
    let stop = AtomicBool::new(false);
    std::thread::scope(|sc| {
        let (p2, stop2) = (Arc::clone(&p), &stop);
        sc.spawn(move || {
            let t0 = std::time::Instant::now();
            let mut shown = false;
            while !stop2.load(Ordering::Relaxed) {
                std::thread::sleep(std::time::Duration::from_millis(200));
                if t0.elapsed().as_secs_f64() > 1.0 {
                    let (d, n) = (
                        p2.done.load(Ordering::Relaxed),
                        p2.total.load(Ordering::Relaxed),
                    );
                    if n > 0 {
                        eprint!("\r{:5.1}% ({d} of {n})   ", 100.0 * d as f64 / n as f64);
                        shown = true;
                    }
                }
            }
            if shown {
                eprint!("\r{}\r", " ".repeat(40));
            }
        });
        let out = work(Some(p));
        stop.store(true, Ordering::Relaxed);
        out
    })
}

fn emit(a: &Analysis, args: &CibArgs) -> Result<()> {
    a.table.emit(args.csv.as_deref(), args.json.as_deref(), 4)
}

/// Write the scenario of table row `n` (1-based) as a scenario TOML for `cohesion run`.
pub fn write_scenario(a: &Analysis, n: usize, source: &Path, out: &Path) -> Result<()> {
    let text = scenario_toml(a, n, source)?;
    cohesion_io::write_atomic(out, |w| {
        w.write_all(text.as_bytes())
            .map_err(|e| Error::io(out, "write", e))
    })
}

/// The scenario TOML text for table row `n` (1-based).
pub fn scenario_toml(a: &Analysis, n: usize, source: &Path) -> Result<String> {
    if n == 0 || n > a.scenarios.len() {
        return Err(Error::input(format!(
            "--to-scenario {n}: the output has {} scenarios (numbered from 1)",
            a.scenarios.len()
        )));
    }
    let s = &a.scenarios[n - 1];
    let cib = &a.cib;
    let missing: Vec<&str> = FORCES
        .iter()
        .copied()
        .filter(|f| !cib.mapping.iter().any(|m| m.force == *f))
        .collect();
    if !missing.is_empty() {
        return Err(Error::at(
            source,
            None,
            Some("mapping"),
            format!(
                "--to-scenario needs a [mapping.FORCE] table for every force; missing: {}",
                missing.join(", ")
            ),
        ));
    }
    let mut o = String::new();
    let _ = writeln!(o, "name = \"cib-{n}\"");
    if let Some(p) = &cib.provenance {
        let _ = writeln!(o, "provenance = {}", crate::format_toml::key_string(p));
    }
    let desc = format!(
        "Consistent scenario {n} of the CIB analysis of {}: {}",
        source.display(),
        cib.describe(s)
    );
    let _ = writeln!(o, "description = {}", crate::format_toml::key_string(&desc));
    o.push_str("\n[forces]\n");
    for f in FORCES {
        if let Some(m) = cib.mapping.iter().find(|m| m.force == f) {
            let v = m.values[s[m.descriptor] as usize];
            let _ = writeln!(o, "{f} = {v:?}");
        }
    }
    Ok(o)
}
