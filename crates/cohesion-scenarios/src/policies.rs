//! Policy levers and packages (`data/policies.toml`, or a user's package file).
//!
//! A lever's strength is `1 − exp(−budget / half_budget)` (diminishing returns); a package
//! splits one budget over levers and may deliver them diversity-aware.

use crate::forces::{find_key_line, parse_table};
use cohesion_io::error::read_utf8;
use cohesion_io::{Error, Result};
use cohesion_model::Params;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

pub const POLICIES_TOML: &str = include_str!("../../../data/policies.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct Catalogue {
    pub provenance: String,
    pub budget: f64,
    pub policy: Vec<Policy>,
    pub package: Vec<PackageRow>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Policy {
    pub name: String,
    pub parameter: String,
    pub half_budget: f64,
    pub ministry: String,
    pub description: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PackageRow {
    pub name: String,
    pub description: String,
    pub budget: Option<f64>,
    pub diversity_aware: bool,
    pub allocation: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Package {
    pub name: String,
    pub description: String,
    pub budget: f64,
    pub diversity_aware: bool,
    /// Share of the budget per policy; shares sum to 1 (or the package is empty).
    pub allocation: BTreeMap<String, f64>,
}

pub fn catalogue() -> Result<Catalogue> {
    let c: Catalogue = toml::from_str(POLICIES_TOML)
        .map_err(|e| Error::failure(format!("embedded data/policies.toml: {e}")))?;
    for p in &c.policy {
        if Params::spec(&p.parameter).is_none() {
            return Err(Error::failure(format!(
                "data/policies.toml: unknown parameter {}",
                p.parameter
            )));
        }
    }
    Ok(c)
}

/// The named packages, in the order of `data/policies.toml`.
pub fn package_names() -> Result<Vec<String>> {
    Ok(catalogue()?.package.into_iter().map(|p| p.name).collect())
}

pub fn package(name: &str) -> Result<Package> {
    let c = catalogue()?;
    let names: Vec<String> = c.package.iter().map(|p| p.name.clone()).collect();
    let row = c.package.iter().find(|p| p.name == name).ok_or_else(|| {
        Error::input(format!(
            "unknown policy package `{name}`; valid choices: {} (or a .toml file)",
            names.join(", ")
        ))
    })?;
    Ok(Package {
        name: row.name.clone(),
        description: row.description.clone(),
        budget: row.budget.unwrap_or(c.budget),
        diversity_aware: row.diversity_aware,
        allocation: row.allocation.clone(),
    })
}

/// Strength of each lever under a package.
pub fn strengths(c: &Catalogue, package: &Package) -> Vec<(String, f64)> {
    c.policy
        .iter()
        .map(|p| {
            let euros = package.budget * package.allocation.get(&p.name).copied().unwrap_or(0.0);
            (p.parameter.clone(), 1.0 - (-euros / p.half_budget).exp())
        })
        .collect()
}

pub fn apply(c: &Catalogue, package: &Package, p: &mut Params) {
    for (param, strength) in strengths(c, package) {
        p.set(&param, strength.clamp(0.0, 1.0))
            .expect("catalogue parameters are checked on load");
    }
    p.diversity_aware = if package.diversity_aware { 1.0 } else { 0.0 };
}

/// A user's package file:
///
/// ```toml
/// name = "my-package"
/// budget = 40            # EUR per adult per year (default: the catalogue's budget)
/// diversity_aware = true # optional
/// [allocation]           # shares of the budget; they must sum to 1
/// digital_inclusion = 0.5
/// community = 0.5
/// ```
pub fn load_package(path: &Path) -> Result<Package> {
    let text = read_utf8(path, 1 << 20)?;
    parse_package(path, &text)
}

pub fn parse_package(path: &Path, text: &str) -> Result<Package> {
    let c = catalogue()?;
    let allowed = [
        "name",
        "description",
        "budget",
        "diversity_aware",
        "allocation",
    ];
    let doc = parse_table(path, text, &allowed)?;
    let line_of = |k: &str| find_key_line(text, k);
    let name = match doc.get("name") {
        Some(toml::Value::String(s)) => s.clone(),
        Some(_) => {
            return Err(Error::at(
                path,
                line_of("name"),
                Some("name"),
                "must be a string",
            ))
        }
        None => path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "package".into()),
    };
    let budget = match doc.get("budget") {
        None => c.budget,
        Some(v) => {
            let b = v
                .as_float()
                .or_else(|| v.as_integer().map(|i| i as f64))
                .ok_or_else(|| {
                    Error::at(path, line_of("budget"), Some("budget"), "must be a number")
                })?;
            if !(0.0..=100_000.0).contains(&b) {
                return Err(Error::at(
                    path,
                    line_of("budget"),
                    Some("budget"),
                    format!("{b} is outside 0..100000"),
                ));
            }
            b
        }
    };
    let diversity_aware = match doc.get("diversity_aware") {
        None => false,
        Some(toml::Value::Boolean(b)) => *b,
        Some(_) => {
            return Err(Error::at(
                path,
                line_of("diversity_aware"),
                Some("diversity_aware"),
                "must be true or false",
            ))
        }
    };
    let mut allocation = BTreeMap::new();
    if let Some(a) = doc.get("allocation") {
        let t = a.as_table().ok_or_else(|| {
            Error::at(
                path,
                line_of("allocation"),
                Some("allocation"),
                "must be a table",
            )
        })?;
        let names: Vec<&str> = c.policy.iter().map(|p| p.name.as_str()).collect();
        for (k, v) in t {
            let field = format!("allocation.{k}");
            if !names.contains(&k.as_str()) {
                return Err(Error::at(
                    path,
                    line_of(k),
                    Some(&field),
                    format!("unknown policy; valid policies: {}", names.join(", ")),
                ));
            }
            let x = v
                .as_float()
                .or_else(|| v.as_integer().map(|i| i as f64))
                .ok_or_else(|| Error::at(path, line_of(k), Some(&field), "must be a number"))?;
            if !(0.0..=1.0).contains(&x) {
                return Err(Error::at(
                    path,
                    line_of(k),
                    Some(&field),
                    format!("{x} is outside 0..1"),
                ));
            }
            allocation.insert(k.clone(), x);
        }
        let total: f64 = allocation.values().sum();
        if !allocation.is_empty() && (total - 1.0).abs() > 1e-6 {
            return Err(Error::at(
                path,
                line_of("allocation"),
                Some("allocation"),
                format!("shares sum to {total}, not 1"),
            ));
        }
    }
    Ok(Package {
        name,
        description: doc
            .get("description")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string(),
        budget,
        diversity_aware,
        allocation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_spend_equal_budgets_with_diminishing_returns() {
        let c = catalogue().unwrap();
        let narrow = package("narrow").unwrap();
        let broad = package("broad").unwrap();
        assert_eq!(narrow.budget, broad.budget);
        let sn: f64 = strengths(&c, &narrow).iter().map(|s| s.1).sum();
        let sb = strengths(&c, &broad);
        assert!(sb.iter().all(|s| s.1 > 0.0 && s.1 < 1.0));
        let inclusion_narrow = strengths(&c, &narrow)[0].1;
        assert!(
            inclusion_narrow > sb[0].1 && inclusion_narrow < 5.0 * sb[0].1,
            "diminishing returns"
        );
        assert!(sn > 0.0);
        let mut p = Params::default();
        apply(&c, &package("all").unwrap(), &mut p);
        assert_eq!(p.diversity_aware, 1.0);
        assert!(package("wide").unwrap_err().message().contains("narrow"));
    }

    #[test]
    fn package_files_are_checked() {
        let p = Path::new("pk.toml");
        let k = parse_package(
            p,
            "name = \"x\"\n[allocation]\ncommunity = 0.5\nbridging = 0.5\n",
        )
        .unwrap();
        assert_eq!(k.allocation.len(), 2);
        let e = parse_package(p, "[allocation]\ncommunity = 0.5\n").unwrap_err();
        assert!(e.message().contains("sum to 0.5"), "{e}");
        let e = parse_package(p, "[allocation]\npoverty = 1.0\n").unwrap_err();
        assert!(
            e.message().contains("pk.toml:2:") && e.message().contains("valid policies"),
            "{e}"
        );
        let e = parse_package(p, "budget = -5\n").unwrap_err();
        assert!(e.message().contains("field `budget`"), "{e}");
    }
}
