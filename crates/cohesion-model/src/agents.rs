//! The agents' state as structure-of-arrays: one vector per attribute, indexed by agent.
//! Attitudes that respond to change carry an anchor (their calibrated 2025 latent value) and
//! per-agent references of their drivers, so each agent starts at its own steady state under
//! 2025 conditions and moves only when its circumstances change (see docs/ODD.md, "Design").

pub const OWNER: u8 = 1;
pub const VOLUNTEER: u8 = 2;
pub const CLUB: u8 = 4;
pub const VOTES: u8 = 8;
pub const WITHDRAWN: u8 = 16;
pub const ALONE: u8 = 32;
pub const EMPLOYED: u8 = 64;
pub const OPTOUT: u8 = 128;

pub const NO_FOCUS: u32 = u32::MAX;

/// Turn `flag` on or off in one agent's flag byte (for loops that hold the byte itself).
#[inline]
pub fn set_bit(flags: &mut u8, flag: u8, on: bool) {
    if on {
        *flags |= flag;
    } else {
        *flags &= !flag;
    }
}

/// Calls macro `$m` with the name of every attribute vector, so code that must touch each
/// attribute lists them once.
macro_rules! agent_fields {
    ($m:ident) => {
        $m!(
            age,
            edu,
            class,
            culture,
            flags,
            neighbourhood,
            workplace,
            club,
            income,
            income_ref,
            wealth,
            housing,
            motivation,
            access,
            access_anchor,
            skills,
            skill_anchor,
            cap_use,
            outcomes,
            outcomes_ref,
            adopted,
            individualism,
            individualism_anchor,
            opinion,
            warmth,
            trust_h,
            trust_v,
            belonging,
            trust_h_anchor,
            trust_v_anchor,
            warmth_anchor,
            belonging_anchor,
            volunteer_latent,
            club_latent,
            vote_latent,
            lonely_latent,
            ref_experience,
            ref_cross,
            ref_ties,
            ref_voice,
            ref_online,
            ref_peer_skill,
            ref_pending,
            enc_total,
            enc_positive,
            enc_negative,
            enc_cross,
            enc_cross_positive,
            enc_online,
            failed_contacts,
            ref_failed
        )
    };
}

#[derive(Debug, Clone, Default)]
pub struct Agents {
    // demography and position
    pub age: Vec<u8>,
    pub edu: Vec<u8>,
    pub class: Vec<u8>,
    pub culture: Vec<u8>,
    pub flags: Vec<u8>,
    pub neighbourhood: Vec<u32>,
    pub workplace: Vec<u32>,
    pub club: Vec<u32>,
    // economic capital
    pub income: Vec<f32>,
    pub income_ref: Vec<f32>,
    pub wealth: Vec<f32>,
    /// Home equity (owners); the rest of wealth is financial.
    pub housing: Vec<f32>,
    // digital (van Dijk's sequence)
    pub motivation: Vec<f32>,
    pub access: Vec<f32>,
    pub access_anchor: Vec<f32>,
    pub skills: Vec<f32>,
    pub skill_anchor: Vec<f32>,
    pub cap_use: Vec<f32>,
    pub outcomes: Vec<f32>,
    pub outcomes_ref: Vec<f32>,
    pub adopted: Vec<u16>,
    // attitudes
    pub individualism: Vec<f32>,
    pub individualism_anchor: Vec<f32>,
    pub opinion: Vec<f32>,
    pub warmth: Vec<f32>,
    pub trust_h: Vec<f32>,
    pub trust_v: Vec<f32>,
    pub belonging: Vec<f32>,
    // calibrated latent anchors (logit scale) of responsive attitudes and behaviours
    pub trust_h_anchor: Vec<f32>,
    pub trust_v_anchor: Vec<f32>,
    pub warmth_anchor: Vec<f32>,
    pub belonging_anchor: Vec<f32>,
    pub volunteer_latent: Vec<f32>,
    pub club_latent: Vec<f32>,
    pub vote_latent: Vec<f32>,
    pub lonely_latent: Vec<f32>,
    // references of drivers, recorded when the agent's 2025 (or entry) state is fixed
    pub ref_experience: Vec<f32>,
    pub ref_cross: Vec<f32>,
    pub ref_ties: Vec<f32>,
    pub ref_voice: Vec<f32>,
    pub ref_online: Vec<f32>,
    pub ref_peer_skill: Vec<f32>,
    pub ref_pending: Vec<bool>,
    // this year's tallies of encounters (reset yearly)
    pub enc_total: Vec<u16>,
    pub enc_positive: Vec<u16>,
    pub enc_negative: Vec<u16>,
    pub enc_cross: Vec<u16>,
    pub enc_cross_positive: Vec<u16>,
    pub enc_online: Vec<u16>,
    pub failed_contacts: Vec<f32>,
    pub ref_failed: Vec<f32>,
}

impl Agents {
    pub fn len(&self) -> usize {
        self.age.len()
    }

    pub fn is_empty(&self) -> bool {
        self.age.is_empty()
    }

    #[inline]
    pub fn has(&self, i: usize, flag: u8) -> bool {
        self.flags[i] & flag != 0
    }

    #[inline]
    pub fn set_flag(&mut self, i: usize, flag: u8, on: bool) {
        set_bit(&mut self.flags[i], flag, on);
    }

    pub fn is_online(&self, i: usize) -> bool {
        self.access[i] >= 0.5
    }

    /// Resize every vector to n agents (zero-filled).
    pub fn with_len(n: usize) -> Agents {
        macro_rules! zeroed {
            ($($f:ident),*) => { Agents { $( $f: vec![Default::default(); n], )* } };
        }
        agent_fields!(zeroed)
    }

    /// Reorder every attribute vector: agent k becomes the agent that was `order[k]`.
    pub fn permute(&mut self, order: &[u32]) {
        use rayon::prelude::*;
        let agents = self;
        macro_rules! gather {
            ($($f:ident),*) => {{
                $( agents.$f = order.par_iter().map(|&i| agents.$f[i as usize]).collect(); )*
            }};
        }
        agent_fields!(gather)
    }

    /// Bytes of per-agent state (excluding ties), summed over every attribute vector.
    pub fn bytes_per_agent() -> usize {
        let a = Agents::with_len(1);
        macro_rules! bytes {
            ($($f:ident),*) => { 0 $( + std::mem::size_of_val(&a.$f[0]) )* };
        }
        agent_fields!(bytes)
    }
}
