//! PRIM, the patient rule induction method (Friedman & Fisher 1999), as EMA Workbench 2.5
//! (`ema_workbench/analysis/prim.py`) runs it for scenario discovery (Bryant & Lempert 2010),
//! with its default lenient objective. Binary outcome: a case is *of interest* when `y` is true.
//!
//! **Box statistics.** For a box holding `n_B` of the N rows, `k_B` of them of interest, and
//! `K` cases of interest in all the data: coverage `k_B/K`, density `k_B/n_B`, mass `n_B/N`.
//! (K and N count all rows, also when a later box is sought among the rows left over.)
//!
//! **Quantile rule** (EMA's `get_quantile`, after sdtoolkit): sort the m values, `i = (m−1)q`;
//! take `lo = ⌊i⌋`, `hi = ⌈i⌉`; for q > ½ move `lo` down while `x_lo = x_hi` (and lo > 0), for
//! q ≤ ½ move `hi` up while `x_lo = x_hi` (and hi < m−1); the value is `(x_lo + x_hi)/2`, so a
//! limit falls between data values and a peel removes whole ties.
//!
//! **Objective** (EMA's `lenient1`): for a box with `n₀` rows and mean `ȳ₀` and a candidate with
//! `n₁` rows and mean `ȳ₁` (0 if empty), `(ȳ₁ − ȳ₀)/|n₀ − n₁|`, 0 if the means are equal.
//! Candidates are ranked by (objective, number of unrestricted dimensions), highest first; the
//! first in generation order wins a tie.
//!
//! **Peeling.** Candidates from the rows in the box: for each real column, in column order,
//! an upper peel (new upper limit `Q(1 − α_peel)` of the column's values in the box, keep
//! `x ≤` it) and a lower peel (`Q(α_peel)`, keep `x ≥` it); then for each categorical column
//! whose box still allows more than one category, one candidate per allowed category (in code
//! order), dropping it. The best candidate is taken while its mass ≥ `mass_min`, its mass is
//! below the box's, and its objective is > 0; each step adds a point to the trajectory.
//!
//! **Pasting** (from the rows still available, i.e. not in earlier boxes). For each restricted
//! real column: a lower paste, whose new lower limit is `Q(1 − α_paste)` of the column's values
//! of available rows inside the box extended down to the column's minimum (the minimum if
//! there are none), and an upper paste with `Q(α_paste)` of the slab up to the maximum. Then,
//! only if some real column is restricted (as in EMA, whose loop returns before reaching
//! categorical columns otherwise), one candidate per category not yet allowed, adding it. The
//! best is taken while its mass ≥ `mass_min`, mass and mean grow, and its objective is > 0.
//!
//! **Chosen box** and **next boxes.** As in EMA the box kept is the last point of the
//! peeling-and-pasting trajectory. If its density is at least `threshold` it is returned and
//! its rows are set aside; the next box starts from the full limits on the rows left. Search
//! stops at the first box below the threshold (EMA's "dump box", not returned), when no rows are
//! left, or after `max_boxes` boxes.
//!
//! **Quasi-p-value** (Bryant & Lempert 2010; EMA's `_calculate_quasip`): for a restricted side
//! of a box with `n_B` rows, `k_B` of interest, widen that side alone back to the full limit
//! (for a categorical column, allow all categories), count the available rows `T` and cases of
//! interest `H` in the widened box, and take the one-sided binomial test
//! `qp = P(X ≥ k_B)`, `X ~ Bin(n_B, H/T)`: how likely the box's density is if the restriction
//! added nothing. Unrestricted sides have none.
//!
//! **Initial limits**: each real column's minimum and maximum over all rows; for a categorical
//! column, the categories present in the data (labels no row uses never enter a box).
//!
//! Every trajectory point carries its limits and quasi-p-values (EMA computes them for every
//! point too), so a caller can offer another point than the last.
//!
//! **Where this differs from EMA.** (1) Categories are tried in code order; EMA iterates a
//! Python set, whose order depends on `PYTHONHASHSEED`: this matters only when two candidates
//! tie exactly on the objective. (2) There are only real and categorical columns: EMA peels
//! integer-typed columns with a separate discrete rule (limits on data values, not midpoints);
//! an integer factor given here as `Real` gets the real rule. (3) EMA's "dump box" is not
//! returned. The tests compare limits, statistics, trajectories and quasi-p-values with EMA
//! Workbench 2.5.3 on two fixed data sets (`tests/fixtures/`).

mod frame;
mod report;
mod search;

use frame::Frame;

pub enum Column {
    Real(Vec<f64>),
    /// Row values as indices into `labels`.
    Categorical {
        codes: Vec<u32>,
        labels: Vec<String>,
    },
}

/// Named columns, all the same length as the outcome.
pub struct Dataset {
    pub names: Vec<String>,
    pub columns: Vec<Column>,
}

#[derive(Clone, Debug)]
pub struct Options {
    pub peel_alpha: f64,
    pub paste_alpha: f64,
    pub mass_min: f64,
    /// Density a box must reach to be kept.
    pub threshold: f64,
    pub max_boxes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            peel_alpha: 0.05,
            paste_alpha: 0.05,
            mass_min: 0.05,
            threshold: 0.8,
            max_boxes: 10,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Limit {
    Real {
        low: f64,
        high: f64,
    },
    /// Allowed category labels, in code order.
    Categories(Vec<String>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Restriction {
    pub name: String,
    pub limit: Limit,
    /// The smallest quasi-p-value of the restricted sides (the one that makes the restriction
    /// significant, as EMA's `determine_dimres` reads them).
    pub qp: f64,
    /// Quasi-p-value of the lower limit (or of the category set); None if unrestricted.
    pub qp_low: Option<f64>,
    /// Quasi-p-value of the upper limit; None if unrestricted or categorical.
    pub qp_high: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TrajectoryPoint {
    pub coverage: f64,
    pub density: f64,
    pub mass: f64,
    /// Number of restricted dimensions.
    pub restricted: usize,
    /// The box at this point, restricted dimensions only, in column order.
    pub restrictions: Vec<Restriction>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PrimBox {
    pub trajectory: Vec<TrajectoryPoint>,
    /// Index of the kept box on the trajectory (the last, as in EMA).
    pub chosen: usize,
    pub restrictions: Vec<Restriction>,
    pub coverage: f64,
    pub density: f64,
    pub mass: f64,
}

/// Peeling then pasting; each next box on the rows left outside earlier boxes, as EMA
/// Workbench does; stops when a box misses `threshold` density or after `max_boxes`.
pub fn find_boxes(data: &Dataset, y: &[bool], options: &Options) -> Result<Vec<PrimBox>, String> {
    let frame = Frame::new(data, y, options)?;
    let mut remaining: Vec<usize> = (0..frame.rows).collect();
    let mut boxes = Vec::new();
    while boxes.len() < options.max_boxes && !remaining.is_empty() {
        let steps = frame.search(&remaining);
        // The trajectory always holds at least the starting box.
        let Some((_, members)) = steps.last() else {
            break;
        };
        let density = frame.count_interest(members) as f64 / members.len() as f64;
        if density < options.threshold {
            break;
        }
        let trajectory: Vec<TrajectoryPoint> = steps
            .iter()
            .map(|(l, m)| frame.point(l, m, &remaining))
            .collect();
        let chosen = trajectory.len() - 1;
        let last = &trajectory[chosen];
        boxes.push(PrimBox {
            coverage: last.coverage,
            density: last.density,
            mass: last.mass,
            restrictions: last.restrictions.clone(),
            chosen,
            trajectory,
        });
        let mut inside = vec![false; frame.rows];
        members.iter().for_each(|&r| inside[r] = true);
        remaining.retain(|&r| !inside[r]);
    }
    Ok(boxes)
}
