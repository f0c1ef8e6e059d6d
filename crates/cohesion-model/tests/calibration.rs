//! The start state reproduces the Dutch figures in data/calibration.toml at 100 000 agents.

use cohesion_model::data::Calibration;
use cohesion_model::indicators;
use cohesion_model::{Params, RunConfig, World};

fn value(rows: &[cohesion_model::Row], group: &str, ind: &str) -> f64 {
    rows.iter()
        .find(|r| r.group == group && r.indicator == ind)
        .map(|r| r.value)
        .unwrap_or(f64::NAN)
}

#[test]
fn start_state_matches_every_calibration_target() {
    let cfg = RunConfig {
        agents: 100_000,
        years: 0,
        seed: 7,
        ..Default::default()
    };
    let p = Params::default();
    let w = World::new(&cfg, &p);
    let rows = indicators::compute(&w, &p);
    let turnout = value(&rows, "all", "political_participation");
    let model = |name: &str| -> f64 {
        match name {
            "volunteering_edu_high" => value(&rows, "edu_high", "volunteering"),
            "volunteering_edu_low" => value(&rows, "edu_low", "volunteering"),
            "above_basic_skills_edu_high" => value(&rows, "edu_high", "above_basic_skills"),
            "above_basic_skills_edu_low" => value(&rows, "edu_low", "above_basic_skills"),
            "volunteering" => value(&rows, "all", "volunteering"),
            "turnout" => turnout,
            other => value(&rows, "all", other),
        }
    };
    let cal = Calibration::embedded();
    let mut failures = Vec::new();
    for t in &cal.target {
        let got = model(&t.indicator);
        eprintln!(
            "{:32} target {:10.4} model {:10.4}",
            t.indicator, t.value, got
        );
        if got.is_nan() || (got - t.value).abs() > t.tolerance {
            failures.push(format!(
                "{}: model {got:.4}, target {} ± {}",
                t.indicator, t.value, t.tolerance
            ));
        }
    }
    // The oldest are most often offline.
    let offline: Vec<f64> = ["age_18_34", "age_35_54", "age_55_74", "age_75_plus"]
        .iter()
        .map(|g| value(&rows, g, "offline_share"))
        .collect();
    eprintln!("offline by age {offline:?}");
    if !offline.windows(2).all(|w| w[0] <= w[1]) || offline[3] < 2.0 * offline[2] {
        failures.push(format!("offline share does not rise with age: {offline:?}"));
    }
    for ind in [
        "mean_ties",
        "cross_group_ties",
        "education_assortativity",
        "lonely_share",
        "belonging",
        "acceptance",
        "solidarity",
        "social_participation",
        "perceived_fairness",
        "institutional_trust",
        "generalised_trust",
        "cohesion_index",
        "wealth_top10_share",
        "opinion_variance",
        "bimodality",
        "isolated_share",
        "top_bottom_contact",
        "income_s80s20",
    ] {
        eprintln!("{ind:28} {:.4}", value(&rows, "all", ind));
    }
    assert!(
        failures.is_empty(),
        "calibration misses:\n{}",
        failures.join("\n")
    );
}
