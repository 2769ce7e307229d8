//! Optimisation by successive halving (racing) over a sweep's candidate points: every candidate
//! runs `start` replicates; each round keeps the best 1/`eta` of the feasible candidates (at
//! least two) and runs them `eta` times as many replicates, up to `max`. Replicate r of every
//! candidate shares its draws (common random numbers), so the comparisons that decide who stays
//! are paired and the ranking is far less noisy than the runs' spread.

use serde::Deserialize;

/// The `[optimize]` table.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Optimize {
    /// Replicates every candidate runs in the first round.
    #[serde(default = "default_start")]
    pub start: u32,
    /// Replicates of the last round (the best and the runner-up end with this many).
    #[serde(default = "default_max")]
    pub max: u32,
    /// Each round keeps 1/eta of the candidates and multiplies the replicates by eta.
    #[serde(default = "default_eta")]
    pub eta: u32,
    /// A constraint on the candidates' means, e.g. spend ≤ budget.
    #[serde(default)]
    pub constraint: Option<Constraint>,
}

/// `constraint = { metric = "marketing_cost_cents", max = 2000000 }`: a candidate is feasible
/// while its mean of `metric` is at most `max`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Constraint {
    /// A `runs.csv` metric.
    pub metric: String,
    /// Its largest allowed mean.
    pub max: f64,
}

fn default_start() -> u32 {
    4
}

fn default_max() -> u32 {
    64
}

fn default_eta() -> u32 {
    2
}

impl Optimize {
    /// Checks the settings; a message naming the key otherwise.
    ///
    /// # Errors
    /// `(key, message)` of the first bad setting.
    pub fn check(&self) -> Result<(), (String, String)> {
        if self.start < 2 {
            return Err((
                "optimize.start".into(),
                "at least 2 replicates (a paired interval needs two)".into(),
            ));
        }
        if self.max < self.start {
            return Err((
                "optimize.max".into(),
                format!("must be at least `start` ({})", self.start),
            ));
        }
        if self.eta < 2 {
            return Err(("optimize.eta".into(), "must be at least 2".into()));
        }
        Ok(())
    }

    /// The rounds for `candidates`: `(candidates running, replicates they reach)` each.
    pub fn rounds(&self, candidates: usize) -> Vec<(usize, u32)> {
        let (mut alive, mut reps) = (candidates, self.start);
        let mut out = vec![(alive, reps)];
        while reps < self.max && alive > 2 {
            alive = alive.div_ceil(self.eta as usize).max(2);
            reps = reps.saturating_mul(self.eta).min(self.max);
            out.push((alive, reps));
        }
        if reps < self.max {
            // Two left: run them to `max`, so the final comparison has every replicate.
            out.push((alive, self.max));
        }
        out
    }

    /// Runs the plan spends: Σ over rounds of candidates × new replicates.
    pub fn runs(&self, candidates: usize) -> u64 {
        let mut prev = 0u64;
        self.rounds(candidates)
            .iter()
            .map(|&(n, reps)| {
                let r = u64::from(reps);
                let spent = n as u64 * (r - prev);
                prev = r;
                spent
            })
            .sum()
    }
}

/// The `keep` best of `alive` candidates by `objective` mean (higher is better unless
/// `lower_better`), feasible ones first (a candidate whose `constraint` mean is above its
/// maximum ranks after every feasible one); ties by candidate order.
pub fn survivors(
    alive: &[usize],
    keep: usize,
    objective: &dyn Fn(usize) -> f64,
    feasible: &dyn Fn(usize) -> bool,
    lower_better: bool,
) -> Vec<usize> {
    let mut ranked = alive.to_vec();
    let key = |a: usize| {
        let x = objective(a);
        let x = if x.is_nan() { f64::NEG_INFINITY } else { x };
        if lower_better { -x } else { x }
    };
    ranked.sort_by(|&a, &b| {
        feasible(b)
            .cmp(&feasible(a))
            .then(key(b).total_cmp(&key(a)))
            .then(a.cmp(&b))
    });
    ranked.truncate(keep);
    ranked.sort_unstable();
    ranked
}

/// One candidate's standing at the end of the race.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    /// The arm.
    pub arm: usize,
    /// Replicates it ran (how far it got).
    pub n: usize,
    /// Its objective's mean and 95% interval.
    pub mean: f64,
    /// Lower end.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// The constraint metric's mean, if there is a constraint.
    pub constraint: Option<f64>,
    /// Whether the constraint holds.
    pub feasible: bool,
}

/// Every candidate's standing, best first: further in the race first, then feasible, then by
/// the objective's mean; `summary(arm, metric)` gives (n, mean, low, high).
pub fn standings(
    arms: usize,
    opt: &Optimize,
    lower_better: bool,
    objective: &dyn Fn(usize) -> Option<(usize, f64, f64, f64)>,
    constraint: &dyn Fn(usize) -> Option<f64>,
) -> Vec<Standing> {
    let mut out: Vec<Standing> = (0..arms)
        .filter_map(|a| {
            let (n, mean, low, high) = objective(a)?;
            let c = opt.constraint.as_ref().and_then(|_| constraint(a));
            let feasible = match (&opt.constraint, c) {
                (Some(k), Some(v)) => v <= k.max,
                (Some(_), None) => false,
                (None, _) => true,
            };
            Some(Standing {
                arm: a,
                n,
                mean,
                low,
                high,
                constraint: c,
                feasible,
            })
        })
        .collect();
    let key = |s: &Standing| if lower_better { -s.mean } else { s.mean };
    out.sort_by(|a, b| {
        b.n.cmp(&a.n)
            .then(b.feasible.cmp(&a.feasible))
            .then(key(b).total_cmp(&key(a)))
            .then(a.arm.cmp(&b.arm))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_halve_the_candidates_and_double_the_replicates() {
        let o = Optimize {
            start: 4,
            max: 64,
            eta: 2,
            constraint: None,
        };
        assert_eq!(
            o.rounds(16),
            [(16, 4), (8, 8), (4, 16), (2, 32), (2, 64)].to_vec()
        );
        // 16·4 + 8·4 + 4·8 + 2·16 + 2·32 = 224 runs instead of 16 · 64 = 1024.
        assert_eq!(o.runs(16), 224);
        assert_eq!(o.rounds(2), [(2, 4), (2, 64)].to_vec());
    }

    #[test]
    fn infeasible_candidates_rank_last() {
        let mean = |a: usize| [5.0, 9.0, 7.0, 1.0][a];
        let ok = |a: usize| a != 1; // the best mean breaks the constraint
        assert_eq!(survivors(&[0, 1, 2, 3], 2, &mean, &ok, false), [0, 2]);
        assert_eq!(survivors(&[0, 1, 2, 3], 2, &mean, &ok, true), [0, 3]);
    }
}
