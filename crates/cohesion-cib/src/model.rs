//! The judgement matrix: descriptors, their variants and the cross-impacts between them.

use cohesion_io::{Error, Result};

/// A descriptor (a system factor) and its mutually exclusive variants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Descriptor {
    pub name: String,
    pub variants: Vec<String>,
    /// Free text shown nowhere in the analysis; kept so conversions do not lose it.
    pub description: Option<String>,
}

/// How one model force is read off a descriptor: each variant maps to a value in 0..1.
#[derive(Debug, Clone, PartialEq)]
pub struct ForceMapping {
    /// The model's force name (`public_values`, …).
    pub force: String,
    /// Index of the descriptor whose variant sets the force.
    pub descriptor: usize,
    /// One value per variant of that descriptor, in variant order.
    pub values: Vec<f64>,
}

/// The five driving forces the model reads from a scenario's `[forces]` table (DESIGN §5).
pub const FORCES: [&str; 5] = [
    "public_values",
    "digital_autonomy",
    "data_driven_influence",
    "private_infrastructure",
    "tech_optimism",
];

/// A complete cross-impact matrix.
///
/// Variants of all descriptors are numbered consecutively (descriptor 0's variants first);
/// `cell(src, dst)` is the judgement "if variant `src` holds, it promotes (+) or hinders (−)
/// variant `dst`". Blocks where source and target belong to the same descriptor are zero:
/// CIB has no self-impacts.
#[derive(Debug, Clone, PartialEq)]
pub struct Cib {
    pub title: Option<String>,
    /// `reconstructed` when the judgements are ours rather than a workshop's.
    pub provenance: Option<String>,
    /// Name of the judge or group whose matrix this is (ensembles label columns with it).
    pub judge: Option<String>,
    pub descriptors: Vec<Descriptor>,
    /// Allowed range of a judgement, inclusive (default −3..=3).
    pub range: (i32, i32),
    /// Row-major `total × total`, row = acting variant, column = impacted variant.
    pub cells: Vec<i32>,
    /// `false` where the judge left a cell open (`?`); such a cell counts as 0 alone and is
    /// left out of an ensemble's mean.
    pub scored: Vec<bool>,
    /// Divisor from stored integers to judgement units. 1 for a single matrix; an ensemble
    /// mean stores cells multiplied by the lcm of judge counts so arithmetic stays exact.
    pub scale: i32,
    pub mapping: Vec<ForceMapping>,
    /// Named futures as partial scenarios (e.g. the study's four), each a list of
    /// `(descriptor, variant)`; the output marks the consistent scenarios that match one.
    pub futures: Vec<(String, Vec<(usize, u8)>)>,
}

impl Cib {
    /// An all-zero matrix over the given descriptors.
    pub fn zeros(descriptors: Vec<Descriptor>) -> Self {
        let total: usize = descriptors.iter().map(|d| d.variants.len()).sum();
        Cib {
            title: None,
            provenance: None,
            judge: None,
            descriptors,
            range: (-3, 3),
            cells: vec![0; total * total],
            scored: vec![true; total * total],
            scale: 1,
            mapping: Vec::new(),
            futures: Vec::new(),
        }
    }

    /// Total number of variants over all descriptors.
    pub fn total_variants(&self) -> usize {
        self.descriptors.iter().map(|d| d.variants.len()).sum()
    }

    /// Index of descriptor `d`'s first variant in the variant numbering.
    pub fn offsets(&self) -> Vec<usize> {
        let mut off = Vec::with_capacity(self.descriptors.len());
        let mut o = 0;
        for d in &self.descriptors {
            off.push(o);
            o += d.variants.len();
        }
        off
    }

    pub fn descriptor_index(&self, name: &str) -> Option<usize> {
        self.descriptors.iter().position(|d| d.name == name)
    }

    pub fn cell(&self, src: usize, dst: usize) -> i32 {
        self.cells[src * self.total_variants() + dst]
    }

    pub fn set(&mut self, src: usize, dst: usize, v: i32) {
        let n = self.total_variants();
        self.cells[src * n + dst] = v;
    }

    /// Number of scenarios (product of variant counts), saturating at `u128::MAX`.
    pub fn scenario_count(&self) -> u128 {
        self.descriptors
            .iter()
            .fold(1u128, |a, d| a.saturating_mul(d.variants.len() as u128))
    }

    /// Parse `DESCRIPTOR=VARIANT` into indices.
    pub fn parse_assignment(&self, s: &str) -> Result<(usize, u8)> {
        let (d, v) = s
            .split_once('=')
            .ok_or_else(|| Error::input(format!("`{s}`: expected DESCRIPTOR=VARIANT")))?;
        let (d, v) = (d.trim(), v.trim());
        let di = self
            .descriptor_index(d)
            .ok_or_else(|| Error::input(format!("`{s}`: no descriptor named `{d}`")))?;
        let vi = self.descriptors[di]
            .variants
            .iter()
            .position(|x| x == v)
            .ok_or_else(|| {
                Error::input(format!(
                    "`{s}`: descriptor `{d}` has no variant `{v}` (it has {})",
                    self.descriptors[di].variants.join(", ")
                ))
            })?;
        Ok((di, vi as u8))
    }

    /// Parse a scenario written as variant names in descriptor order, separated by commas,
    /// or as `descriptor=variant` pairs covering every descriptor.
    pub fn parse_scenario(&self, s: &str) -> Result<Vec<u8>> {
        let parts: Vec<&str> = s.split(',').map(str::trim).collect();
        if parts.len() != self.descriptors.len() {
            return Err(Error::input(format!(
                "scenario `{s}` names {} variants, expected one per descriptor ({})",
                parts.len(),
                self.descriptors.len()
            )));
        }
        let mut out = vec![u8::MAX; parts.len()];
        for (i, p) in parts.iter().enumerate() {
            if p.contains('=') {
                let (d, v) = self.parse_assignment(p)?;
                out[d] = v;
            } else {
                let vi = self.descriptors[i]
                    .variants
                    .iter()
                    .position(|x| x == p)
                    .ok_or_else(|| {
                        Error::input(format!(
                            "scenario `{s}`: descriptor `{}` has no variant `{p}`",
                            self.descriptors[i].name
                        ))
                    })?;
                out[i] = vi as u8;
            }
        }
        if let Some(i) = out.iter().position(|&v| v == u8::MAX) {
            return Err(Error::input(format!(
                "scenario `{s}` gives no variant for `{}`",
                self.descriptors[i].name
            )));
        }
        Ok(out)
    }

    /// Names of the declared futures that scenario `s` matches.
    pub fn futures_of(&self, s: &[u8]) -> Vec<&str> {
        self.futures
            .iter()
            .filter(|(_, fv)| fv.iter().all(|&(d, v)| s[d] == v))
            .map(|(n, _)| n.as_str())
            .collect()
    }

    /// `descriptor=variant, …` for messages.
    pub fn describe(&self, s: &[u8]) -> String {
        self.descriptors
            .iter()
            .zip(s)
            .map(|(d, &v)| format!("{}={}", d.name, d.variants[v as usize]))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Check that two matrices share descriptors and variants (ensembles need that).
    pub fn same_structure(&self, other: &Cib) -> std::result::Result<(), String> {
        if self.descriptors.len() != other.descriptors.len() {
            return Err(format!(
                "{} descriptors, expected {}",
                other.descriptors.len(),
                self.descriptors.len()
            ));
        }
        for (a, b) in self.descriptors.iter().zip(&other.descriptors) {
            if a.name != b.name {
                return Err(format!(
                    "descriptor `{}` where `{}` was expected",
                    b.name, a.name
                ));
            }
            if a.variants != b.variants {
                return Err(format!(
                    "descriptor `{}` has variants [{}], expected [{}]",
                    a.name,
                    b.variants.join(", "),
                    a.variants.join(", ")
                ));
            }
        }
        Ok(())
    }
}

/// Check structural rules every loader shares: 2..=255 variants per descriptor, at least one
/// descriptor, unique names. Returns a message naming the descriptor at fault.
pub fn check_descriptors(ds: &[Descriptor]) -> std::result::Result<(), (usize, String)> {
    if ds.is_empty() {
        return Err((0, "no descriptors".into()));
    }
    for (i, d) in ds.iter().enumerate() {
        if d.name.trim().is_empty() {
            return Err((i, "descriptor with an empty name".into()));
        }
        if ds[..i].iter().any(|e| e.name == d.name) {
            return Err((i, format!("duplicate descriptor `{}`", d.name)));
        }
        if d.variants.len() < 2 {
            return Err((
                i,
                format!("descriptor `{}` needs at least 2 variants", d.name),
            ));
        }
        if d.variants.len() > 255 {
            return Err((
                i,
                format!("descriptor `{}` has more than 255 variants", d.name),
            ));
        }
        for (j, v) in d.variants.iter().enumerate() {
            if v.trim().is_empty() {
                return Err((
                    i,
                    format!("descriptor `{}` has an empty variant name", d.name),
                ));
            }
            if d.variants[..j].contains(v) {
                return Err((
                    i,
                    format!("descriptor `{}` has variant `{v}` twice", d.name),
                ));
            }
        }
    }
    Ok(())
}

/// A seeded random matrix for benchmarks and property tests: every off-diagonal cell uniform
/// on −3..=3, diagonal blocks zero.
pub fn random_cib(counts: &[usize], seed: u64) -> Cib {
    let descriptors = counts
        .iter()
        .enumerate()
        .map(|(i, &m)| Descriptor {
            name: format!("d{i}"),
            variants: (0..m).map(|v| format!("v{v}")).collect(),
            description: None,
        })
        .collect();
    let mut cib = Cib::zeros(descriptors);
    let off = cib.offsets();
    let mut rng = crate::rng::SplitMix64::new(seed);
    for (i, &mi) in counts.iter().enumerate() {
        for (j, &mj) in counts.iter().enumerate() {
            if i == j {
                continue;
            }
            for a in 0..mi {
                for b in 0..mj {
                    let v = rng.below(7) as i32 - 3;
                    cib.set(off[i] + a, off[j] + b, v);
                }
            }
        }
    }
    cib
}
