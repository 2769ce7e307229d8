//! Why an arm differs from its baseline: its paired Δnet decomposed into the terms of net
//! profit ([`catalog::NET_TERMS`]), its Δcustomers by acquisition channel, and every arm's risk
//! figures ([`catalog::RISK`]) over its replicates.

use crate::metrics::catalog::{self, CUSTOMERS_BY_CHANNEL, NET, ROI};
use crate::metrics::stats::{quantile, t_975};
use crate::model::Channel;

/// One row of `explain.csv`: a term's paired contribution to an arm's difference.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// The arm.
    pub arm: usize,
    /// Its baseline arm.
    pub baseline: usize,
    /// `net` (a term of net profit, or `net_cents` itself) or `customers` (a channel).
    pub part: &'static str,
    /// The `runs.csv` metric.
    pub metric: String,
    /// Its sign in net profit (`+1` or `−1`; `+1` for `net_cents` and for customers).
    pub sign: i64,
    /// Paired replicates.
    pub n: usize,
    /// Σ over the paired replicates of `sign × (variant − baseline)`.
    pub total: f64,
    /// `total / n`.
    pub mean: f64,
    /// 95% interval of the mean (Student t on the per-replicate contributions).
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

/// The paired contributions `sign × (v − b)` over replicates where both are defined, as a
/// [`Term`]; `None` with fewer than two pairs.
fn term(
    (arm, baseline): (usize, usize),
    part: &'static str,
    metric: &str,
    sign: i64,
    variant: &[Option<f64>],
    base: &[Option<f64>],
) -> Option<Term> {
    let d: Vec<f64> = variant
        .iter()
        .zip(base)
        // `+ 0.0` writes a contribution of nothing as 0, not −0.
        .filter_map(|(v, b)| Some(sign as f64 * ((*v)? - (*b)?) + 0.0))
        .collect();
    let n = d.len();
    if n < 2 {
        return None;
    }
    let total: f64 = d.iter().sum();
    let mean = total / n as f64;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let half = t_975(n - 1) * (var / n as f64).sqrt() + 0.0;
    Some(Term {
        arm,
        baseline,
        part,
        metric: metric.to_string(),
        sign,
        n,
        total,
        mean,
        low: mean - half,
        high: mean + half,
    })
}

/// Every non-baseline arm's decomposition: the net terms, `net_cents`, then the channels
/// where either arm won customers. `values(arm, metric)` gives the per-replicate values;
/// `baseline_of(arm)` the arm it is compared with.
pub fn explain<'a>(
    arms: usize,
    baseline_of: &dyn Fn(usize) -> Option<usize>,
    values: &dyn Fn(usize, &str) -> &'a [Option<f64>],
) -> Vec<Term> {
    let mut rows = Vec::new();
    for arm in 0..arms {
        let Some(b) = baseline_of(arm) else {
            continue;
        };
        let pair = (arm, b);
        for (metric, sign, _) in catalog::NET_TERMS {
            let name = metric.name;
            rows.extend(term(
                pair,
                "net",
                name,
                sign,
                values(arm, name),
                values(b, name),
            ));
        }
        rows.extend(term(
            pair,
            "net",
            NET.name,
            1,
            values(arm, NET.name),
            values(b, NET.name),
        ));
        for ch in Channel::ALL {
            let name = CUSTOMERS_BY_CHANNEL.key(ch.name());
            let (v, w) = (values(arm, &name), values(b, &name));
            let any = |x: &[Option<f64>]| x.iter().any(|y| y.is_some_and(|y| y != 0.0));
            if any(v) || any(w) {
                rows.extend(term(pair, "customers", &name, 1, v, w));
            }
        }
    }
    rows
}

/// One arm's risk figures ([`catalog::RISK`], in that order).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Risk {
    /// Replicates with a net profit.
    pub n: usize,
    /// Share of replicates with a loss.
    pub p_net_negative: f64,
    /// Mean of `max(0, −net)`.
    pub expected_loss: f64,
    /// 5th percentile of net.
    pub net_p05: f64,
    /// Share of the replicates with a defined ROI whose ROI is below the target (`None` if
    /// none has one).
    pub p_roi_below: Option<f64>,
}

/// The risk figures of an arm with per-replicate `net` and `roi` values, against `roi_target`;
/// `None` without any replicate.
pub fn risk(net: &[Option<f64>], roi: &[Option<f64>], roi_target: f64) -> Option<Risk> {
    let mut nets: Vec<f64> = net.iter().flatten().copied().collect();
    let n = nets.len();
    if n == 0 {
        return None;
    }
    let losses = nets.iter().filter(|&&x| x < 0.0).count();
    let expected_loss = nets.iter().map(|&x| (-x).max(0.0)).sum::<f64>() / n as f64;
    nets.sort_by(f64::total_cmp);
    let rois: Vec<f64> = roi.iter().flatten().copied().collect();
    let p_roi_below = (!rois.is_empty())
        .then(|| rois.iter().filter(|&&x| x < roi_target).count() as f64 / rois.len() as f64);
    Some(Risk {
        n,
        p_net_negative: losses as f64 / n as f64,
        expected_loss,
        net_p05: quantile(&nets, 0.05),
        p_roi_below,
    })
}

/// The metrics [`risk`] reads.
pub const RISK_INPUTS: [&str; 2] = [NET.name, ROI.name];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_add_up_to_the_net_difference_and_channels_show_where_customers_came_from() {
        // Two arms, three replicates; net = list − discount − cogs − ad − kol − touch − cash.
        let row = |list: f64, discount: f64, cogs: f64, ad: f64, cash: f64, friend: f64| {
            let net = list - discount - cogs - ad - cash;
            vec![
                ("list_cents", list),
                ("discount_cents", discount),
                ("cogs_cents", cogs),
                ("ad_cents", ad),
                ("kol_cents", 0.0),
                ("touch_cents", 0.0),
                ("incentive_cents", cash),
                ("net_cents", net),
                ("customers_friend", friend),
                ("customers_ad", 0.0),
            ]
        };
        let base = [
            row(1000.0, 0.0, 400.0, 100.0, 0.0, 3.0),
            row(1100.0, 0.0, 440.0, 100.0, 0.0, 4.0),
            row(900.0, 0.0, 360.0, 100.0, 0.0, 2.0),
        ];
        let variant = [
            row(1500.0, 120.0, 600.0, 100.0, 37.0, 6.0),
            row(1400.0, 110.0, 560.0, 100.0, 41.0, 5.0),
            row(1700.0, 150.0, 680.0, 100.0, 29.0, 9.0),
        ];
        let columns: Vec<Vec<(String, Vec<Option<f64>>)>> = [&base, &variant]
            .iter()
            .map(|arm| {
                arm[0]
                    .iter()
                    .map(|(k, _)| {
                        let v = arm
                            .iter()
                            .map(|r| r.iter().find(|(m, _)| m == k).map(|x| x.1))
                            .collect();
                        (k.to_string(), v)
                    })
                    .collect()
            })
            .collect();
        let empty: Vec<Option<f64>> = vec![None; 3];
        let values = |a: usize, m: &str| -> &[Option<f64>] {
            columns[a]
                .iter()
                .find(|(k, _)| k == m)
                .map_or(&empty[..], |(_, v)| &v[..])
        };
        let rows = explain(2, &|a| (a == 1).then_some(0), &values);
        let net: Vec<&Term> = rows.iter().filter(|t| t.part == "net").collect();
        let terms: f64 = net[..7].iter().map(|t| t.total).sum();
        assert_eq!(net[7].metric, "net_cents");
        assert_eq!(terms, net[7].total);
        assert_eq!(net[0].total, 1600.0); // Δ list
        assert_eq!(net[1].total, -380.0); // − Δ discounts
        // Only the friend channel won customers: +11 over three replicates.
        let ch: Vec<&Term> = rows.iter().filter(|t| t.part == "customers").collect();
        assert_eq!(ch.len(), 1);
        assert_eq!(
            (ch[0].metric.as_str(), ch[0].total),
            ("customers_friend", 11.0)
        );
    }

    #[test]
    fn risk_is_likelihood_and_impact_of_a_loss() {
        let net = [Some(-300.0), Some(100.0), Some(-100.0), Some(500.0), None];
        let roi = [Some(-0.5), Some(0.2), Some(-0.1), Some(1.5), None];
        let r = risk(&net, &roi, 1.0).unwrap();
        assert_eq!(r.n, 4);
        assert_eq!(r.p_net_negative, 0.5);
        assert_eq!(r.expected_loss, 100.0); // (300 + 100) / 4
        assert_eq!(r.p_roi_below, Some(0.75));
        assert!((r.net_p05 - (-270.0)).abs() < 1e-9, "{}", r.net_p05);
        assert!(risk(&[None], &[None], 1.0).is_none());
    }
}
