//! `cohesion params`: the resolved parameter table, and the force and policy mappings.

use super::run::{resolve_future, resolve_package};
use cohesion_io::{Cell, Result, Table};
use cohesion_model::Params;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct ParamsArgs {
    #[arg(long, default_value = "baseline", conflicts_with = "scenario")]
    pub future: String,
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    #[arg(long, default_value = "none")]
    pub policy: String,
    /// The year after the start whose parameters to show (forces ramp in over the years).
    #[arg(long, default_value_t = 25)]
    pub year: u32,
    #[arg(long)]
    pub csv: Option<PathBuf>,
    #[arg(long)]
    pub json: Option<PathBuf>,
}

pub fn run(args: &ParamsArgs) -> Result<()> {
    let scenario = resolve_future(&args.future, &args.scenario)?;
    let package = resolve_package(&args.policy)?;
    let schedule = cohesion_scenarios::schedule(&scenario, &package, args.year)?;
    let p = schedule.last().cloned().unwrap_or_default();
    let base = Params::default();
    let mut t = Table::new(["name", "value", "default", "unit", "mechanism", "source"]);
    for s in Params::SPECS {
        let v = p.get(s.name).unwrap_or(f64::NAN);
        t.push(vec![
            s.name.into(),
            Cell::Float(v),
            Cell::Float(base.get(s.name).unwrap_or(f64::NAN)),
            s.unit.into(),
            s.mechanism.into(),
            s.source.into(),
        ]);
    }
    t.notes.push(format!(
        "future `{}` (provenance: {}), package `{}`, year {} after the start",
        scenario.name, scenario.provenance, package.name, args.year
    ));
    if let Some(path) = &args.csv {
        t.write_csv(path)?;
    }
    if let Some(path) = &args.json {
        t.write_json(path)?;
    }
    if args.csv.is_none() && args.json.is_none() {
        print!("{}", t.aligned(4));
        let m = cohesion_scenarios::forces::mapping()?;
        let mut mt = Table::new(["force", "parameter", "per_unit", "why"]);
        for r in &m.row {
            mt.push(vec![
                r.force.clone().into(),
                r.parameter.clone().into(),
                Cell::Float(r.per_unit),
                r.why.clone().into(),
            ]);
        }
        mt.notes.push(format!("\nforce mapping (data/forces.toml, provenance: {}): parameter = 2025 value + per_unit · (force − baseline)", m.provenance));
        print!("{}", mt.aligned(3));
    }
    Ok(())
}
