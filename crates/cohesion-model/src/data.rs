//! The embedded calibration tables (`data/calibration.toml`), parsed once.

use serde::Deserialize;

pub const CALIBRATION_TOML: &str = include_str!("../../../data/calibration.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct Calibration {
    pub target: Vec<Target>,
    pub synthesis: Synthesis,
}

/// A published figure the start state must reproduce.
#[derive(Debug, Clone, Deserialize)]
pub struct Target {
    pub indicator: String,
    pub value: f64,
    pub tolerance: f64,
    pub source: String,
    pub year: u32,
    pub population: String,
    pub unit: String,
    pub model: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Synthesis {
    pub provenance: String,
    pub median_income: f64,
    pub age_band: Vec<AgeBand>,
    pub by_edu: ByEdu,
    pub class: Vec<ClassProfile>,
    pub cultural_groups: CulturalGroups,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AgeBand {
    pub from: u8,
    pub to: u8,
    pub millions: f64,
    pub edu: [f64; 3],
    pub alone: f64,
    pub offline: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ByEdu {
    pub above_basic_skills: [f64; 3],
    pub generalised_trust: [f64; 3],
    pub institutional_trust: [f64; 3],
    pub volunteering: [f64; 3],
    pub club_member: [f64; 3],
    pub votes: [f64; 3],
}

/// One of SCP's seven social classes: how capitals go together, and how members respond.
#[derive(Debug, Clone, Deserialize)]
pub struct ClassProfile {
    pub name: String,
    pub label: String,
    pub share: f64,
    pub mean_age: f64,
    pub edu_weight: [f64; 3],
    pub income: f64,
    pub wealth: f64,
    pub owner: f64,
    pub trust: f64,
    pub learn: f64,
    pub ties: f64,
    pub trust_speed: f64,
    pub takeup: f64,
    pub individualism: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CulturalGroups {
    pub shares: [f64; 3],
}

impl Calibration {
    pub fn embedded() -> Calibration {
        // The embedded file is part of the program; a parse failure is a build defect, which the
        // test below catches before release.
        toml::from_str(CALIBRATION_TOML).expect("data/calibration.toml parses")
    }

    pub fn target(&self, indicator: &str) -> Option<&Target> {
        self.target.iter().find(|t| t.indicator == indicator)
    }
}

/// The behavioural responses of a class, or the population average under `uniform` behaviour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Behaviour {
    pub learn: f32,
    pub ties: f32,
    pub trust_speed: f32,
    pub takeup: f32,
}

impl Calibration {
    /// Per-class behaviour; with `uniform`, every class gets the share-weighted mean, so the
    /// same population runs as if everyone were one "standard citizen".
    pub fn behaviours(&self, uniform: bool) -> Vec<Behaviour> {
        let typed: Vec<Behaviour> = self
            .synthesis
            .class
            .iter()
            .map(|c| Behaviour {
                learn: c.learn as f32,
                ties: c.ties as f32,
                trust_speed: c.trust_speed as f32,
                takeup: c.takeup as f32,
            })
            .collect();
        if !uniform {
            return typed;
        }
        let total: f64 = self.synthesis.class.iter().map(|c| c.share).sum();
        let mean = |f: fn(&ClassProfile) -> f64| {
            (self
                .synthesis
                .class
                .iter()
                .map(|c| c.share * f(c))
                .sum::<f64>()
                / total) as f32
        };
        let avg = Behaviour {
            learn: mean(|c| c.learn),
            ties: mean(|c| c.ties),
            trust_speed: mean(|c| c.trust_speed),
            takeup: mean(|c| c.takeup),
        };
        vec![avg; typed.len()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_tables_are_consistent() {
        let c = Calibration::embedded();
        assert_eq!(c.synthesis.class.len(), 7);
        let s: f64 = c.synthesis.class.iter().map(|c| c.share).sum();
        assert!((s - 1.0).abs() < 1e-9);
        for b in &c.synthesis.age_band {
            assert!(
                (b.edu.iter().sum::<f64>() - 1.0).abs() < 1e-9,
                "band {}",
                b.from
            );
        }
        for t in &c.target {
            assert!(!t.source.is_empty() && !t.population.is_empty() && !t.unit.is_empty());
        }
        let u = c.behaviours(true);
        assert!(u.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(c.behaviours(false)[0], c.behaviours(false)[6]);
    }
}
