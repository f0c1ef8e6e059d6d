//! Sobol' and Morris estimators against SALib on SALib's own samples (fixtures/README.md).
//! Point estimates use the same formulas, so they agree to rounding; bootstrap half-widths
//! come from different random draws, so they agree only to their sampling error (with 1000
//! resamples the relative sd of a bootstrap sd is about 1/√2000 ≈ 2 %; we allow 15 %).

use cohesion_explore::design::Factor;
use cohesion_explore::sensitivity;
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn factors(v: &Value) -> Vec<Factor> {
    v["names"]
        .as_array()
        .unwrap()
        .iter()
        .zip(v["bounds"].as_array().unwrap())
        .map(|(name, b)| {
            let b = numbers(b);
            Factor::uniform(name.as_str().unwrap(), b[0], b[1])
        })
        .collect()
}

fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-10 * b.abs().max(1.0)
}

fn similar(a: f64, b: f64) -> bool {
    (a - b).abs() <= 0.15 * b.abs()
}

#[test]
fn sobol_matches_salib() {
    let v = fixture("salib_sobol.json");
    let resamples = v["resamples"].as_u64().unwrap() as usize;
    let indices = sensitivity::sobol(&factors(&v), &numbers(&v["y"]), resamples, 0.95, 1).unwrap();
    let (s1, s1c, st, stc) = (
        numbers(&v["S1"]),
        numbers(&v["S1_conf"]),
        numbers(&v["ST"]),
        numbers(&v["ST_conf"]),
    );
    for (i, index) in indices.iter().enumerate() {
        assert!(
            same(index.first, s1[i]) && same(index.total, st[i]),
            "{index:?} vs {} {}",
            s1[i],
            st[i]
        );
        assert!(
            similar(index.first_conf, s1c[i]) && similar(index.total_conf, stc[i]),
            "{index:?} vs {} {}",
            s1c[i],
            stc[i]
        );
    }
}

#[test]
fn morris_matches_salib() {
    let v = fixture("salib_morris.json");
    let resamples = v["resamples"].as_u64().unwrap() as usize;
    let x: Vec<Vec<f64>> = v["x"].as_array().unwrap().iter().map(numbers).collect();
    let indices =
        sensitivity::morris(&factors(&v), &x, &numbers(&v["y"]), resamples, 0.95, 1).unwrap();
    let (mu, mu_star, sigma, conf) = (
        numbers(&v["mu"]),
        numbers(&v["mu_star"]),
        numbers(&v["sigma"]),
        numbers(&v["mu_star_conf"]),
    );
    for (i, index) in indices.iter().enumerate() {
        assert!(
            same(index.mu, mu[i]) && same(index.mu_star, mu_star[i]) && same(index.sigma, sigma[i]),
            "{index:?}"
        );
        assert!(
            similar(index.mu_star_conf, conf[i]),
            "{index:?} vs {}",
            conf[i]
        );
    }
}
