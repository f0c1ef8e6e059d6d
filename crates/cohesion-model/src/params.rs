//! Every model parameter in one table: name, default value, unit, mechanism, source, and the
//! range a user may set it to. `cohesion params` prints this table; scenario files override
//! entries by name. Values marked "reconstructed" or "illustrative" are our own judgement,
//! argued in `docs/ODD.md`; the rest cite the source of the figure.

/// Metadata of one parameter.
#[derive(Debug, Clone, Copy)]
pub struct ParamSpec {
    pub name: &'static str,
    pub default: f64,
    pub unit: &'static str,
    pub mechanism: &'static str,
    pub source: &'static str,
    pub min: f64,
    pub max: f64,
}

macro_rules! params {
    ($( $name:ident = $value:expr, [$min:expr, $max:expr], $unit:expr, $mech:expr, $src:expr; )*) => {
        /// The resolved parameters of one simulated year.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Params { $( pub $name: f64, )* }

        impl Params {
            pub const SPECS: &'static [ParamSpec] = &[ $( ParamSpec {
                name: stringify!($name), default: $value, unit: $unit, mechanism: $mech,
                source: $src, min: $min, max: $max,
            }, )* ];

            pub fn get(&self, name: &str) -> Option<f64> {
                match name { $( stringify!($name) => Some(self.$name), )* _ => None }
            }

            fn slot(&mut self, name: &str) -> Option<&mut f64> {
                match name { $( stringify!($name) => Some(&mut self.$name), )* _ => None }
            }
        }

        impl Default for Params {
            fn default() -> Self { Params { $( $name: $value, )* } }
        }
    };
}

params! {
    // demography
    demography_on = 1.0, [0.0, 1.0], "switch", "demography", "model switch (0 freezes ageing, deaths, entry and tenure moves)";
    mortality_log_intercept = -10.9, [-15.0, -5.0], "log(1/yr)", "demography", "Gompertz fit to CBS life table 2023 (q65≈0.011, q85≈0.08), approximate";
    mortality_slope = 0.098, [0.05, 0.15], "1/yr of age", "demography", "Gompertz fit to CBS life table 2023, approximate";
    entrant_high_edu = 0.50, [0.0, 1.0], "share", "demography", "CBS EBB 2023: about half of 25–34-year-olds hold hbo/wo";
    entrant_low_edu = 0.14, [0.0, 1.0], "share", "demography", "CBS EBB 2023, ages 25–34, approximate";
    entrant_individualism_shift = 0.04, [0.0, 0.5], "0–1", "individualisation", "reconstructed: cohort replacement (SCP/WRR 2014)";
    buy_rate = 0.12, [0.0, 0.5], "1/yr", "economy", "reconstructed: renters 25–45 buying per year at 2025 affordability, set so the owner share holds at 2025 prices";
    sell_rate = 0.03, [0.0, 0.5], "1/yr", "economy", "illustrative: owners 75+ moving to rent or care per year";
    // technology waves
    technology_on = 1.0, [0.0, 1.0], "switch", "technology", "model switch (0 freezes technology at 2025)";
    wave_interval = 5.0, [1.0, 25.0], "yr", "technology", "reconstructed: a major wave (smartphone, platform, gen-AI) every ~5 years";
    wave_value = 0.5, [0.0, 3.0], "outcome units/yr", "technology", "illustrative: rise of the value of being digital per fully diffused wave";
    bass_p = 0.03, [0.0, 1.0], "1/yr", "technology", "Bass 1969; meta-analytic mean p (Sultan, Farley & Lehmann 1990)";
    bass_q = 0.38, [0.0, 2.0], "1/yr", "technology", "Bass 1969; meta-analytic mean q (Sultan, Farley & Lehmann 1990)";
    frontier_shift = 0.03, [0.0, 0.5], "skill units/wave", "appropriation", "reconstructed: skills fall behind a moving frontier (van Deursen & van Dijk)";
    digital_first_2025 = 0.60, [0.0, 1.0], "share of services", "dividend", "illustrative: share of public and private services digital-first in 2025";
    digital_first_speed = 0.015, [0.0, 0.1], "share/yr", "dividend", "illustrative: substitution of offline channels per year";
    assisted_channels = 0.50, [0.0, 1.0], "share", "dividend", "illustrative: digital-first services keeping an assisted or offline channel";
    exclusion_cost = 0.04, [0.0, 0.3], "income share/yr", "dividend", "illustrative: income lost per year by a fully excluded person under full digital-first";
    // appropriation (van Dijk's sequence)
    learning_rate = 0.40, [0.0, 1.0], "1/yr", "appropriation", "reconstructed: rate of catching up with the frontier at full capacity";
    peer_effect = 0.5, [0.0, 3.0], "per unit", "appropriation", "DiMaggio & Garip 2011: value of adopting rises with adopting contacts";
    access_gain = 0.25, [0.0, 1.0], "1/yr", "appropriation", "reconstructed: rate of gaining material access when motivated and able to pay";
    access_price_shift = 0.0, [-1.0, 1.0], "access units at the bottom", "appropriation", "set from private infrastructure: premium tiers make access costlier for low incomes (van Deursen & van Dijk 2019)";
    cap_use_adjust = 0.2, [0.0, 1.0], "1/yr", "appropriation", "van Deursen & van Dijk 2014: capital-enhancing use follows education and skills";
    // digital dividend
    dividend_on = 1.0, [0.0, 1.0], "switch", "dividend", "model switch (0 removes the digital dividend)";
    digital_value_2025 = 1.0, [0.0, 5.0], "outcome units/yr", "dividend", "illustrative scale of v_t in 2025";
    resource_elasticity = 1.0, [0.0, 3.0], "elasticity", "dividend", "van Dijk 2005 Matthew effect; DiPrete & Eirich 2006";
    outcome_decay = 0.25, [0.0, 1.0], "1/yr", "dividend", "illustrative: outcomes depreciate";
    outcome_skill_return = 0.03, [0.0, 0.5], "skill per outcome unit", "dividend", "van Dijk 2005: outcomes feed back into resources (reconstructed size)";
    wage_premium = 0.015, [0.0, 0.2], "income share per outcome unit", "dividend", "reconstructed: skill-biased digital wage premium";
    // economy
    growth = 0.012, [-0.05, 0.1], "1/yr", "economy", "CPB medium-term real growth ≈ 1.2–1.5 %/yr";
    redistribution = 0.45, [0.0, 1.0], "share", "economy", "reconstructed: tax-transfer share neutralising unequal income gains (NL market vs disposable Gini)";
    house_price_growth = 0.025, [-0.1, 0.2], "1/yr", "economy", "reconstructed: real house-price trend (CBS price index 2013–2023)";
    savings_rate = 0.06, [0.0, 0.5], "share of income", "economy", "illustrative";
    owner_housing_share = 0.75, [0.0, 1.0], "share of owners' wealth", "economy", "CBS Vermogens van huishoudens: home equity dominates owners' wealth";
    // ties and individualisation
    tie_capacity = 20.0, [4.0, 60.0], "ties", "ties", "Dunbar-style sympathy group of 15–20 frequent contacts; fixed per agent";
    proposals = 4.0, [0.0, 20.0], "per yr", "ties", "reconstructed";
    decay_given = 0.08, [0.0, 1.0], "1/yr", "ties", "reconstructed: CBS falling neighbour contact 2012–2018";
    decay_elective = 0.12, [0.0, 1.0], "1/yr", "ties", "reconstructed";
    individualism_loosening = 1.5, [0.0, 5.0], "per unit", "individualisation", "SCP/STT 2025: individualisation loosens given ties";
    individualism_reach = 0.6, [0.0, 2.0], "per unit", "individualisation", "SCP/STT 2025: emancipation, choosing ties beyond one's origin";
    beta_focus = 1.5, [0.0, 20.0], "per unit distance", "ties", "McPherson et al. 2001: weak choice homophily inside foci";
    beta_choice = 4.0, [0.0, 20.0], "per unit distance", "ties", "McPherson et al. 2001; SCP/WRR 2014: strong homophily in elective ties";
    individualism_online = 0.25, [0.0, 2.0], "per unit online share", "individualisation", "SCP/STT 2025: digitalisation speeds individualisation";
    individualism_norm = 0.0, [-1.0, 1.0], "0–1 shift", "individualisation", "set from tech-optimistic culture (self-reliance norm)";
    individualism_adjust = 0.15, [0.0, 1.0], "1/yr", "individualisation", "reconstructed";
    neighbourhood_size = 150.0, [10.0, 5000.0], "agents", "ties", "illustrative focus size, fixed regardless of N";
    workplace_size = 60.0, [5.0, 5000.0], "agents", "ties", "illustrative focus size, fixed regardless of N";
    club_size = 40.0, [5.0, 5000.0], "agents", "ties", "illustrative focus size, fixed regardless of N";
    residential_sorting = 1.5, [0.0, 10.0], "sd units", "ties", "reconstructed: limited NL neighbourhood segregation (SCP/WRR 2014)";
    // the top withdraws
    withdraw_rate = 0.02, [0.0, 1.0], "1/yr", "top_withdrawal", "reconstructed: top decile opting into private services";
    return_rate = 0.18, [0.0, 1.0], "1/yr", "top_withdrawal", "reconstructed (equilibrium ≈ 10 % of the top decile withdrawn in 2025)";
    withdraw_closure = 0.7, [0.0, 1.0], "share", "top_withdrawal", "reconstructed: withdrawn agents refuse ties outside the top quintile";
    // opinion dynamics
    epsilon = 0.25, [0.0, 1.0], "opinion units", "opinion", "Deffuant et al. 2000 confidence bound";
    mu = 0.15, [0.0, 0.5], "per encounter", "opinion", "Deffuant et al. 2000 convergence rate";
    repulsion_on = 1.0, [0.0, 1.0], "switch", "opinion", "Jager & Amblard 2005";
    rejection_latitude = 0.55, [0.0, 1.0], "opinion units", "opinion", "Jager & Amblard 2005 latitude of rejection";
    online_rejection_shift = 0.0, [0.0, 0.5], "opinion units", "opinion", "set from data-driven influence: online rejection starts closer (reconstructed)";
    mu_repulsion = 0.03, [0.0, 0.5], "per encounter", "opinion", "reconstructed";
    opinion_noise = 0.03, [0.0, 0.5], "sd per month", "opinion", "Mäs, Flache & Helbing 2010: individual noise";
    algorithmic_bias = 1.0, [0.0, 5.0], "gamma", "opinion", "Sîrbu et al. 2019 (γ); 2025 level reconstructed";
    bias_floor = 0.05, [0.001, 1.0], "delta", "opinion", "Sîrbu et al. 2019 (δ)";
    online_candidates = 5.0, [1.0, 50.0], "candidates", "opinion", "reconstructed";
    online_influence = 0.5, [0.0, 1.0], "probability/month", "opinion", "reconstructed: share of months with an influential online encounter";
    autonomy_optout = 0.2, [0.0, 1.0], "share", "opinion", "reconstructed: share opting out of personalised feeds";
    engagement_weight = 0.5, [0.0, 5.0], "exponent", "opinion", "reconstructed: curation favours extreme content";
    // trust
    trust_gain = 0.05, [0.0, 1.0], "per positive encounter", "trust_people", "Slovic 1993 asymmetry (gain < loss)";
    trust_loss = 0.15, [0.0, 1.0], "per negative encounter", "trust_people", "Slovic 1993 asymmetry (gain < loss)";
    trust_speed = 0.3, [0.0, 1.0], "1/yr", "trust_people", "reconstructed";
    contact_effect = 2.0, [0.0, 10.0], "logit per share", "trust_people", "Pettigrew & Tropp 2006 contact hypothesis (sign)";
    experience_effect = 6.0, [0.0, 30.0], "logit per unit", "trust_people", "reconstructed";
    online_negativity = 0.15, [0.0, 1.0], "probability", "trust_people", "reconstructed: hostile online encounters";
    vtrust_speed = 0.3, [0.0, 1.0], "1/yr", "trust_institutions", "reconstructed";
    fairness_effect = 2.0, [0.0, 10.0], "logit per log income", "trust_institutions", "OECD 2024 drivers of trust (fairness)";
    friction_effect = 0.8, [0.0, 10.0], "logit per failed contact", "trust_institutions", "reconstructed: failed digital-first service contacts";
    voice_effect = 2.0, [0.0, 10.0], "logit per share", "trust_institutions", "OECD 2024: NL no-say gap of 47 pp";
    inequality_effect = 8.0, [0.0, 50.0], "logit per Gini point", "trust_institutions", "SCP/STT 2025: inequality widens citizen–government distance";
    public_values_trust = 1.0, [-5.0, 5.0], "logit per unit", "trust_institutions", "reconstructed";
    // participation and belonging
    participation_trust = 2.0, [0.0, 10.0], "logit per unit", "participation", "CBS: volunteering follows trust and education";
    participation_belonging = 2.0, [0.0, 10.0], "logit per unit", "participation", "Bertelsmann radar 3.3";
    belonging_ties = 0.15, [0.0, 2.0], "logit per tie", "participation", "reconstructed: belonging from embeddedness";
    loneliness_ties = 0.10, [0.0, 2.0], "sd per tie", "participation", "reconstructed: De Jong Gierveld, fewer ties more lonely";
    // policies (effect strengths 0–1 set by the scenarios crate from budgets)
    policy_inclusion = 0.0, [0.0, 1.0], "strength", "policy", "set from the package's budget (data/policies.toml)";
    policy_social = 0.0, [0.0, 1.0], "strength", "policy", "set from the package's budget";
    policy_education = 0.0, [0.0, 1.0], "strength", "policy", "set from the package's budget";
    policy_bridging = 0.0, [0.0, 1.0], "strength", "policy", "set from the package's budget";
    policy_community = 0.0, [0.0, 1.0], "strength", "policy", "set from the package's budget";
    diversity_aware = 0.0, [0.0, 1.0], "switch", "policy", "study recommendation 4: design for diversity, not a standard citizen";
    // driving forces as seen by the model (deviation from the 2025 baseline, set by the scenarios crate)
    public_values_shift = 0.0, [-1.0, 1.0], "force units", "forces", "force value minus its baseline";
}

impl Params {
    /// Set a parameter by name, checking the name and the range.
    pub fn set(&mut self, name: &str, value: f64) -> Result<(), String> {
        let spec = Self::spec(name).ok_or_else(|| format!("unknown parameter `{name}`"))?;
        if !value.is_finite() || value < spec.min || value > spec.max {
            return Err(format!(
                "parameter `{name}` = {value} is outside its range {}..{}",
                spec.min, spec.max
            ));
        }
        *self.slot(name).expect("spec and struct agree") = value;
        Ok(())
    }

    pub fn spec(name: &str) -> Option<&'static ParamSpec> {
        Self::SPECS.iter().find(|s| s.name == name)
    }

    /// Clamp every value into its declared range (after forces and policies add deltas).
    pub fn clamp_to_ranges(&mut self) {
        for spec in Self::SPECS {
            let v = self.get(spec.name).expect("declared");
            *self.slot(spec.name).expect("declared") = v.clamp(spec.min, spec.max);
        }
    }

    /// The current parameter values in table order.
    pub fn values(&self) -> Vec<(&'static str, f64)> {
        Self::SPECS
            .iter()
            .map(|s| (s.name, self.get(s.name).expect("declared")))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_lie_in_their_ranges_and_names_are_unique() {
        let mut names = std::collections::HashSet::new();
        for s in Params::SPECS {
            assert!(names.insert(s.name), "duplicate {}", s.name);
            assert!(s.min <= s.default && s.default <= s.max, "{}", s.name);
            assert!(!s.source.is_empty() && !s.unit.is_empty());
        }
    }

    #[test]
    fn set_checks_name_and_range() {
        let mut p = Params::default();
        p.set("epsilon", 0.3).unwrap();
        assert_eq!(p.epsilon, 0.3);
        assert!(p.set("epsilon", 1.5).unwrap_err().contains("range"));
        assert!(p.set("no_such", 0.0).unwrap_err().contains("unknown"));
        p.epsilon = 9.0;
        p.clamp_to_ranges();
        assert_eq!(p.epsilon, 1.0);
    }
}
