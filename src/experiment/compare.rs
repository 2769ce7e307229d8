//! Paired comparison of a variant against its baseline: replicate r of both shares its graph,
//! population and random draws, so the per-replicate difference cancels the common noise.

use serde::Deserialize;

use crate::metrics::catalog::{self, Better};
use crate::metrics::stats::{t_975, t_cdf};

/// The `[compare]` table.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Compare {
    /// The variant others are compared with (default `base`).
    #[serde(default = "default_baseline")]
    pub baseline: String,
    /// The metric that ranks the variants.
    #[serde(default = "default_objective")]
    pub objective: String,
    /// Metrics in `comparison.csv`.
    #[serde(default = "default_metrics")]
    pub metrics: Vec<String>,
    /// Directions that override the catalog's, e.g. `better = { exposures_ad = "lower" }`.
    #[serde(default)]
    pub better: std::collections::BTreeMap<String, Better>,
    /// The ROI below which `risk.csv` counts a replicate as falling short.
    #[serde(default = "default_roi_target")]
    pub roi_target: f64,
}

impl Compare {
    /// Which way `metric` is better here: the `[compare] better` override, else the catalog's.
    pub fn better(&self, metric: &str) -> Better {
        self.better
            .get(metric)
            .copied()
            .unwrap_or_else(|| catalog::better(metric))
    }

    /// Is a smaller value of `metric` better?
    pub fn lower_is_better(&self, metric: &str) -> bool {
        self.better(metric) == Better::Lower
    }
}

impl Default for Compare {
    fn default() -> Self {
        Self {
            baseline: default_baseline(),
            objective: default_objective(),
            metrics: default_metrics(),
            better: std::collections::BTreeMap::new(),
            roi_target: default_roi_target(),
        }
    }
}

fn default_roi_target() -> f64 {
    1.0
}

fn default_baseline() -> String {
    "base".into()
}

fn default_objective() -> String {
    "net_cents".into()
}

fn default_metrics() -> Vec<String> {
    [
        "customers",
        "gmv_cents",
        "net_cents",
        "roi",
        "marketing_cost_cents",
        "cac_cents",
        "k_factor",
        "retention_d30",
    ]
    .map(String::from)
    .to_vec()
}

/// The paired comparison of one metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Paired {
    /// Replicates where both values are defined.
    pub n: usize,
    /// Mean of the variant over those replicates.
    pub mean_variant: f64,
    /// Mean of the baseline over those replicates.
    pub mean_baseline: f64,
    /// Mean paired difference (variant − baseline).
    pub diff: f64,
    /// 95% interval of the mean paired difference (Student t on the differences).
    pub diff_low: f64,
    /// Upper end of that interval.
    pub diff_high: f64,
    /// 95% interval of the difference of means treating the runs as independent (Welch), to
    /// show what pairing buys.
    pub unpaired_low: f64,
    /// Upper end of that interval.
    pub unpaired_high: f64,
    /// `diff / |mean_baseline|` (undefined when the baseline mean is 0).
    pub relative: Option<f64>,
    /// Probability that the variant is better on this metric: `T_{n−1}(±diff / se)`, the Student
    /// t of the paired interval (the posterior of the mean difference under a flat prior).
    pub p_better: f64,
}

impl Paired {
    /// Half-width of the paired interval.
    pub fn half_width(&self) -> f64 {
        (self.diff_high - self.diff_low) / 2.0
    }
}

/// Compares `variant[r]` with `baseline[r]` over the replicates where both are defined; `None`
/// with fewer than two such pairs.
pub fn paired(
    variant: &[Option<f64>],
    baseline: &[Option<f64>],
    lower_better: bool,
) -> Option<Paired> {
    let pairs: Vec<(f64, f64)> = variant
        .iter()
        .zip(baseline)
        .filter_map(|(v, b)| Some(((*v)?, (*b)?)))
        .collect();
    let n = pairs.len();
    if n < 2 {
        return None;
    }
    let nf = n as f64;
    let (mv, mb) = pairs
        .iter()
        .fold((0.0, 0.0), |(a, b), (v, w)| (a + v / nf, b + w / nf));
    let diff = mv - mb;
    let var = |f: &dyn Fn(&(f64, f64)) -> f64, m: f64| {
        pairs.iter().map(|p| (f(p) - m).powi(2)).sum::<f64>() / (nf - 1.0)
    };
    let var_d = var(&|p| p.0 - p.1, diff);
    let (var_v, var_b) = (var(&|p| p.0, mv), var(&|p| p.1, mb));
    let se = (var_d / nf).sqrt();
    let half = t_975(n - 1) * se;
    let se_u = ((var_v + var_b) / nf).sqrt();
    // Welch–Satterthwaite degrees of freedom for equal group sizes.
    let df = if var_v + var_b > 0.0 {
        ((var_v + var_b).powi(2) * (nf - 1.0) / (var_v.powi(2) + var_b.powi(2))).floor() as usize
    } else {
        2 * n - 2
    };
    let half_u = t_975(df.max(1)) * se_u;
    let signed = if lower_better { -diff } else { diff };
    // The same Student t (n − 1 degrees of freedom) as the interval, so an interval spanning 0
    // never comes with a P(better) near 0 or 1.
    let p_better = if se > 0.0 {
        t_cdf(signed / se, n - 1)
    } else if signed > 0.0 {
        1.0
    } else if signed < 0.0 {
        0.0
    } else {
        0.5
    };
    Some(Paired {
        n,
        mean_variant: mv,
        mean_baseline: mb,
        diff,
        diff_low: diff - half,
        diff_high: diff + half,
        unpaired_low: diff - half_u,
        unpaired_high: diff + half_u,
        relative: (mb != 0.0).then(|| diff / mb.abs()),
        p_better,
    })
}

/// One arm against its baseline on one metric (a row of `comparison.csv`).
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The arm compared.
    pub arm: usize,
    /// Its baseline arm.
    pub baseline: usize,
    /// The metric.
    pub metric: String,
    /// The paired comparison (`None` with fewer than two defined pairs).
    pub paired: Option<Paired>,
}

/// Compares every non-baseline arm with its baseline on every compared metric (the objective
/// included); `values(arm, metric)` gives the per-replicate values.
pub fn compare<'a>(
    experiment: &super::Experiment,
    values: &dyn Fn(usize, &str) -> &'a [Option<f64>],
) -> Vec<Comparison> {
    let mut metrics = experiment.compare.metrics.clone();
    if !metrics.contains(&experiment.compare.objective) {
        metrics.push(experiment.compare.objective.clone());
    }
    let mut rows = Vec::new();
    for arm in 0..experiment.arms.len() {
        let Some(baseline) = experiment.baseline_of(arm) else {
            continue;
        };
        for m in &metrics {
            rows.push(Comparison {
                arm,
                baseline,
                metric: m.clone(),
                paired: paired(
                    values(arm, m),
                    values(baseline, m),
                    experiment.compare.lower_is_better(m),
                ),
            });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    /// P(better) and the interval come from the same t: an interval that spans 0 never comes
    /// with P(better) beyond 2.5% or 97.5% (at 3 replicates the normal approximation gave
    /// 0.00001 for such an interval).
    #[test]
    fn an_interval_spanning_zero_is_never_near_certain() {
        let b = [Some(100.0), Some(200.0), Some(300.0)];
        for shift in [-40.0, -5.0, 0.0, 3.0, 20.0, 60.0] {
            let v: Vec<Option<f64>> = b
                .iter()
                .zip([shift - 30.0, shift + 10.0, shift + 25.0])
                .map(|(x, d)| Some(x.unwrap() + d))
                .collect();
            let p = paired(&v, &b, false).unwrap();
            let spans = p.diff_low < 0.0 && p.diff_high > 0.0;
            assert_eq!(
                spans,
                (0.025..=0.975).contains(&p.p_better),
                "shift {shift}: [{}, {}] with P(better) {}",
                p.diff_low,
                p.diff_high,
                p.p_better
            );
        }
    }

    #[test]
    fn paired_difference_matches_hand_computation() {
        // differences 1, 2, 3: mean 2, sd 1, se 1/√3, t(2) = 4.302653
        let v = [Some(11.0), Some(22.0), Some(33.0), None];
        let b = [Some(10.0), Some(20.0), Some(30.0), Some(5.0)];
        let p = paired(&v, &b, false).unwrap();
        assert_eq!(p.n, 3);
        assert!((p.diff - 2.0).abs() < 1e-12);
        let half = 4.302_652_730 / 3f64.sqrt();
        assert!((p.diff_high - (2.0 + half)).abs() < 1e-6, "{p:?}");
        // the runs vary far more than their differences: the unpaired interval is much wider
        assert!(p.unpaired_high - p.unpaired_low > 5.0 * (p.diff_high - p.diff_low));
        assert!((p.relative.unwrap() - 0.1).abs() < 1e-12);
        // P(better) = T_2(2 / (1/√3)); for 2 degrees of freedom T(t) = 1/2 + t / (2√(2 + t²)).
        let t = 2.0 * 3f64.sqrt();
        let expect = 0.5 + t / (2.0 * (2.0 + t * t).sqrt());
        assert!(
            (p.p_better - expect).abs() < 1e-9,
            "{} vs {expect}",
            p.p_better
        );
        assert!((paired(&v, &b, true).unwrap().p_better - (1.0 - expect)).abs() < 1e-9);
        assert!(paired(&v[..1], &b[..1], false).is_none());
    }

    #[test]
    fn identical_runs_give_a_zero_width_interval() {
        let v = [Some(3.0), Some(5.0), Some(4.0)];
        let p = paired(&v, &v, false).unwrap();
        assert_eq!(
            (p.diff, p.diff_low, p.diff_high, p.p_better),
            (0.0, 0.0, 0.0, 0.5)
        );
    }
}
