//! Attribute distributions: a number, or a table naming the distribution.
//!
//! ```toml
//! activity = 1.0                                  # every member the same
//! price_elasticity = { uniform = { min = 0.5, max = 2.0 } }
//! p_share = { beta = { a = 2.0, b = 8.0 } }       # mean 0.2
//! activity = { lognormal = { mean = 1.0, sd = 0.5 } }
//! ```
//! Draws are clamped to the attribute's domain (probabilities to [0, 1], multipliers to ≥ 0).

use rand::SeedableRng;
use rand_distr::{Beta, Distribution, Gamma, LogNormal, Normal};
use serde::{Deserialize, Serialize};

use crate::rng::Xoshiro256PlusPlus;

/// A distribution of a member attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Dist {
    /// Every member gets this value.
    Constant(f64),
    /// A named distribution.
    Named(NamedDist),
}

/// The named distributions (externally tagged: `{ beta = { a = 2.0, b = 8.0 } }`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum NamedDist {
    /// Uniform on `[min, max]`.
    Uniform {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// Normal with the given mean and standard deviation.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
    },
    /// Log-normal with the given mean and standard deviation (of the value, not of its log).
    Lognormal {
        /// Mean of the value.
        mean: f64,
        /// Standard deviation of the value.
        sd: f64,
    },
    /// Beta(a, b) on [0, 1].
    Beta {
        /// First shape parameter.
        a: f64,
        /// Second shape parameter.
        b: f64,
    },
    /// Gamma with shape and scale (mean = shape · scale).
    Gamma {
        /// Shape.
        shape: f64,
        /// Scale.
        scale: f64,
    },
}

/// The domain an attribute lives in; draws are clamped to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// `[0, 1]`.
    Probability,
    /// `[0, ∞)`.
    NonNegative,
}

impl Domain {
    fn clamp(self, x: f64) -> f64 {
        match self {
            Domain::Probability => x.clamp(0.0, 1.0),
            Domain::NonNegative => x.max(0.0),
        }
    }
}

impl Dist {
    /// The constant value, if the distribution is a constant.
    pub fn constant(&self) -> Option<f64> {
        match self {
            Dist::Constant(x) => Some(*x),
            Dist::Named(_) => None,
        }
    }

    /// Checks the parameters; `Err` says what is wrong and what is allowed.
    pub fn check(&self, domain: Domain) -> Result<(), String> {
        let finite = |xs: &[f64]| xs.iter().all(|x| x.is_finite());
        match *self {
            Dist::Constant(x) => match domain {
                Domain::Probability if !(0.0..=1.0).contains(&x) => Err(format!(
                    "{x} is not a probability; allowed: a number in [0, 1] or a distribution"
                )),
                Domain::NonNegative if !(x >= 0.0 && x.is_finite()) => Err(format!(
                    "{x} is negative; allowed: a number ≥ 0 or a distribution"
                )),
                _ => Ok(()),
            },
            Dist::Named(NamedDist::Uniform { min, max }) => {
                if !finite(&[min, max]) || min > max {
                    Err(format!(
                        "uniform needs finite min ≤ max, got min = {min}, max = {max}"
                    ))
                } else {
                    Ok(())
                }
            }
            Dist::Named(NamedDist::Normal { mean, sd }) => {
                if finite(&[mean, sd]) && sd >= 0.0 {
                    Ok(())
                } else {
                    Err(format!(
                        "normal needs a finite mean and sd ≥ 0, got mean = {mean}, sd = {sd}"
                    ))
                }
            }
            Dist::Named(NamedDist::Lognormal { mean, sd }) => {
                if finite(&[mean, sd]) && mean > 0.0 && sd >= 0.0 {
                    Ok(())
                } else {
                    Err(format!(
                        "lognormal needs mean > 0 and sd ≥ 0, got mean = {mean}, sd = {sd}"
                    ))
                }
            }
            Dist::Named(NamedDist::Beta { a, b }) => {
                if finite(&[a, b]) && a > 0.0 && b > 0.0 {
                    Ok(())
                } else {
                    Err(format!("beta needs a > 0 and b > 0, got a = {a}, b = {b}"))
                }
            }
            Dist::Named(NamedDist::Gamma { shape, scale }) => {
                if finite(&[shape, scale]) && shape > 0.0 && scale > 0.0 {
                    Ok(())
                } else {
                    Err(format!(
                        "gamma needs shape > 0 and scale > 0, got shape = {shape}, scale = {scale}"
                    ))
                }
            }
        }
    }

    /// Draws one value from 64 random bits (a member's keyed draw), clamped to `domain`.
    /// The parameters must have passed [`Dist::check`].
    pub fn sample(&self, bits: u64, domain: Domain) -> f64 {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(bits);
        let x = match *self {
            Dist::Constant(x) => x,
            Dist::Named(NamedDist::Uniform { min, max }) => {
                min + (max - min) * crate::rng::to_unit(bits)
            }
            Dist::Named(NamedDist::Normal { mean, sd }) => {
                Normal::new(mean, sd).map_or(mean, |d| d.sample(&mut rng))
            }
            Dist::Named(NamedDist::Lognormal { mean, sd }) => {
                // Moment matching: σ² = ln(1 + sd²/mean²), μ = ln(mean) − σ²/2.
                let s2 = (1.0 + (sd / mean).powi(2)).ln();
                LogNormal::new(mean.ln() - s2 / 2.0, s2.sqrt()).map_or(mean, |d| d.sample(&mut rng))
            }
            Dist::Named(NamedDist::Beta { a, b }) => {
                Beta::new(a, b).map_or(0.0, |d| d.sample(&mut rng))
            }
            Dist::Named(NamedDist::Gamma { shape, scale }) => {
                Gamma::new(shape, scale).map_or(0.0, |d| d.sample(&mut rng))
            }
        };
        domain.clamp(x)
    }

    /// The mean of the distribution before clamping.
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Constant(x) => x,
            Dist::Named(NamedDist::Uniform { min, max }) => (min + max) / 2.0,
            Dist::Named(NamedDist::Normal { mean, .. } | NamedDist::Lognormal { mean, .. }) => mean,
            Dist::Named(NamedDist::Beta { a, b }) => a / (a + b),
            Dist::Named(NamedDist::Gamma { shape, scale }) => shape * scale,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::mix64;

    fn sample_mean(d: &Dist, domain: Domain) -> f64 {
        let n = 40_000u64;
        (0..n).map(|i| d.sample(mix64(i), domain)).sum::<f64>() / n as f64
    }

    #[test]
    fn sample_means_match_the_distribution() {
        let cases = [
            Dist::Named(NamedDist::Uniform { min: 0.5, max: 2.0 }),
            Dist::Named(NamedDist::Beta { a: 2.0, b: 8.0 }),
            Dist::Named(NamedDist::Lognormal { mean: 1.0, sd: 0.5 }),
            Dist::Named(NamedDist::Gamma {
                shape: 2.0,
                scale: 1.5,
            }),
            Dist::Named(NamedDist::Normal { mean: 3.0, sd: 0.5 }),
        ];
        for d in &cases {
            let m = sample_mean(d, Domain::NonNegative);
            assert!((m - d.mean()).abs() < 0.03 * d.mean(), "{d:?}: {m}");
        }
    }

    #[test]
    fn draws_are_clamped_to_the_domain() {
        let d = Dist::Named(NamedDist::Normal { mean: 0.5, sd: 2.0 });
        assert!((0..1000).all(|i| (0.0..=1.0).contains(&d.sample(mix64(i), Domain::Probability))));
    }

    #[test]
    fn bad_parameters_are_named() {
        assert!(
            Dist::Constant(1.5)
                .check(Domain::Probability)
                .unwrap_err()
                .contains("[0, 1]")
        );
        assert!(
            Dist::Named(NamedDist::Beta { a: 0.0, b: 1.0 })
                .check(Domain::Probability)
                .is_err()
        );
        assert!(
            Dist::Named(NamedDist::Uniform { min: 2.0, max: 1.0 })
                .check(Domain::NonNegative)
                .is_err()
        );
        assert!(Dist::Constant(0.3).check(Domain::Probability).is_ok());
    }
}
