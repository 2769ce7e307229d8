//! Members' segments and attributes, drawn per replicate from keyed random numbers.

use crate::rng::{Draws, Stream};
use crate::scenario::{Dist, Domain, Scenario};

/// A member attribute: one value for everybody, or one value per member.
#[derive(Debug, Clone)]
pub enum Attribute {
    /// Every member has this value.
    Constant(f64),
    /// Member `i` has `values[i]`.
    PerMember(Vec<f32>),
}

impl Attribute {
    /// Member `i`'s value.
    #[inline]
    pub fn of(&self, i: u32) -> f64 {
        match self {
            Attribute::Constant(x) => *x,
            Attribute::PerMember(v) => f64::from(v[i as usize]),
        }
    }

    /// The largest value any member has (0 for an empty population).
    pub fn max(&self) -> f64 {
        match self {
            Attribute::Constant(x) => *x,
            Attribute::PerMember(v) => v.iter().copied().fold(0.0, f32::max).into(),
        }
    }
}

/// Segment membership and attributes of every member in one replicate.
#[derive(Debug, Clone)]
pub struct Population {
    /// Segment of each member; empty when there is a single segment.
    segment: Vec<u8>,
    /// Price elasticity ε ≥ 0.
    pub price_elasticity: Attribute,
    /// Activity multiplier ≥ 0.
    pub activity: Attribute,
    /// Probability of sharing after a purchase.
    pub p_share: Attribute,
}

impl Population {
    /// Draws the population of `n` members for one replicate.
    pub fn draw(s: &Scenario, n: u32, draws: &Draws) -> Self {
        let segments = &s.population.segments;
        let segment: Vec<u8> = if segments.len() > 1 {
            let key = draws.day(Stream::Segment, 0);
            let mut cumulative = Vec::with_capacity(segments.len());
            let mut acc = 0.0;
            for seg in segments {
                acc += seg.share;
                cumulative.push(acc);
            }
            (0..n)
                .map(|i| {
                    let u = key.unit(i, 0) * acc;
                    cumulative
                        .partition_point(|&c| c <= u)
                        .min(segments.len() - 1) as u8
                })
                .collect()
        } else {
            Vec::new()
        };
        let attribute =
            |index: u32, default: &Dist, pick: &dyn Fn(usize) -> Option<Dist>, domain: Domain| {
                let per_segment: Vec<Dist> = (0..segments.len())
                    .map(|k| pick(k).unwrap_or_else(|| default.clone()))
                    .collect();
                if let Some(c) = per_segment[0]
                    .constant()
                    .filter(|c| per_segment.iter().all(|d| d.constant() == Some(*c)))
                {
                    return Attribute::Constant(match domain {
                        Domain::Probability => c.clamp(0.0, 1.0),
                        Domain::NonNegative => c.max(0.0),
                    });
                }
                let key = draws.day(Stream::Attribute { index }, 0);
                Attribute::PerMember(
                    (0..n)
                        .map(|i| {
                            let seg = segment.get(i as usize).map_or(0, |&s| s as usize);
                            per_segment[seg].sample(key.bits(i, 0), domain) as f32
                        })
                        .collect(),
                )
            };
        let b = &s.behaviour;
        Population {
            price_elasticity: attribute(
                0,
                &b.price_elasticity,
                &|k| segments[k].price_elasticity.clone(),
                Domain::NonNegative,
            ),
            activity: attribute(
                1,
                &b.activity,
                &|k| segments[k].activity.clone(),
                Domain::NonNegative,
            ),
            p_share: attribute(
                2,
                &s.share.p_share,
                &|k| segments[k].p_share.clone(),
                Domain::Probability,
            ),
            segment,
        }
    }

    /// Segment index of member `i`.
    #[inline]
    pub fn segment(&self, i: u32) -> usize {
        self.segment.get(i as usize).map_or(0, |&s| usize::from(s))
    }
}
