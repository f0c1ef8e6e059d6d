//! `cohesion bench b1|b2|b3|b4|all`: the benchmarks of `benchmarks/README.md` and issue 6,
//! each measured against an anchor timed in the same invocation.
//!
//! Every measurement runs in a child process of this same binary (the hidden `bench child`
//! task), so each row's peak memory (`VmHWM`) is its own and one benchmark's allocations never
//! inflate the next one's. The parent only plans, spawns, and tabulates.

mod child;
mod classic;
mod ensemble;
mod population;
mod resume;
mod runs;
mod stream;

use cohesion_io::{Cell, Error, Result, Table};
use serde::{de::DeserializeOwned, Serialize};
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Command, Stdio};

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// Schelling segregation (ours sequential and parallel).
    B1,
    /// Deffuant bounded confidence on a random network (ours sequential and parallel).
    B2,
    /// The cohesion model at population scale: scaling, memory, bandwidth.
    B3,
    /// Ensemble throughput: an experiment on all cores against the same runs on one.
    B4,
    /// b1, b2, b3 and b4 in that order.
    All,
    /// Internal: one measurement in its own process (used by the others).
    #[value(hide = true)]
    Child,
}

#[derive(clap::Args, Debug, Clone)]
pub struct BenchArgs {
    /// Which benchmark.
    #[arg(value_enum)]
    pub which: Which,
    /// Small sizes for a smoke run (seconds instead of minutes).
    #[arg(long)]
    pub quick: bool,
    /// Timed runs per figure, which is their median. Default: 5 after one warm-up for b1/b2;
    /// for b3 and b4, 5, or 3 when the first run took over a minute (1 for a quick b3, 3 for a
    /// quick b4).
    #[arg(long, value_name = "R")]
    pub repeats: Option<usize>,
    /// Sizes, comma-separated: grid side L for b1, agents for b2 and b3 (e.g. 1e4,1e5).
    #[arg(long, value_name = "LIST")]
    pub sizes: Option<String>,
    /// Steps of b1 and b2.
    #[arg(long, default_value_t = 100)]
    pub steps: u64,
    /// Simulated years per b3 size (after set-up and burn-in).
    #[arg(long, default_value_t = 2)]
    pub years: u32,
    /// b3: add the whole adult population (the size of `cohesion run --agents full`).
    #[arg(long)]
    pub full: bool,
    /// b3: keep one line per finished run in DIR/b3.jsonl and skip those runs on a rerun.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// b3: MiB per array of the STREAM-like copy (default 512; 64 with --quick).
    #[arg(long, value_name = "MIB")]
    pub stream_mib: Option<usize>,
    /// Threads of the parallel variants (b1/b2), of the model (b3) and of the ensemble (b4).
    #[arg(long, value_name = "T")]
    pub threads: Option<usize>,
    /// b4: time the one-core anchor on shard 1/K of the runs and scale it by K.
    #[arg(long, value_name = "K")]
    pub anchor_shards: Option<u32>,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Write the table as CSV (`-` for standard output).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Write the table as JSON (`-` for standard output).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    #[arg(long, hide = true)]
    pub task: Option<String>,
}

/// Every column any benchmark writes, in display order; a table keeps those its rows use.
const COLUMNS: &[&str] = &[
    "benchmark",
    "size",
    "agents",
    "variant",
    "threads",
    "repeats",
    "steps",
    "years",
    "runs",
    "setup_s",
    "run_s",
    "run_s_min",
    "run_s_max",
    "step_ms",
    "activations_per_s",
    "interactions_per_s",
    "s_per_year",
    "s_per_year_min",
    "s_per_year_max",
    "s_per_year_per_1e6",
    "runs_per_hour",
    "peak_mib",
    "bytes_per_agent",
    "peak_bytes_per_agent",
    "unhappy_share",
    "like_share",
    "clusters",
    "large_clusters",
    "trust_all",
    "identical",
    "touched_gbps",
    "stream_1t_gbps",
    "stream_gbps",
    "efficiency",
    "x_anchor",
    "x_plain_recorded",
    "x_krabmaga_recorded",
    "x_mesa_recorded",
];

/// One result row: (column, value) pairs, columns from `COLUMNS`.
pub type Row = Vec<(&'static str, Cell)>;

/// A benchmark's rows and the notes that define its columns.
#[derive(Default)]
pub struct Report {
    pub rows: Vec<Row>,
    pub notes: Vec<String>,
}

impl Report {
    fn table(&self) -> Table {
        let used: Vec<&str> = COLUMNS
            .iter()
            .copied()
            .filter(|c| self.rows.iter().any(|r| r.iter().any(|(k, _)| k == c)))
            .collect();
        let mut t = Table::new(used.iter().copied());
        for r in &self.rows {
            t.push(
                used.iter()
                    .map(|c| {
                        r.iter()
                            .find(|(k, _)| k == c)
                            .map_or(Cell::Empty, |(_, v)| v.clone())
                    })
                    .collect(),
            );
        }
        t.notes = self.notes.iter().map(|n| format!("note: {n}")).collect();
        t
    }
}

pub fn run(args: &BenchArgs) -> Result<()> {
    if args.which == Which::Child {
        let task = args
            .task
            .as_deref()
            .ok_or_else(|| Error::input("bench child needs --task"))?;
        return child::run(task);
    }
    check(args)?;
    let mut reports = Vec::new();
    let all = args.which == Which::All;
    for which in [Which::B1, Which::B2, Which::B3, Which::B4] {
        if !(all || which == args.which) {
            continue;
        }
        let report = match which {
            Which::B1 | Which::B2 => classic::bench(args, which)?,
            Which::B3 => population::bench(args)?,
            _ => ensemble::bench(args)?,
        };
        if all {
            print_unless_stdout_taken(args, &report.table());
        }
        reports.push(report);
    }
    if !all {
        return reports[0]
            .table()
            .emit(args.csv.as_deref(), args.json.as_deref(), 4);
    }
    let combined = Report {
        rows: reports.into_iter().flat_map(|r| r.rows).collect(),
        notes: Vec::new(),
    }
    .table();
    if let Some(p) = &args.csv {
        combined.write_csv(p)?;
    }
    if let Some(p) = &args.json {
        combined.write_json(p)?;
    }
    Ok(())
}

fn takes_stdout(p: &Option<PathBuf>) -> bool {
    p.as_ref().is_some_and(|p| p.as_os_str() == "-")
}

/// The aligned view goes to standard output unless a CSV or JSON copy claimed it.
fn print_unless_stdout_taken(args: &BenchArgs, table: &Table) {
    if takes_stdout(&args.csv) || takes_stdout(&args.json) {
        for n in &table.notes {
            eprintln!("{n}");
        }
    } else {
        println!("{}", table.aligned(4));
    }
}

fn check(args: &BenchArgs) -> Result<()> {
    let b3 = matches!(args.which, Which::B3 | Which::All);
    let b4 = matches!(args.which, Which::B4 | Which::All);
    if args.repeats == Some(0) {
        return Err(Error::input("--repeats must be at least 1"));
    }
    if args.threads == Some(0) {
        return Err(Error::input("--threads must be at least 1"));
    }
    if args.steps == 0 {
        return Err(Error::input("--steps must be at least 1"));
    }
    if args.years == 0 || args.years > 100 {
        return Err(Error::input("--years must be between 1 and 100"));
    }
    if args.sizes.is_some() && args.which == Which::All {
        return Err(Error::input(
            "--sizes means grid sides for b1 and agents for b2/b3: give it to one benchmark, not `all`",
        ));
    }
    if args.sizes.is_some() && args.which == Which::B4 {
        return Err(Error::input(
            "--sizes does not apply to b4 (its size is the experiment's)",
        ));
    }
    if (args.full || args.out.is_some() || args.stream_mib.is_some()) && !b3 {
        return Err(Error::input(
            "--full, --out and --stream-mib apply to b3 (or all) only",
        ));
    }
    if args.stream_mib.is_some_and(|m| !(1..=65_536).contains(&m)) {
        return Err(Error::input("--stream-mib must be between 1 and 65536"));
    }
    if args.anchor_shards.is_some() && !b4 {
        return Err(Error::input("--anchor-shards applies to b4 (or all) only"));
    }
    if args.anchor_shards == Some(0) {
        return Err(Error::input("--anchor-shards must be at least 1"));
    }
    Ok(())
}

/// `--sizes` as whole numbers; `1e6` and `3e6` are accepted.
fn parse_sizes(list: &str) -> Result<Vec<usize>> {
    let sizes = list
        .split(',')
        .map(|s| {
            let s = s.trim().replace('_', "");
            let x: f64 = s.parse().map_err(|_| {
                Error::input(format!(
                    "--sizes: `{s}` is not a number (e.g. 10000 or 1e4)"
                ))
            })?;
            if !(x >= 1.0 && x.fract() == 0.0 && x <= 1e9) {
                return Err(Error::input(format!(
                    "--sizes: `{s}` is not a whole number between 1 and 10⁹"
                )));
            }
            Ok(x as usize)
        })
        .collect::<Result<Vec<_>>>()?;
    if sizes.is_empty() {
        return Err(Error::input("--sizes: give at least one size"));
    }
    Ok(sizes)
}

/// Run one task in a child process of this binary and read its JSON answer. The child's
/// progress lines (`bench: ...` on its standard error) are passed on as they come; its error
/// message becomes ours, with its exit status (2 = bad input).
fn in_child<T: Serialize, R: DeserializeOwned>(task: &T) -> Result<R> {
    let exe = std::env::current_exe()
        .map_err(|e| Error::failure(format!("cannot find this program: {e}")))?;
    let task = serde_json::to_string(task)
        .map_err(|e| Error::failure(format!("encoding a bench task: {e}")))?;
    let fail = |e: std::io::Error| Error::failure(format!("bench child process: {e}"));
    let mut child = Command::new(exe)
        .args(["bench", "child", "--task", &task])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(fail)?;
    let mut stdout = child.stdout.take().expect("piped");
    // Read the answer on another thread so a full pipe never blocks the child.
    let answer = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        stdout.read_to_end(&mut bytes).map(|_| bytes)
    });
    let mut message = None;
    for line in BufReader::new(child.stderr.take().expect("piped"))
        .lines()
        .map_while(std::io::Result::ok)
    {
        match line.strip_prefix("error: ") {
            Some(m) => message = Some(m.to_string()),
            None if line.starts_with("bench: ") => eprintln!("{line}"),
            None => {}
        }
    }
    let status = child.wait().map_err(fail)?;
    let stdout = answer
        .join()
        .map_err(|_| Error::failure("bench child: reading its answer failed"))?
        .map_err(fail)?;
    if !status.success() {
        let message =
            message.unwrap_or_else(|| "the child process failed without a message".into());
        return Err(match status.code() {
            Some(2) => Error::input(message),
            _ => Error::failure(format!("bench child: {message}")),
        });
    }
    serde_json::from_slice(&stdout).map_err(|e| {
        Error::failure(format!(
            "bench child answered something unreadable ({e}): {}",
            String::from_utf8_lossy(&stdout)
        ))
    })
}

/// Median of a non-empty list (the mean of the two middle values for an even count).
fn median(xs: &[f64]) -> f64 {
    cohesion_explore::stats::percentile(xs, 50.0)
}

/// Peak resident set size of this process so far, in KiB; 0 where it is not reported.
fn peak_kib() -> u64 {
    cohesion_io::peak_rss_kib().unwrap_or(0)
}

fn mib(kib: u64) -> Cell {
    (kib as f64 / 1024.0).into()
}

fn progress(line: &str) {
    eprintln!("bench: {line}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_whole_numbers_in_plain_or_exponent_form() {
        assert_eq!(
            parse_sizes("1e4, 100_000,3e6").unwrap(),
            [10_000, 100_000, 3_000_000]
        );
        for bad in ["", "ten", "1.5", "0", "-5", "1e12", "100,,200"] {
            let e = parse_sizes(bad).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{bad}");
            assert!(e.message().starts_with("--sizes:"), "{bad}: {e}");
        }
    }

    #[test]
    fn median_takes_the_middle_or_the_mean_of_the_two_middles() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(&[7.0]), 7.0);
    }

    #[test]
    fn a_table_keeps_the_columns_its_rows_use_in_the_fixed_order() {
        let report = Report {
            rows: vec![
                vec![("run_s", 2.0.into()), ("benchmark", "b1".into())],
                vec![("benchmark", "b3".into()), ("s_per_year", 0.5.into())],
            ],
            notes: vec!["defined here".into()],
        };
        let t = report.table();
        assert_eq!(t.columns, ["benchmark", "run_s", "s_per_year"]);
        assert_eq!(t.rows[0], [Cell::from("b1"), Cell::Float(2.0), Cell::Empty]);
        assert_eq!(t.rows[1], [Cell::from("b3"), Cell::Empty, Cell::Float(0.5)]);
        assert_eq!(t.notes, ["note: defined here"]);
    }

    #[test]
    fn this_process_has_a_peak_resident_size_on_linux() {
        if std::path::Path::new("/proc/self/status").exists() {
            assert!(peak_kib() > 0);
        }
    }
}
