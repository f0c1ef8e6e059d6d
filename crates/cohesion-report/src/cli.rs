//! The `cohesion report` command: inputs → `OUT/report.html` (and `report.pdf` when
//! Chromium is installed), written through a staging folder so a failure leaves nothing.

use crate::policy::PolicyOptions;
use crate::{pdf, render, Inputs};
use clap::Args;
use cohesion_explore::robustness::Direction;
use cohesion_io::{AtomicDir, Error, Result};
use std::path::PathBuf;

/// Write one self-contained HTML report (and a PDF when Chromium is installed).
#[derive(Args, Debug)]
pub struct ReportArgs {
    /// A finished experiment folder (`cohesion experiment run`).
    #[arg(long, value_name = "DIR")]
    pub experiment: PathBuf,
    /// Observed series (`cohesion monitor import --out DIR`), drawn over the fan charts.
    #[arg(long, value_name = "DIR")]
    pub monitor: Option<PathBuf>,
    /// A CIB matrix (.toml, .csv, .scw) whose consistent scenarios the report lists.
    #[arg(long, value_name = "FILE")]
    pub cib: Option<PathBuf>,
    /// A corpus folder (`cohesion corpus import`) for a concordance and keywords.
    #[arg(long, value_name = "DIR", requires = "query")]
    pub corpus: Option<PathBuf>,
    /// The word (or CQP query) of the concordance.
    #[arg(long, requires = "corpus")]
    pub query: Option<String>,
    /// Keyness target, e.g. `party=SP` (default: the largest party, group or role).
    #[arg(long, value_name = "META=VALUE", requires = "corpus")]
    pub keyness: Option<String>,
    /// Outcome of the robustness and PRIM sections, indicator:group:WHEN (default: the
    /// experiment's first kept series, final year).
    #[arg(long)]
    pub outcome: Option<String>,
    /// Whether more of the outcome is better (max) or worse (min).
    #[arg(long, default_value = "max", value_parser = ["max", "min"])]
    pub direction: String,
    /// X of "the outcome falls below X" (default: its 25th percentile over all runs).
    #[arg(long, value_name = "X", conflicts_with = "prim_above")]
    pub prim_below: Option<f64>,
    /// X of "the outcome rises above X", for `--direction min` (default: 75th percentile).
    #[arg(long, value_name = "X")]
    pub prim_above: Option<f64>,
    /// Satisficing threshold, e.g. cohesion_index:all:2050>=48 (repeatable; default: the
    /// outcome at X).
    #[arg(long)]
    pub threshold: Vec<String>,
    /// Do not print a PDF even when Chromium is installed.
    #[arg(long)]
    pub no_pdf: bool,
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

pub fn run(a: &ReportArgs) -> Result<()> {
    let minimise = a.direction == "min";
    let bound = match (a.prim_below, a.prim_above, minimise) {
        (Some(_), _, true) => {
            return Err(Error::input(
                "--prim-below goes with --direction max; with min, use --prim-above",
            ))
        }
        (_, Some(_), false) => {
            return Err(Error::input(
                "--prim-above goes with --direction min; with max, use --prim-below",
            ))
        }
        (b, c, _) => b.or(c),
    };
    if bound.is_some_and(|b| !b.is_finite()) {
        return Err(Error::input(
            "--prim-below/--prim-above: not a finite number",
        ));
    }
    let inputs = Inputs {
        experiment: a.experiment.clone(),
        monitor: a.monitor.clone(),
        cib: a.cib.clone(),
        corpus: a
            .corpus
            .clone()
            .zip(a.query.clone())
            .map(|(c, q)| (c, q, a.keyness.clone())),
        policy: PolicyOptions {
            outcome: a.outcome.clone(),
            direction: if minimise {
                Direction::Minimise
            } else {
                Direction::Maximise
            },
            bound,
            thresholds: a.threshold.clone(),
        },
    };
    // Everything is read and rendered before the output folder is touched.
    let page = render(&inputs)?;
    let dir = AtomicDir::new(&a.out)?;
    let html = dir.path("report.html");
    std::fs::write(&html, &page).map_err(|e| Error::io(&html, "write", e))?;
    let pdf_note = if a.no_pdf {
        "report.pdf not printed (--no-pdf)".to_string()
    } else {
        match pdf::find_chromium() {
            None => "report.pdf skipped: no Chromium found (install `chromium`, or set COHESION_CHROMIUM to its path)".to_string(),
            Some(chromium) => match pdf::print(&chromium, &html, &dir.path("report.pdf")) {
                Ok(()) => format!("printed {}", a.out.join("report.pdf").display()),
                Err(why) => format!("report.pdf skipped: {why}"),
            },
        }
    };
    dir.commit()?;
    println!(
        "wrote {} ({} KB, {} charts); {pdf_note}",
        a.out.join("report.html").display(),
        page.len().div_ceil(1024),
        page.matches("<figure class=\"chart\"").count()
    );
    Ok(())
}
