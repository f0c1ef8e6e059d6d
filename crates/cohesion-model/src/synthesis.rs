//! Population synthesis calibrated to the Netherlands of 2025.
//!
//! Two stages. First every agent's base draws are made: age band and age, education (by age
//! band), social class (by age and education, with class weights fitted by iterative
//! proportional fitting so the class shares match SCP's), cultural group, living alone, and
//! one standard normal per latent attribute. Second, calibration: each binary target is a
//! threshold on a latent variable `intercept + shifts + noise`, and the intercept per cell
//! (education level, or age band) is the quantile that makes the cell's share equal the
//! published figure. Intercepts, the income spread and the wealth spread are solved once on a
//! fixed reference sample of 60 000 agents with a fixed seed, so they do not depend on the
//! user's N or seed, and the calibration test on a fresh population is a real check.

use crate::agents::*;
use crate::data::Calibration;
use crate::rng::{Purpose, Stream};
use crate::stats::{gini_sorted, logistic, logit, quantile_sorted};
use rayon::prelude::*;

const REFERENCE_SIZE: usize = 60_000;
const REFERENCE_SEED: u64 = 0x5eed_2025;
/// Skill at or above which a person counts as having above-basic skills.
pub const ABOVE_BASIC: f32 = 0.7;

/// Base draws for one agent.
#[derive(Clone, Copy, Debug, Default)]
struct Base {
    band: usize,
    age: u8,
    edu: u8,
    class: u8,
    culture: u8,
    alone: bool,
    employed_draw: f64,
    z: [f64; 16],
}

/// Indexes into `Base::z`.
mod z {
    pub const INCOME: usize = 0;
    pub const OWNER: usize = 1;
    pub const WEALTH: usize = 2;
    pub const ACCESS: usize = 3;
    pub const SKILL: usize = 4;
    pub const TRUST_H: usize = 5;
    pub const TRUST_V: usize = 6;
    pub const VOLUNTEER: usize = 7;
    pub const CLUB: usize = 8;
    pub const VOTE: usize = 9;
    pub const LONELY: usize = 10;
    pub const INDIVIDUALISM: usize = 11;
    pub const OPINION: usize = 12;
    pub const MOTIVATION: usize = 13;
    pub const WARMTH: usize = 14;
    pub const CAP_USE: usize = 15;
}

/// Everything solved on the reference sample.
#[derive(Debug, Clone)]
pub struct Fitted {
    pub class_weight: Vec<f64>,
    pub income_sigma: f64,
    pub owner_intercept: f64,
    pub owner_wealth_sigma: f64,
    pub owner_wealth_scale: f64,
    pub renter_wealth_shift: f64,
    pub access_intercept: Vec<f64>,
    pub skill_intercept: [f64; 3],
    /// Skill at or above which a person has at least basic skills (solved for 82.7 %, 18–74).
    pub basic_threshold: f64,
    pub trust_h_intercept: [f64; 3],
    pub trust_v_intercept: [f64; 3],
    pub volunteer_intercept: [f64; 3],
    pub club_intercept: [f64; 3],
    pub vote_intercept: [f64; 3],
    pub lonely_threshold: f64,
}

pub struct Synthesiser<'a> {
    pub cal: &'a Calibration,
    pub fitted: Fitted,
}

fn class_age_affinity(age: f64, mean_age: f64) -> f64 {
    let d = (age - mean_age) / 14.0;
    (-0.5 * d * d).exp()
}

fn draw_age_edu(cal: &Calibration, s: &mut Stream) -> (usize, u8, u8) {
    let bands = &cal.synthesis.age_band;
    let total: f64 = bands.iter().map(|b| b.millions).sum();
    let mut u = s.uniform() * total;
    let mut band = bands.len() - 1;
    for (k, b) in bands.iter().enumerate() {
        if u < b.millions {
            band = k;
            break;
        }
        u -= b.millions;
    }
    let b = &bands[band];
    let age = b.from + s.below((b.to - b.from + 1) as usize) as u8;
    let edu = pick(&b.edu, s.uniform());
    (band, age, edu as u8)
}

fn pick(weights: &[f64], u: f64) -> usize {
    let total: f64 = weights.iter().sum();
    let mut x = u * total;
    for (k, w) in weights.iter().enumerate() {
        if x < *w {
            return k;
        }
        x -= w;
    }
    weights.len() - 1
}

fn class_probs(cal: &Calibration, weight: &[f64], age: u8, edu: u8) -> Vec<f64> {
    cal.synthesis
        .class
        .iter()
        .zip(weight)
        .map(|(c, w)| w * class_age_affinity(age as f64, c.mean_age) * c.edu_weight[edu as usize])
        .collect()
}

/// Fit class weights so the marginal class shares equal SCP's (iterative proportional fitting
/// over a sample of ages and education levels).
fn fit_class_weights(cal: &Calibration) -> Vec<f64> {
    let mut s = Stream::new(REFERENCE_SEED, 0, 0, Purpose::Synthesis);
    let sample: Vec<(u8, u8)> = (0..20_000)
        .map(|_| draw_age_edu(cal, &mut s))
        .map(|(_, a, e)| (a, e))
        .collect();
    let target: Vec<f64> = cal.synthesis.class.iter().map(|c| c.share).collect();
    let mut weight = target.clone();
    for _ in 0..50 {
        let mut got = vec![0.0; weight.len()];
        for &(a, e) in &sample {
            let p = class_probs(cal, &weight, a, e);
            let t: f64 = p.iter().sum();
            for (g, pk) in got.iter_mut().zip(&p) {
                *g += pk / t;
            }
        }
        for k in 0..weight.len() {
            weight[k] *= target[k] / (got[k] / sample.len() as f64);
        }
    }
    weight
}

fn draw_base(cal: &Calibration, class_weight: &[f64], seed: u64, i: usize) -> Base {
    let mut s = Stream::new(seed, 0, i as u64, Purpose::Synthesis);
    let (band, age, edu) = draw_age_edu(cal, &mut s);
    base_from(cal, class_weight, &mut s, band, age, edu)
}

fn base_from(
    cal: &Calibration,
    class_weight: &[f64],
    s: &mut Stream,
    band: usize,
    age: u8,
    edu: u8,
) -> Base {
    let class = pick(&class_probs(cal, class_weight, age, edu), s.uniform()) as u8;
    let culture = pick(&cal.synthesis.cultural_groups.shares, s.uniform()) as u8;
    let alone = s.chance(cal.synthesis.age_band[band].alone);
    let employed_draw = s.uniform();
    let mut z = [0.0; 16];
    for v in z.iter_mut() {
        *v = s.normal();
    }
    Base {
        band,
        age,
        edu,
        class,
        culture,
        alone,
        employed_draw,
        z,
    }
}

/// log-income shift by education (low, middle, high): CBS income by education, approximate.
const INCOME_EDU: [f64; 3] = [-0.18, 0.0, 0.22];

fn income_shift(cal: &Calibration, b: &Base) -> f64 {
    let age = b.age as f64;
    let age_shift = if age < 25.0 {
        -0.35
    } else if age >= 67.0 {
        -0.12
    } else {
        -0.004 * (age - 48.0).powi(2) / 10.0
    };
    INCOME_EDU[b.edu as usize] + age_shift + cal.synthesis.class[b.class as usize].income
}

fn log_income(cal: &Calibration, b: &Base, sigma: f64) -> f64 {
    cal.synthesis.median_income.ln() + income_shift(cal, b) + sigma * b.z[z::INCOME]
}

fn owner_latent(cal: &Calibration, b: &Base, income_z: f64) -> f64 {
    let age = b.age as f64;
    let life = ((age - 22.0) / 12.0).clamp(-1.0, 1.5);
    cal.synthesis.class[b.class as usize].owner + 0.8 * income_z + life + 1.0 * b.z[z::OWNER]
}

fn access_latent(b: &Base, income_z: f64) -> f64 {
    0.5 * income_z + 0.4 * (b.edu as f64 - 1.0) + 1.0 * b.z[z::ACCESS]
}

fn skill_latent(cal: &Calibration, b: &Base, income_z: f64, online: bool) -> f64 {
    let age = b.age as f64;
    let age_effect = -0.045 * (age - 35.0).max(0.0);
    let class = cal.synthesis.class[b.class as usize].learn.ln();
    age_effect + 0.5 * class + 0.2 * income_z - if online { 0.0 } else { 2.5 } + 1.0 * b.z[z::SKILL]
}

fn trust_shift(cal: &Calibration, b: &Base, income_z: f64) -> f64 {
    cal.synthesis.class[b.class as usize].trust + 0.2 * income_z
}

/// The intercept c per education level such that share(c + latent > 0) = target in that level.
fn intercepts_by_edu(edu: &[u8], latent: &[f64], target: [f64; 3]) -> [f64; 3] {
    let mut out = [0.0; 3];
    for (e, o) in out.iter_mut().enumerate() {
        let mut v: Vec<f64> = edu
            .iter()
            .zip(latent)
            .filter(|(x, _)| **x as usize == e)
            .map(|(_, l)| *l)
            .collect();
        v.sort_by(f64::total_cmp);
        *o = -quantile_sorted(&v, 1.0 - target[e]);
    }
    out
}

/// Owners: `scale · exp(0.35·class + 0.3·income z + σ·z)`; renters: `shift + 12 000·sinh(0.9·z +
/// 0.3·class)`, a thick tail both ways (debts). `scale` and `shift` put the medians at CBS's
/// EUR 207,200 (owners) and EUR 2,300 (renters), start of 2020.
fn wealth_raw(owner: bool, cal: &Calibration, b: &Base, income_z: f64, owner_sigma: f64) -> f64 {
    let c = &cal.synthesis.class[b.class as usize];
    if owner {
        (0.35 * c.wealth + 0.3 * income_z + owner_sigma * b.z[z::WEALTH]).exp()
    } else {
        12_000.0 * (0.9 * b.z[z::WEALTH] + 0.3 * c.wealth).sinh()
    }
}

const OWNER_MEDIAN: f64 = 207_200.0;
const RENTER_MEDIAN: f64 = 2_300.0;

fn wealth_of(owner: bool, cal: &Calibration, b: &Base, income_z: f64, f: (f64, f64, f64)) -> f64 {
    let (sigma, scale, shift) = f;
    let raw = wealth_raw(owner, cal, b, income_z, sigma);
    if owner {
        scale * raw
    } else {
        shift + raw
    }
}

impl<'a> Synthesiser<'a> {
    /// Solve every calibrated constant on the reference sample.
    pub fn fit(cal: &'a Calibration) -> Synthesiser<'a> {
        let class_weight = fit_class_weights(cal);
        let refs: Vec<Base> = (0..REFERENCE_SIZE)
            .into_par_iter()
            .map(|i| draw_base(cal, &class_weight, REFERENCE_SEED, i))
            .collect();
        let edu: Vec<u8> = refs.iter().map(|b| b.edu).collect();

        // Income spread: bisection on sigma so the Gini equals the target.
        let gini_target = cal.target("income_gini").map_or(0.28, |t| t.value);
        let gini_at = |sigma: f64| {
            let mut y: Vec<f64> = refs
                .par_iter()
                .map(|b| log_income(cal, b, sigma).exp())
                .collect();
            y.par_sort_unstable_by(f64::total_cmp);
            gini_sorted(&y)
        };
        let income_sigma = bisect(0.05, 1.5, |s| gini_at(s) - gini_target);
        let incomes: Vec<f64> = refs
            .iter()
            .map(|b| log_income(cal, b, income_sigma))
            .collect();
        let income_z = standardise(&incomes);

        // Home ownership: one intercept for the owner share.
        let owner_share = cal.target("owner_share").map_or(0.6, |t| t.value);
        let mut ol: Vec<f64> = refs
            .iter()
            .zip(&income_z)
            .map(|(b, iz)| owner_latent(cal, b, *iz))
            .collect();
        ol.sort_by(f64::total_cmp);
        let owner_intercept = -quantile_sorted(&ol, 1.0 - owner_share);
        let owners: Vec<bool> = refs
            .iter()
            .zip(&income_z)
            .map(|(b, iz)| owner_latent(cal, b, *iz) + owner_intercept > 0.0)
            .collect();

        // Wealth: medians by tenure fixed, owners' spread solved for the wealth Gini.
        let wealth_target = cal.target("wealth_gini").map_or(0.72, |t| t.value);
        let wealth_params = |sigma: f64| {
            let raw = |own: bool| -> Vec<f64> {
                refs.iter()
                    .zip(&income_z)
                    .zip(&owners)
                    .filter(|(_, o)| **o == own)
                    .map(|((b, iz), _)| wealth_raw(own, cal, b, *iz, sigma))
                    .collect()
            };
            (
                sigma,
                OWNER_MEDIAN / fast_median(raw(true)),
                RENTER_MEDIAN - fast_median(raw(false)),
            )
        };
        let wealth_gini_at = |sigma: f64| {
            let f = wealth_params(sigma);
            let mut w: Vec<f64> = refs
                .par_iter()
                .zip(&income_z)
                .zip(&owners)
                .map(|((b, iz), o)| wealth_of(*o, cal, b, *iz, f))
                .collect();
            w.par_sort_unstable_by(f64::total_cmp);
            gini_sorted(&w)
        };
        let owner_wealth_sigma = bisect(0.05, 2.5, |s| wealth_gini_at(s) - wealth_target);
        let (_, owner_wealth_scale, renter_wealth_shift) = wealth_params(owner_wealth_sigma);

        // Material access: one intercept per age band for the offline share.
        let bands = &cal.synthesis.age_band;
        let access_intercept: Vec<f64> = (0..bands.len())
            .map(|k| {
                let mut v: Vec<f64> = refs
                    .iter()
                    .zip(&income_z)
                    .filter(|(b, _)| b.band == k)
                    .map(|(b, iz)| access_latent(b, *iz))
                    .collect();
                v.sort_by(f64::total_cmp);
                -quantile_sorted(&v, bands[k].offline)
            })
            .collect();
        let online: Vec<bool> = refs
            .iter()
            .zip(&income_z)
            .map(|(b, iz)| access_latent(b, *iz) + access_intercept[b.band] > 0.0)
            .collect();

        // Skills: intercepts per education level for above-basic among 18–74, then the basic
        // threshold as the skill that 82.7 % of 18–74-year-olds reach.
        let working: Vec<usize> = (0..refs.len()).filter(|&i| refs[i].age <= 74).collect();
        let sl: Vec<f64> = working
            .iter()
            .map(|&i| skill_latent(cal, &refs[i], income_z[i], online[i]))
            .collect();
        let sedu: Vec<u8> = working.iter().map(|&i| refs[i].edu).collect();
        let above = logit(ABOVE_BASIC as f64);
        let shifted: Vec<f64> = sl.iter().map(|l| l - above).collect();
        let skill_intercept =
            intercepts_by_edu(&sedu, &shifted, cal.synthesis.by_edu.above_basic_skills);
        let mut skill: Vec<f64> = sl
            .iter()
            .zip(&sedu)
            .map(|(l, e)| logistic(l + skill_intercept[*e as usize]))
            .collect();
        skill.sort_by(f64::total_cmp);
        let basic_share = cal
            .target("basic_digital_skills")
            .map_or(0.827, |t| t.value);
        let basic_threshold = quantile_sorted(&skill, 1.0 - basic_share);

        let by = &cal.synthesis.by_edu;
        let latent_with = |k: usize, shift: &dyn Fn(&Base, f64) -> f64| -> Vec<f64> {
            refs.iter()
                .zip(&income_z)
                .map(|(b, iz)| shift(b, *iz) + 1.5 * b.z[k])
                .collect()
        };
        let trust_h_intercept = intercepts_by_edu(
            &edu,
            &latent_with(z::TRUST_H, &|b, iz| trust_shift(cal, b, iz)),
            by.generalised_trust,
        );
        let trust_v_intercept = intercepts_by_edu(
            &edu,
            &latent_with(z::TRUST_V, &|b, iz| 0.5 * trust_shift(cal, b, iz)),
            by.institutional_trust,
        );
        let volunteer_intercept = intercepts_by_edu(
            &edu,
            &latent_with(z::VOLUNTEER, &|b, _| volunteer_shift(b)),
            by.volunteering,
        );
        let club_intercept = intercepts_by_edu(
            &edu,
            &latent_with(z::CLUB, &|_, iz| 0.2 * iz),
            by.club_member,
        );
        let vote_intercept = intercepts_by_edu(
            &edu,
            &latent_with(z::VOTE, &|b, _| 0.01 * (b.age as f64 - 45.0)),
            by.votes,
        );

        let mut lonely: Vec<f64> = refs.iter().map(lonely_base).collect();
        lonely.sort_by(f64::total_cmp);
        let lonely_share = cal.target("lonely_share").map_or(0.10, |t| t.value);
        let lonely_threshold = quantile_sorted(&lonely, 1.0 - lonely_share);

        Synthesiser {
            cal,
            fitted: Fitted {
                class_weight,
                income_sigma,
                owner_intercept,
                owner_wealth_sigma,
                owner_wealth_scale,
                renter_wealth_shift,
                access_intercept,
                skill_intercept,
                basic_threshold,
                trust_h_intercept,
                trust_v_intercept,
                volunteer_intercept,
                club_intercept,
                vote_intercept,
                lonely_threshold,
            },
        }
    }

    /// Synthesise n agents (no ties yet; see `network`).
    pub fn population(&self, n: usize, seed: u64) -> Agents {
        let bases: Vec<Base> = (0..n)
            .into_par_iter()
            .map(|i| draw_base(self.cal, &self.fitted.class_weight, seed, i))
            .collect();
        let mut a = Agents::with_len(n);
        let incomes: Vec<f64> = bases
            .iter()
            .map(|b| log_income(self.cal, b, self.fitted.income_sigma))
            .collect();
        let income_z = standardise(&incomes);
        for (i, b) in bases.iter().enumerate() {
            self.fill(&mut a, i, b, incomes[i].exp(), income_z[i]);
        }
        a
    }

    /// A new 18-year-old entering slot i, with the entrant cohort's education.
    pub fn entrant(
        &self,
        a: &mut Agents,
        i: usize,
        seed: u64,
        year: u64,
        entrant_edu: [f64; 3],
        median_log_income: f64,
    ) {
        let mut s = Stream::new(seed, year, i as u64, Purpose::Demography);
        let edu = pick(&entrant_edu, s.uniform()) as u8;
        let b = base_from(self.cal, &self.fitted.class_weight, &mut s, 0, 18, edu);
        let li = log_income(self.cal, &b, self.fitted.income_sigma);
        let base_median = self.cal.synthesis.median_income.ln();
        let iz = (li - base_median) / self.fitted.income_sigma.max(1e-9) * 0.5;
        self.fill(a, i, &b, (li - base_median + median_log_income).exp(), iz);
    }

    fn fill(&self, a: &mut Agents, i: usize, b: &Base, income: f64, income_z: f64) {
        let f = &self.fitted;
        let cal = self.cal;
        let class = &cal.synthesis.class[b.class as usize];
        a.age[i] = b.age;
        a.edu[i] = b.edu;
        a.class[i] = b.class;
        a.culture[i] = b.culture;
        a.flags[i] = 0;
        a.set_flag(i, ALONE, b.alone);
        a.income[i] = income as f32;
        a.income_ref[i] = income as f32;
        let owner = owner_latent(cal, b, income_z) + f.owner_intercept > 0.0;
        a.set_flag(i, OWNER, owner);
        let wealth_fit = (
            f.owner_wealth_sigma,
            f.owner_wealth_scale,
            f.renter_wealth_shift,
        );
        a.wealth[i] = wealth_of(owner, cal, b, income_z, wealth_fit) as f32;

        let online_latent = access_latent(b, income_z) + f.access_intercept[b.band];
        let online = online_latent > 0.0;
        let access = logistic(online_latent);
        a.access[i] = access as f32;
        a.access_anchor[i] = access as f32;
        let skills =
            logistic(skill_latent(cal, b, income_z, online) + f.skill_intercept[b.edu as usize]);
        a.skills[i] = skills as f32;
        a.skill_anchor[i] = skills as f32;
        a.motivation[i] = logistic(
            1.2 + 0.4 * (b.edu as f64 - 1.0) - 0.03 * (b.age as f64 - 45.0)
                + 0.8 * b.z[z::MOTIVATION],
        ) as f32;
        a.cap_use[i] = logistic(
            -0.4 + 0.6 * (b.edu as f64 - 1.0) + 2.0 * (skills - 0.6) + 0.5 * b.z[z::CAP_USE],
        ) as f32;
        a.adopted[i] = 0;

        let ind = class.individualism + 0.05 * (b.edu as f64 - 1.0) - 0.003 * (b.age as f64 - 45.0)
            + 0.1 * b.z[z::INDIVIDUALISM];
        a.individualism[i] = ind.clamp(0.0, 1.0) as f32;
        a.individualism_anchor[i] = a.individualism[i];
        let op = 0.5 + 0.06 * (b.edu as f64 - 1.0) - 0.04 * (b.culture.min(1) as f64)
            + 0.18 * b.z[z::OPINION];
        a.opinion[i] = op.clamp(0.0, 1.0) as f32;

        let e = b.edu as usize;
        let th = f.trust_h_intercept[e] + trust_shift(cal, b, income_z) + 1.5 * b.z[z::TRUST_H];
        a.trust_h_anchor[i] = th as f32;
        a.trust_h[i] = logistic(th) as f32;
        let tv =
            f.trust_v_intercept[e] + 0.5 * trust_shift(cal, b, income_z) + 1.5 * b.z[z::TRUST_V];
        a.trust_v_anchor[i] = tv as f32;
        a.trust_v[i] = logistic(tv) as f32;
        let w = 0.4 + 0.3 * class.trust + 0.8 * b.z[z::WARMTH];
        a.warmth_anchor[i] = w as f32;
        a.warmth[i] = logistic(w) as f32;
        let bl = 0.8 + 0.5 * class.trust + 0.8 * b.z[z::LONELY] * -0.5;
        a.belonging_anchor[i] = bl as f32;
        a.belonging[i] = logistic(bl) as f32;
        a.volunteer_latent[i] =
            (f.volunteer_intercept[e] + volunteer_shift(b) + 1.5 * b.z[z::VOLUNTEER]) as f32;
        a.club_latent[i] = (f.club_intercept[e] + 0.2 * income_z + 1.5 * b.z[z::CLUB]) as f32;
        a.vote_latent[i] =
            (f.vote_intercept[e] + 0.01 * (b.age as f64 - 45.0) + 1.5 * b.z[z::VOTE]) as f32;
        a.lonely_latent[i] = (lonely_base(b) - f.lonely_threshold) as f32;
        a.set_flag(i, VOLUNTEER, a.volunteer_latent[i] > 0.0);
        a.set_flag(i, CLUB, a.club_latent[i] > 0.0);
        a.set_flag(i, VOTES, a.vote_latent[i] > 0.0);
        // CBS labour participation by education, approximate; few work after the state pension age.
        let employed_p = if b.age <= 66 {
            [0.62, 0.78, 0.86][e]
        } else {
            0.05
        };
        a.set_flag(i, EMPLOYED, b.employed_draw < employed_p);
        a.ref_pending[i] = true;
    }
}

fn volunteer_shift(b: &Base) -> f64 {
    // CBS 2022: volunteering peaks at 35–55 and 65–75 (44.6 %, 48.4 %), lower at 25–35 and 75+.
    let age = b.age as f64;
    if (35.0..55.0).contains(&age) || (65.0..75.0).contains(&age) {
        0.25
    } else {
        -0.15
    }
}

/// Shift of the loneliness score for living alone (De Jong Gierveld: people living alone are
/// most often lonely, CBS 2024; size reconstructed).
pub const LONELY_ALONE: f32 = 0.9;

fn lonely_base(b: &Base) -> f64 {
    b.z[z::LONELY] + if b.alone { LONELY_ALONE as f64 } else { 0.0 }
}

fn standardise(v: &[f64]) -> Vec<f64> {
    let m = v.iter().sum::<f64>() / v.len().max(1) as f64;
    let sd = (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / v.len().max(1) as f64)
        .sqrt()
        .max(1e-12);
    v.iter().map(|x| (x - m) / sd).collect()
}

/// The median (upper middle element) without a full sort.
fn fast_median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mid = (v.len() - 1) / 2 + (v.len() - 1) % 2;
    *v.select_nth_unstable_by(mid, f64::total_cmp).1
}

/// Root of an increasing function on [lo, hi] by bisection (26 halvings: 1.5e-8 of the range).
fn bisect(mut lo: f64, mut hi: f64, f: impl Fn(f64) -> f64) -> f64 {
    for _ in 0..26 {
        let mid = 0.5 * (lo + hi);
        if f(mid) > 0.0 {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    0.5 * (lo + hi)
}
