//! Take-up of policy offers (DESIGN §6, study recommendation 4).
//!
//! With a "standard citizen" design an offer reaches people in proportion to how able and
//! motivated they already are: `take-up = motivation · (0.5 + skills) · class propensity`.
//! A diversity-aware design (`diversity_aware = 1`) reaches everyone targeted alike, at the
//! mean take-up of the standard design, so it spends the same effort differently.

use crate::agents::Agents;
use crate::data::Behaviour;
use crate::params::Params;

/// Mean take-up of the standard design over a population, used as the even rate.
pub const EVEN_TAKEUP: f64 = 0.55;

pub fn takeup(a: &Agents, behaviour: &[Behaviour], p: &Params, i: usize) -> f64 {
    let standard = (a.motivation[i] as f64
        * (0.5 + a.skills[i] as f64)
        * behaviour[a.class[i] as usize].takeup as f64)
        .clamp(0.0, 1.0);
    standard * (1.0 - p.diversity_aware) + EVEN_TAKEUP * p.diversity_aware
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diversity_aware_design_evens_out_takeup() {
        let mut a = Agents::with_len(2);
        a.motivation = vec![0.9, 0.2];
        a.skills = vec![0.9, 0.1];
        let b = vec![Behaviour {
            learn: 1.0,
            ties: 1.0,
            trust_speed: 1.0,
            takeup: 1.0,
        }];
        let mut p = Params::default();
        let (hi, lo) = (takeup(&a, &b, &p, 0), takeup(&a, &b, &p, 1));
        assert!(
            hi > 3.0 * lo,
            "standard design favours the able: {hi} vs {lo}"
        );
        p.diversity_aware = 1.0;
        assert_eq!(takeup(&a, &b, &p, 0), takeup(&a, &b, &p, 1));
    }
}
