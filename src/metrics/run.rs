//! Per-replicate KPIs (DESIGN §2.5), computed from the customers and the daily rows.

use crate::engine::Replicate;
use crate::model::member::NONE;
use crate::model::schemes::Scheme;
use crate::model::{Channel, Ledger, Stage};

use super::DayRow;

/// One replicate's KPIs: the row of `runs.csv`. Undefined ratios (nothing to divide by) are `None`.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    /// `(metric, value)` in column order.
    pub values: Vec<(String, Option<f64>)>,
}

impl RunSummary {
    /// The value of `metric` (`None` if undefined or unknown).
    pub fn get(&self, metric: &str) -> Option<f64> {
        self.values
            .iter()
            .find(|(k, _)| k == metric)
            .and_then(|(_, v)| *v)
    }

    /// Computes the KPIs of a finished replicate.
    pub fn of(rep: &Replicate<'_>, rows: &[DayRow]) -> Self {
        let days = rep.scenario().days;
        let customers = rep.customers();
        let n_customers = customers.len() as f64;
        let mut total = Ledger::default();
        for r in rows {
            total.add(&r.ledger);
        }
        // One sequential pass over the customers; referrers are looked up in compact arrays
        // (customers are in order of first purchase, so a referrer's depth is already known).
        let mut by_channel = [0u32; Channel::ALL.len()];
        let mut first_days = Vec::with_capacity(customers.len());
        let mut depth = vec![0u32; customers.len()];
        let (mut referred, mut cycle, mut repeaters) = (0u32, 0.0f64, 0u32);
        let (mut churned, mut lifetime, mut qualified) = (0u32, 0.0f64, 0u32);
        let mut retention_counts = [[0u32; 2]; 2]; // [d7, d30] × [eligible, kept]
        let segments = &rep.scenario().population.segments;
        let mut by_segment = vec![0u32; segments.len()];
        for (i, c) in customers.iter().enumerate() {
            by_channel[c.acquired_via as usize] += 1;
            by_segment[rep.segment_of(c.member)] += 1;
            first_days.push(c.first_day);
            if let Some(r) = (c.referrer != NONE)
                .then(|| rep.customer_index(c.referrer))
                .flatten()
            {
                referred += 1;
                cycle += f64::from(c.first_day - first_days[r]);
                depth[i] = depth[r] + 1;
            }
            repeaters += u32::from(c.orders >= 2);
            qualified += c.qualified_invites;
            if c.churn_day != NONE {
                churned += 1;
                lifetime += f64::from(c.churn_day - c.first_day);
            }
            for (k, d) in [7, 30].into_iter().enumerate() {
                if c.first_day + d <= days {
                    retention_counts[k][0] += 1;
                    retention_counts[k][1] +=
                        u32::from(c.churn_day == NONE || c.churn_day > c.first_day + d);
                }
            }
        }
        let paid_or_seeded: u32 = Channel::ALL
            .iter()
            .filter(|c| c.is_paid_or_seeded())
            .map(|&c| by_channel[c as usize])
            .sum();
        let final_row = rows.last().cloned().unwrap_or_default();
        let final_customers = final_row.customers;
        let days_to_half = rows
            .iter()
            .find(|r| f64::from(r.customers) >= f64::from(final_customers) / 2.0)
            .map(|r| f64::from(r.day));
        let peak = rows
            .iter()
            .skip(1)
            .max_by_key(|r| (r.new_customers_total(), std::cmp::Reverse(r.day)))
            .filter(|r| r.new_customers_total() > 0)
            .map(|r| f64::from(r.day));
        let retention = |k: usize| {
            ratio(
                f64::from(retention_counts[k][1]),
                f64::from(retention_counts[k][0]),
            )
        };
        let acquired = n_customers - f64::from(by_channel[Channel::Seed as usize]);
        let exposures =
            |ch: Channel| rows.iter().map(|r| r.exposures[ch as usize]).sum::<u64>() as f64;
        let some = Some;
        let values = vec![
            ("customers", some(n_customers)),
            (
                "customers_seed",
                some(f64::from(by_channel[Channel::Seed as usize])),
            ),
            (
                "customers_ad",
                some(f64::from(by_channel[Channel::Ad as usize])),
            ),
            (
                "customers_friend",
                some(f64::from(by_channel[Channel::Friend as usize])),
            ),
            (
                "reached",
                some(f64::from(
                    rep.member_count() - final_row.stage(Stage::Unaware),
                )),
            ),
            (
                "final_active",
                some(f64::from(final_row.stage(Stage::Active))),
            ),
            (
                "final_silent",
                some(f64::from(final_row.stage(Stage::Silent))),
            ),
            (
                "final_churned",
                some(f64::from(final_row.stage(Stage::Churned))),
            ),
            ("peak_new_customers_day", peak),
            ("days_to_half", days_to_half),
            ("k_factor", ratio(f64::from(referred), n_customers)),
            (
                "fission_ratio",
                ratio(f64::from(referred), f64::from(paid_or_seeded)),
            ),
            ("viral_cycle_days", ratio(cycle, f64::from(referred))),
            (
                "referral_depth",
                some(f64::from(depth.iter().copied().max().unwrap_or(0))),
            ),
            ("orders", some(total.orders as f64)),
            ("repeat_orders", some(total.repeat_orders as f64)),
            ("repurchase_rate", ratio(f64::from(repeaters), n_customers)),
            ("gmv_cents", some(total.gmv_cents as f64)),
            ("discount_cents", some(total.discount_cents as f64)),
            ("cogs_cents", some(total.cogs_cents as f64)),
            ("margin_cents", some(total.margin_cents() as f64)),
            ("ad_cents", some(total.ad_cents as f64)),
            ("kol_cents", some(total.kol_cents as f64)),
            ("incentive_cents", some(total.incentive_cents as f64)),
            ("qualified_invites", some(f64::from(qualified))),
            ("spend_cents", some(total.spend_cents() as f64)),
            ("net_cents", some(total.net_cents() as f64)),
            (
                "roi",
                ratio(total.net_cents() as f64, total.spend_cents() as f64),
            ),
            ("cac_cents", ratio(total.spend_cents() as f64, acquired)),
            ("ltv_cents", ratio(total.margin_cents() as f64, n_customers)),
            ("retention_d7", retention(0)),
            ("retention_d30", retention(1)),
            ("mean_lifetime_days", ratio(lifetime, f64::from(churned))),
            (
                "shares",
                some(rows.iter().map(|r| f64::from(r.shares)).sum()),
            ),
            ("exposures_ad", some(exposures(Channel::Ad))),
            ("exposures_friend", some(exposures(Channel::Friend))),
        ];
        let mut values: Vec<(String, Option<f64>)> = values
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let at = values
            .iter()
            .position(|(k, _)| k == "incentive_cents")
            .map_or(values.len(), |i| i + 1);
        let by_scheme = Scheme::ALL.iter().map(|&s| {
            let cents = total.incentive_by_scheme[s as usize] as f64;
            (format!("incentive_{}_cents", s.name()), some(cents))
        });
        values.splice(at..at, by_scheme);
        if segments.len() > 1 {
            let mut members = vec![0u32; segments.len()];
            for m in 0..rep.member_count() {
                members[rep.segment_of(m)] += 1;
            }
            for (k, seg) in segments.iter().enumerate() {
                let bought = f64::from(by_segment[k]);
                values.push((format!("customers_seg_{}", seg.name), Some(bought)));
                values.push((
                    format!("conversion_seg_{}", seg.name),
                    ratio(bought, f64::from(members[k])),
                ));
            }
        }
        RunSummary { values }
    }
}

/// `a / b`, or `None` when `b` is 0.
fn ratio(a: f64, b: f64) -> Option<f64> {
    (b != 0.0).then(|| a / b)
}
