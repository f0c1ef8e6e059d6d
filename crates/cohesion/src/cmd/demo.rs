//! `cohesion demo`: the five futures × the narrow and broad packages at 20 000 agents over
//! 25 years with a fixed seed; per-run CSV/Parquet/run.toml, one combined CSV, and a
//! self-contained page with a chart per key indicator.

use super::run::simulate;
use super::with_threads;
use crate::{output, page};
use cohesion_io::{AtomicDir, Error, Result};
use cohesion_model::RunConfig;
use cohesion_scenarios::{forces, policies};
use std::io::Write;
use std::path::PathBuf;

pub const PACKAGES: [&str; 2] = ["narrow", "broad"];

#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    #[arg(long, default_value = "out")]
    pub out: PathBuf,
    #[arg(long, default_value_t = 20_000, value_parser = super::run::parse_agents)]
    pub agents: usize,
    #[arg(long, default_value_t = 25)]
    pub years: u32,
    #[arg(long, default_value_t = 2025)]
    pub seed: u64,
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
}

pub fn run(args: &DemoArgs) -> Result<()> {
    let dir = AtomicDir::new(&args.out)?;
    let cfg = RunConfig {
        agents: args.agents,
        years: args.years,
        seed: args.seed,
        ..Default::default()
    };
    let mut runs = Vec::new();
    let futures = forces::future_names()?;
    let total = futures.len() * PACKAGES.len();
    let started = std::time::Instant::now();
    for future in &futures {
        for package in PACKAGES {
            let scenario = forces::future(future)?;
            let pk = policies::package(package)?;
            eprintln!("[{}/{}] {future} × {package}", runs.len() + 1, total);
            let (rows, last) =
                with_threads(args.threads, || simulate(&scenario, &pk, &cfg, true))??;
            let subdir = dir.path(&format!("{future}__{package}"));
            std::fs::create_dir_all(&subdir).map_err(|e| Error::io(&subdir, "create", e))?;
            output::write_run(&subdir, &rows, &scenario, &pk, &cfg, &last)?;
            runs.push(page::Run {
                future: future.to_string(),
                package: package.to_string(),
                rows,
            });
        }
    }
    let combined = dir.path("indicators.csv");
    let f = std::fs::File::create(&combined).map_err(|e| Error::io(&combined, "create", e))?;
    let mut w = std::io::BufWriter::new(f);
    let err = |e| Error::io(&combined, "write", e);
    writeln!(w, "future,policy,year,group,indicator,value").map_err(err)?;
    for r in &runs {
        for row in &r.rows {
            writeln!(
                w,
                "{},{},{},{},{},{}",
                r.future,
                r.package,
                row.year,
                row.group,
                row.indicator,
                cohesion_io::table::format_float(row.value)
            )
            .map_err(err)?;
        }
    }
    w.flush().map_err(err)?;
    drop(w);
    let html = page::render(&runs, &cfg);
    std::fs::write(dir.path("index.html"), html)
        .map_err(|e| Error::io(&dir.path("index.html"), "write", e))?;
    dir.commit()?;
    eprintln!(
        "wrote {} runs to {} in {:.1} s; open {}/index.html",
        runs.len(),
        args.out.display(),
        started.elapsed().as_secs_f64(),
        args.out.display()
    );
    Ok(())
}
