//! Sensitivity of the answer to the assumptions: Sobol first- and total-order indices
//! (Saltelli's design, Saltelli 2010 / Jansen estimators, percentile bootstrap intervals),
//! Morris elementary effects (μ*, μ, σ) and, for random and Latin-hypercube sweeps, partial rank
//! correlation coefficients — of any KPI's mean per point, and of the paired difference between
//! a variant and its baseline at each point (which assumption flips the ranking?).

use rand::RngExt;

use super::sweep::Mode;
use crate::metrics::stats::quantile;
use crate::rng::{Draws, Stream};

/// Bootstrap resamples behind every interval.
pub const BOOTSTRAP: usize = 500;

/// The structure of a sweep that sensitivity reads: its mode, and for a Sobol or Morris
/// design each point's position in the unit cube.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// The sweep mode (random, lhs, sobol, morris).
    pub mode: Mode,
    /// Unit-cube positions per point (sobol, morris).
    pub units: Option<Vec<Vec<f64>>>,
}

/// One index of one parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Index {
    /// The parameter (a swept key).
    pub param: usize,
    /// `S1`, `ST` (sobol), `mu_star`, `mu`, `sigma` (morris) or `prcc`.
    pub name: &'static str,
    /// The estimate.
    pub value: f64,
    /// 95% interval (bootstrap for sobol and μ*; none for μ and σ; Fisher z for PRCC).
    pub interval: Option<(f64, f64)>,
}

/// Percentile interval of `stat` over [`BOOTSTRAP`] resamples of `n` rows, keyed by `key`.
fn bootstrap(n: usize, key: u64, stat: &dyn Fn(&[usize]) -> f64) -> (f64, f64) {
    let mut rng = Draws::new(key, u64::MAX - 1).stream(Stream::SweepPoint);
    let mut values: Vec<f64> = (0..BOOTSTRAP)
        .map(|_| {
            let rows: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
            stat(&rows)
        })
        .filter(|x| x.is_finite())
        .collect();
    values.sort_by(f64::total_cmp);
    if values.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    (quantile(&values, 0.025), quantile(&values, 0.975))
}

/// Sobol indices from Saltelli's design outputs: `y` holds f(A) (n), f(B) (n), then f(A_B^i)
/// (n each) for i in 0..k. First order (Saltelli 2010) `S1_i = mean(f(B)(f(A_B^i) − f(A))) / V`,
/// total (Jansen) `ST_i = mean((f(A) − f(A_B^i))²) / (2V)`, V the variance of f(A) ∪ f(B).
/// Intervals: percentile bootstrap over the N rows ([`BOOTSTRAP`] resamples).
pub fn sobol(y: &[f64], k: usize, key: u64) -> Vec<Index> {
    let n = y.len() / (k + 2);
    // Centred on the mean of f(A) ∪ f(B): the indices are unchanged in expectation, but the
    // first-order estimator's variance no longer grows with the output's level (net profit in
    // cents is ~10⁷ with differences of ~10⁵).
    let centre = y[..2 * n].iter().sum::<f64>() / (2 * n) as f64;
    let y: Vec<f64> = y.iter().map(|v| v - centre).collect();
    let a = &y[..n];
    let b = &y[n..2 * n];
    let ab = |i: usize| &y[(2 + i) * n..(3 + i) * n];
    let variance = |rows: &[usize]| {
        let m = rows.iter().map(|&j| a[j] + b[j]).sum::<f64>() / (2 * rows.len()) as f64;
        rows.iter()
            .map(|&j| (a[j] - m).powi(2) + (b[j] - m).powi(2))
            .sum::<f64>()
            / (2 * rows.len() - 1) as f64
    };
    let s1 = |i: usize, rows: &[usize]| {
        let abi = ab(i);
        let v = rows.iter().map(|&j| b[j] * (abi[j] - a[j])).sum::<f64>() / rows.len() as f64;
        v / variance(rows)
    };
    let st = |i: usize, rows: &[usize]| {
        let abi = ab(i);
        let v =
            rows.iter().map(|&j| (a[j] - abi[j]).powi(2)).sum::<f64>() / (2 * rows.len()) as f64;
        v / variance(rows)
    };
    let all: Vec<usize> = (0..n).collect();
    let mut out = Vec::new();
    for i in 0..k {
        for (name, f) in [("S1", &s1 as &dyn Fn(usize, &[usize]) -> f64), ("ST", &st)] {
            let value = f(i, &all);
            // A flat output (V = 0) has no index: report 0, not 0/0.
            let (value, interval) = if variance(&all) > 0.0 {
                let b = bootstrap(n, key ^ (i as u64) << 8 ^ name.len() as u64, &|r| f(i, r));
                (value, Some(b))
            } else {
                (0.0, None)
            };
            out.push(Index {
                param: i,
                name,
                value,
                interval,
            });
        }
    }
    out
}

/// Morris elementary effects from trajectories: `units` and `y` are r trajectories of k + 1
/// points each, consecutive points differing in one axis. Per axis: μ* (mean |EE|, with a
/// bootstrap interval over trajectories), μ (mean EE) and σ (sd of EE).
pub fn morris(units: &[Vec<f64>], y: &[f64], k: usize, key: u64) -> Vec<Index> {
    let r = y.len() / (k + 1);
    // effects[t][i]: trajectory t's elementary effect of axis i.
    let mut effects = vec![vec![0.0; k]; r];
    for (t, row) in effects.iter_mut().enumerate() {
        for s in 0..k {
            let (p, q) = (t * (k + 1) + s, t * (k + 1) + s + 1);
            let Some(i) = (0..k).find(|&i| units[p][i] != units[q][i]) else {
                continue;
            };
            row[i] = (y[q] - y[p]) / (units[q][i] - units[p][i]);
        }
    }
    let mut out = Vec::new();
    for i in 0..k {
        let ee: Vec<f64> = effects.iter().map(|row| row[i]).collect();
        let mean = |rows: &[usize], f: &dyn Fn(f64) -> f64| {
            rows.iter().map(|&t| f(ee[t])).sum::<f64>() / rows.len() as f64
        };
        let all: Vec<usize> = (0..r).collect();
        let mu_star = mean(&all, &f64::abs);
        let mu = mean(&all, &|x| x);
        let sigma =
            (ee.iter().map(|x| (x - mu).powi(2)).sum::<f64>() / (r - 1).max(1) as f64).sqrt();
        let interval = bootstrap(r, key ^ (i as u64) << 8, &|rows| mean(rows, &f64::abs));
        out.push(Index {
            param: i,
            name: "mu_star",
            value: mu_star,
            interval: Some(interval),
        });
        out.push(Index {
            param: i,
            name: "mu",
            value: mu,
            interval: None,
        });
        out.push(Index {
            param: i,
            name: "sigma",
            value: sigma,
            interval: None,
        });
    }
    out
}

/// Ranks 1..=n (ties share their mean rank).
fn ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && x[order[j + 1]] == x[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &o in &order[i..=j] {
            r[o] = rank;
        }
        i = j + 1;
    }
    r
}

/// Residuals of `y` after a least-squares fit on `columns` and an intercept.
fn residuals(y: &[f64], columns: &[&Vec<f64>]) -> Vec<f64> {
    let n = y.len();
    let p = columns.len() + 1;
    let x = |row: usize, c: usize| if c == 0 { 1.0 } else { columns[c - 1][row] };
    // Normal equations (XᵀX) β = Xᵀy by Gaussian elimination with partial pivoting.
    let mut m = vec![vec![0.0; p + 1]; p];
    for (a, row) in m.iter_mut().enumerate() {
        for (b, cell) in row.iter_mut().take(p).enumerate() {
            *cell = (0..n).map(|i| x(i, a) * x(i, b)).sum();
        }
        row[p] = (0..n).map(|i| x(i, a) * y[i]).sum();
    }
    for c in 0..p {
        let pivot = (c..p)
            .max_by(|&a, &b| m[a][c].abs().total_cmp(&m[b][c].abs()))
            .unwrap_or(c);
        m.swap(c, pivot);
        if m[c][c].abs() < 1e-12 {
            continue; // a constant or collinear column: drop it
        }
        let pivot_row = m[c].clone();
        for (r, row) in m.iter_mut().enumerate() {
            if r != c {
                let f = row[c] / pivot_row[c];
                for (cell, pv) in row[c..].iter_mut().zip(&pivot_row[c..]) {
                    *cell -= f * pv;
                }
            }
        }
    }
    let beta: Vec<f64> = (0..p)
        .map(|c| {
            if m[c][c].abs() < 1e-12 {
                0.0
            } else {
                m[c][p] / m[c][c]
            }
        })
        .collect();
    (0..n)
        .map(|i| y[i] - (0..p).map(|c| beta[c] * x(i, c)).sum::<f64>())
        .collect()
}

/// Pearson correlation (0 if either side is constant).
fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    if va <= 0.0 || vb <= 0.0 {
        0.0
    } else {
        cov / (va * vb).sqrt()
    }
}

/// Partial rank correlation of `y` with each column of `x` (one row per point), with the
/// Fisher-z 95% interval `tanh(atanh(ρ) ± 1.96 / √(n − 3 − (k − 1)))`.
pub fn prcc(x: &[Vec<f64>], y: &[f64]) -> Vec<Index> {
    let k = x.first().map_or(0, Vec::len);
    let n = y.len();
    let ry = ranks(y);
    let cols: Vec<Vec<f64>> = (0..k)
        .map(|i| ranks(&x.iter().map(|row| row[i]).collect::<Vec<_>>()))
        .collect();
    (0..k)
        .map(|i| {
            let others: Vec<&Vec<f64>> = (0..k).filter(|&j| j != i).map(|j| &cols[j]).collect();
            let rho = correlation(&residuals(&cols[i], &others), &residuals(&ry, &others));
            let dof = n as f64 - 3.0 - (k as f64 - 1.0);
            let interval = (dof > 0.0 && rho.abs() < 1.0).then(|| {
                let z = rho.atanh();
                let h = 1.96 / dof.sqrt();
                ((z - h).tanh(), (z + h).tanh())
            });
            Index {
                param: i,
                name: "prcc",
                value: rho,
                interval,
            }
        })
        .collect()
}

/// The indices of outputs `y` (one per point, in point order) under `design` over points whose
/// swept values are `x`; `key` seeds the bootstrap. Empty for a grid.
pub fn indices(design: &Design, x: &[Vec<f64>], y: &[f64], key: u64) -> Vec<Index> {
    let k = x.first().map_or(0, Vec::len);
    if k == 0 || y.iter().any(|v| !v.is_finite()) {
        return Vec::new();
    }
    match (design.mode, &design.units) {
        (Mode::Sobol, _) => sobol(y, k, key),
        (Mode::Morris, Some(units)) => morris(units, y, k, key),
        (Mode::Random | Mode::Lhs, _) if y.len() > k + 3 => prcc(x, y),
        _ => Vec::new(),
    }
}

/// One row of `sensitivity.csv`: an index of one parameter for one output.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The variant, or `variant − baseline` for a paired difference.
    pub target: String,
    /// The metric.
    pub metric: String,
    /// The index.
    pub index: Index,
}

/// Every index of a sensitivity sweep: for each compared metric (the objective included), of
/// each variant's mean per point and of each non-baseline variant's paired difference with
/// its baseline at the same point. Empty without a design.
pub fn study<'a>(
    exp: &super::Experiment,
    values: &dyn Fn(usize, &str) -> &'a [Option<f64>],
) -> Vec<Row> {
    let Some(design) = &exp.design else {
        return Vec::new();
    };
    let mut metrics = exp.compare.metrics.clone();
    if !metrics.contains(&exp.compare.objective) {
        metrics.push(exp.compare.objective.clone());
    }
    let mean = |a: usize, m: &str| {
        let v: Vec<f64> = values(a, m).iter().flatten().copied().collect();
        if v.is_empty() {
            f64::NAN
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let number = |v: &toml::Value| v.as_float().or_else(|| v.as_integer().map(|i| i as f64));
    let mut rows = Vec::new();
    for (vi, variant) in exp.variants.iter().enumerate() {
        let arms: Vec<usize> = (0..exp.arms.len())
            .filter(|&a| exp.arms[a].variant == *variant)
            .collect();
        let x: Vec<Vec<f64>> = arms
            .iter()
            .map(|&a| {
                exp.arms[a]
                    .params
                    .iter()
                    .map(|(_, v)| number(v).unwrap_or(f64::NAN))
                    .collect()
            })
            .collect();
        let baselines: Option<Vec<usize>> = arms.iter().map(|&a| exp.baseline_of(a)).collect();
        for (mi, m) in metrics.iter().enumerate() {
            let key = exp.arms[0].loaded.scenario.seed ^ ((vi as u64) << 32 | mi as u64);
            let y: Vec<f64> = arms.iter().map(|&a| mean(a, m)).collect();
            for index in indices(design, &x, &y, key) {
                rows.push(Row {
                    target: variant.clone(),
                    metric: m.clone(),
                    index,
                });
            }
            if let Some(b) = &baselines {
                let d: Vec<f64> = arms
                    .iter()
                    .zip(b)
                    .map(|(&a, &b)| mean(a, m) - mean(b, m))
                    .collect();
                let base = &exp.arms[b[0]].variant;
                for index in indices(design, &x, &d, key ^ 1 << 63) {
                    rows.push(Row {
                        target: format!("{variant} − {base}"),
                        metric: m.clone(),
                        index,
                    });
                }
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Ishigami function (a = 7, b = 0.1) on [−π, π]³: S1 = (0.3139, 0.4424, 0),
    /// ST = (0.5576, 0.4424, 0.2437) analytically; the estimates' bootstrap intervals cover
    /// them (N = 20,000 rows).
    #[test]
    fn sobol_reproduces_the_ishigami_indices() {
        let (a, b) = (7.0, 0.1);
        let f = |u: &[f64]| {
            let x: Vec<f64> = u
                .iter()
                .map(|t| -std::f64::consts::PI + 2.0 * std::f64::consts::PI * t)
                .collect();
            x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
        };
        let n = 20_000;
        let k = 3;
        let mut rng = Draws::new(99, 0).stream(Stream::SweepPoint);
        let mut draw = || -> Vec<Vec<f64>> {
            (0..n)
                .map(|_| (0..k).map(|_| rng.random::<f64>()).collect())
                .collect()
        };
        let (ma, mb) = (draw(), draw());
        let mut y: Vec<f64> = ma.iter().chain(&mb).map(|u| f(u)).collect();
        for i in 0..k {
            for (ra, rb) in ma.iter().zip(&mb) {
                let mut row = ra.clone();
                row[i] = rb[i];
                y.push(f(&row));
            }
        }
        let pi4 = std::f64::consts::PI.powi(4);
        let v1 = 0.5 * (1.0 + b * pi4 / 5.0).powi(2);
        let v2 = a * a / 8.0;
        let v13 = b * b * pi4 * pi4 * (1.0 / 18.0 - 1.0 / 50.0);
        let v = v1 + v2 + v13;
        let truth = [
            ("S1", [v1 / v, v2 / v, 0.0]),
            ("ST", [(v1 + v13) / v, v2 / v, v13 / v]),
        ];
        let got = sobol(&y, k, 5);
        for (name, values) in truth {
            for (i, &t) in values.iter().enumerate() {
                let e = got.iter().find(|x| x.param == i && x.name == name).unwrap();
                let (lo, hi) = e.interval.unwrap();
                assert!(
                    lo <= t && t <= hi,
                    "{name}[{i}] = {} [{lo}, {hi}] vs {t}",
                    e.value
                );
                assert!(
                    (e.value - t).abs() < 0.03,
                    "{name}[{i}] = {} vs {t}",
                    e.value
                );
            }
        }
    }

    #[test]
    fn morris_recovers_the_slopes_of_a_linear_model() {
        // y = 3·x0 − 1·x1 + 0·x2 on a 4-level grid: EE = (3, −1, 0) on every trajectory.
        let (k, r) = (3, 6);
        let step = 4.0 / 6.0;
        let mut units = Vec::new();
        for t in 0..r {
            let mut x = vec![(t % 2) as f64 / 3.0; k];
            units.push(x.clone());
            for i in 0..k {
                x[(i + t) % k] += step;
                units.push(x.clone());
            }
        }
        let y: Vec<f64> = units.iter().map(|u| 3.0 * u[0] - u[1]).collect();
        let got = morris(&units, &y, k, 1);
        let get = |i, name| {
            got.iter()
                .find(|x| x.param == i && x.name == name)
                .unwrap()
                .value
        };
        assert!((get(0, "mu_star") - 3.0).abs() < 1e-9);
        assert!((get(1, "mu") + 1.0).abs() < 1e-9);
        assert!(get(2, "mu_star").abs() < 1e-12 && get(0, "sigma").abs() < 1e-9);
    }

    #[test]
    fn prcc_separates_a_monotone_driver_from_noise() {
        let mut rng = Draws::new(3, 0).stream(Stream::SweepPoint);
        let x: Vec<Vec<f64>> = (0..200)
            .map(|_| (0..3).map(|_| rng.random::<f64>()).collect())
            .collect();
        // y rises with x0 (strongly, non-linearly), falls with x1, ignores x2.
        let y: Vec<f64> = x.iter().map(|r| r[0].powi(3) * 10.0 - r[1]).collect();
        let got = prcc(&x, &y);
        assert!(got[0].value > 0.9, "{:?}", got[0]);
        assert!(got[1].value < -0.5, "{:?}", got[1]);
        let (lo, hi) = got[2].interval.unwrap();
        assert!(lo < 0.0 && hi > 0.0, "{:?}", got[2]);
    }
}
