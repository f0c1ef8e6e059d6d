//! Driving forces, futures and policy packages, and their mapping onto model parameters.
//!
//! One job: turn "a future and a policy package" (named presets from `data/`, or a user's
//! TOML files) into a schedule of [`Params`], one per simulated year. Presets are data with
//! a `provenance` field; the force and policy mappings are the tables in `data/forces.toml`
//! and `data/policies.toml`, so a workshop's own numbers replace ours without code changes.

pub mod forces;
pub mod policies;

pub use forces::{Forces, Scenario, FORCE_NAMES};
pub use policies::Package;

use cohesion_io::Result;
use cohesion_model::Params;

/// Parameters for each year 0..=years: forces ramp from the baseline toward the scenario,
/// policies act at full budget from year 1 (year 0 builds the common 2025 start), and the scenario's own parameter overrides
/// are applied last (and checked against each parameter's range).
pub fn schedule(scenario: &Scenario, package: &Package, years: u32) -> Result<Vec<Params>> {
    schedule_from(&Params::default(), scenario, package, years)
}

/// [`schedule`] from a different 2025 parameter set: experiments draw uncertain parameters
/// into `base`, and forces and policies then move them as they move the defaults.
pub fn schedule_from(
    base: &Params,
    scenario: &Scenario,
    package: &Package,
    years: u32,
) -> Result<Vec<Params>> {
    let baseline = forces::baseline()?;
    let mapping = forces::mapping()?;
    let policy = policies::catalogue()?;
    (0..=years)
        .map(|y| {
            let mut p = base.clone();
            let ramp = if scenario.ramp_years <= 0.0 {
                1.0
            } else {
                (y as f64 / scenario.ramp_years).min(1.0)
            };
            for row in &mapping.row {
                let now = baseline.forces.get(&row.force)
                    + ramp * (scenario.forces.get(&row.force) - baseline.forces.get(&row.force));
                let delta = row.per_unit * (now - baseline.forces.get(&row.force));
                let v = p
                    .get(&row.parameter)
                    .expect("mapping rows are checked on load")
                    + delta;
                set_clamped(&mut p, &row.parameter, v);
            }
            // The start state (year 0) is the same for every package: policies act from the
            // first simulated year on.
            if y > 0 {
                policies::apply(&policy, package, &mut p);
            }
            for (name, value) in &scenario.overrides {
                p.set(name, *value).map_err(|e| {
                    cohesion_io::Error::input(format!("scenario `{}`: {e}", scenario.name))
                })?;
            }
            Ok(p)
        })
        .collect()
}

fn set_clamped(p: &mut Params, name: &str, v: f64) {
    let spec = Params::spec(name).expect("mapping rows are checked on load");
    p.set(name, v.clamp(spec.min, spec.max))
        .expect("clamped into range");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baseline_without_policy_is_the_calibrated_model() {
        let s = forces::future("baseline").unwrap();
        let none = policies::package("none").unwrap();
        let sched = schedule(&s, &none, 3).unwrap();
        assert_eq!(sched.len(), 4);
        assert!(sched.iter().all(|p| *p == Params::default()));
    }

    #[test]
    fn forces_ramp_in_and_move_the_mapped_parameters() {
        let s = forces::future("wild-west").unwrap();
        let none = policies::package("none").unwrap();
        let sched = schedule(&s, &none, 25).unwrap();
        let base = Params::default();
        assert_eq!(sched[0], base, "year 0 is 2025");
        assert!(sched[5].algorithmic_bias > base.algorithmic_bias);
        assert!(sched[15].algorithmic_bias > sched[5].algorithmic_bias);
        assert_eq!(sched[15], sched[25], "the ramp ends after ramp_years");
        assert!(
            sched[25].redistribution < base.redistribution,
            "low public values: less redistribution"
        );
    }

    #[test]
    fn overrides_apply_last_and_are_range_checked() {
        let mut s = forces::future("baseline").unwrap();
        s.overrides.push(("epsilon".into(), 0.3));
        let p = schedule(&s, &policies::package("none").unwrap(), 1).unwrap();
        assert_eq!(p[1].epsilon, 0.3);
        s.overrides.push(("epsilon".into(), 3.0));
        assert!(schedule(&s, &policies::package("none").unwrap(), 1).is_err());
    }
}
