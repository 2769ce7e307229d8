//! Statistics across replicates, always reduced sequentially in replicate order so that the
//! floating-point result does not depend on the thread count.

/// Summary of one metric over replicates: the row of `summary.csv`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Replicates where the metric is defined.
    pub n: usize,
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation (n − 1); NaN (no value) with one replicate, as are `se` and
    /// the interval.
    pub sd: f64,
    /// Standard error of the mean.
    pub se: f64,
    /// Lower end of the 95% confidence interval of the mean (Student t).
    pub ci95_low: f64,
    /// Upper end of the 95% confidence interval of the mean.
    pub ci95_high: f64,
    /// 5th percentile.
    pub p05: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
}

impl Summary {
    /// Summarises the defined values; `None` if there are none.
    pub fn of(values: impl IntoIterator<Item = Option<f64>>) -> Option<Self> {
        let mut xs: Vec<f64> = values.into_iter().flatten().collect();
        let n = xs.len();
        if n == 0 {
            return None;
        }
        let mean = xs.iter().sum::<f64>() / n as f64;
        // One replicate says nothing about spread: no sd, se or interval (NaN, written empty).
        let sd = if n > 1 {
            (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
        } else {
            f64::NAN
        };
        let se = sd / (n as f64).sqrt();
        let half = if n > 1 { t_975(n - 1) * se } else { f64::NAN };
        xs.sort_by(f64::total_cmp);
        Some(Summary {
            n,
            mean,
            sd,
            se,
            ci95_low: mean - half,
            ci95_high: mean + half,
            p05: quantile(&xs, 0.05),
            p50: quantile(&xs, 0.5),
            p95: quantile(&xs, 0.95),
        })
    }
}

/// Quantile of sorted values with linear interpolation (type 7, as numpy and R default).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// `P(T ≤ t)` for Student's t with `df` degrees of freedom, by the regularized incomplete beta
/// function: `1 − I_{df/(df+t²)}(df/2, 1/2) / 2` for `t ≥ 0`.
pub fn t_cdf(t: f64, df: usize) -> f64 {
    if t.is_nan() || df == 0 {
        return f64::NAN;
    }
    let v = df as f64;
    let tail = 0.5 * incomplete_beta(v / 2.0, 0.5, v / (v + t * t));
    if t >= 0.0 { 1.0 - tail } else { tail }
}

/// The regularized incomplete beta function `I_x(a, b)` (Numerical Recipes' continued fraction,
/// relative accuracy about 1e-12).
fn incomplete_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front =
        (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(a, b, x) / a
    } else {
        1.0 - front * beta_fraction(b, a, 1.0 - x) / b
    }
}

/// The continued fraction of the incomplete beta function (modified Lentz).
fn beta_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..300 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        d = if d.abs() < TINY { TINY } else { d };
        c = 1.0 + aa / c;
        c = if c.abs() < TINY { TINY } else { c };
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        d = if d.abs() < TINY { TINY } else { d };
        c = 1.0 + aa / c;
        c = if c.abs() < TINY { TINY } else { c };
        d = 1.0 / d;
        let delta = d * c;
        h *= delta;
        if (delta - 1.0).abs() < 1e-14 {
            break;
        }
    }
    h
}

/// `ln Γ(x)` for `x > 0` (Lanczos, g = 7, 9 terms; relative error below 1e-13).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x) Γ(1 − x) = π / sin(πx).
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = G[0];
    for (i, g) in G.iter().enumerate().skip(1) {
        sum += g / (x + i as f64);
    }
    let t = x + 7.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// The 97.5% quantile of Student's t with `df` degrees of freedom: exact table for df ≤ 30,
/// Cornish–Fisher expansion (Abramowitz & Stegun 26.7.5) beyond, where its error is < 1e-5.
pub fn t_975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706_204_736,
        4.302_652_730,
        3.182_446_305,
        2.776_445_105,
        2.570_581_836,
        2.446_911_851,
        2.364_624_252,
        2.306_004_135,
        2.262_157_163,
        2.228_138_852,
        2.200_985_160,
        2.178_812_830,
        2.160_368_656,
        2.144_786_688,
        2.131_449_546,
        2.119_905_299,
        2.109_815_578,
        2.100_922_040,
        2.093_024_054,
        2.085_963_447,
        2.079_613_845,
        2.073_873_068,
        2.068_657_610,
        2.063_898_562,
        2.059_538_553,
        2.055_529_439,
        2.051_830_516,
        2.048_407_142,
        2.045_229_642,
        2.042_272_456,
    ];
    if df == 0 {
        return f64::INFINITY;
    }
    if df <= TABLE.len() {
        return TABLE[df - 1];
    }
    let z: f64 = 1.959_963_984_540_054;
    let v = df as f64;
    let (z3, z5, z7, z9) = (z.powi(3), z.powi(5), z.powi(7), z.powi(9));
    z + (z3 + z) / (4.0 * v)
        + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * v * v)
        + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * v.powi(3))
        + (79.0 * z9 + 776.0 * z7 + 1482.0 * z5 - 1920.0 * z3 - 945.0 * z) / (92_160.0 * v.powi(4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_cdf_matches_known_values() {
        // Closed forms: df 1 = 1/2 + atan(t)/π; df 2 = 1/2 + t/(2√(2+t²)); df 3 = 1/2 +
        // (u/(1+u²) + atan u)/π with u = t/√3; df 10 from the tabled quantile.
        for (t, df, p) in [
            (0.0, 3, 0.5),
            (1.0, 1, 0.75),
            (2.0, 3, 0.930_337_015_720_578_5),
            (-2.0, 3, 0.069_662_984_279_421_5),
            (2.228_138_851_986_27, 10, 0.975),
            (5.0, 2, 0.981_125_224_324_688),
        ] {
            assert!(
                (t_cdf(t, df) - p).abs() < 1e-9,
                "t {t}, df {df}: {}",
                t_cdf(t, df)
            );
        }
        // It is the inverse of the tabled quantile.
        for df in [1, 2, 5, 29, 31, 200] {
            assert!((t_cdf(t_975(df), df) - 0.975).abs() < 2e-5, "df {df}");
        }
    }

    #[test]
    fn one_replicate_has_no_spread_or_interval() {
        let s = Summary::of([Some(253.0)]).unwrap();
        assert_eq!(s.mean, 253.0);
        assert!(s.sd.is_nan() && s.ci95_low.is_nan() && s.ci95_high.is_nan());
    }

    #[test]
    fn t_quantiles_match_tables() {
        // scipy.stats.t.ppf(0.975, df)
        for (df, t) in [
            (5, 2.570_581_836),
            (10, 2.228_138_852),
            (30, 2.042_272_456),
            (100, 1.983_971_519),
            (1000, 1.962_339_081),
        ] {
            assert!((t_975(df) - t).abs() < 2e-5, "df {df}: {}", t_975(df));
        }
    }

    #[test]
    fn summary_of_known_values() {
        let s = Summary::of(
            [1.0, 2.0, 3.0, 4.0, 5.0]
                .map(Some)
                .into_iter()
                .chain([None]),
        )
        .unwrap();
        assert_eq!(s.n, 5);
        assert!((s.mean - 3.0).abs() < 1e-12);
        assert!((s.sd - 2.5f64.sqrt()).abs() < 1e-12);
        assert!((s.p50 - 3.0).abs() < 1e-12);
        assert!((s.p05 - 1.2).abs() < 1e-12);
        assert!((s.p95 - 4.8).abs() < 1e-12);
        assert!((s.ci95_high - (3.0 + 2.776_445_105 * s.se)).abs() < 1e-9);
        assert!(Summary::of([None]).is_none());
    }
}
