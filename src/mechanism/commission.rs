//! Multi-level commission (分销 / 佣金): every order while the scheme runs pays
//! `level_rates_pct[l]` percent of the paid price (rounded down to whole cents) to the `l + 1`-th
//! member up the buyer's referrer chain, as far as the chain and the rates go, after
//! `payout_delay_days`. Paying more levels than `[compliance]` allows is refused unless the
//! scenario opts in, and then flagged in every output. The first level's commission on one order
//! lifts the share decision.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::{Budget, Init, Mechanism};
use crate::engine::{Order, Replicate};
use crate::model::ledger::Scheme;
use crate::model::member::NONE;
use crate::scenario::Scenario;
use crate::scenario::schema::defaults;
use crate::scenario::validate::Problems;

/// `[commission]` (分销 / 佣金): every order of a referred customer pays commission up the
/// referrer chain, `level_rates_pct[0]` to the referrer, `[1]` to the referrer's referrer, ….
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Commission {
    /// Percent of the paid price per level above the buyer.
    pub level_rates_pct: Vec<f64>,
    /// Days from the order to the payout (payouts falling after the horizon are not booked).
    #[serde(default)]
    pub payout_delay_days: u32,
    /// Money for commissions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_cents: Option<i64>,
    /// First day orders earn commission.
    #[serde(default = "defaults::one_u32")]
    pub start_day: u32,
    /// Last day orders earn commission (default: the last day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_day: Option<u32>,
}

super::window::scheme_window!(Commission);

/// Commission in one replicate: the budget and the payouts not yet due.
pub struct State {
    budget: Budget,
    /// `(day due, member, cents)`, in day order.
    payouts: VecDeque<(u32, u32, i64)>,
}

impl State {
    /// The scheme's config, if it runs today (inside its window, budget not exhausted).
    fn today<'s>(&self, r: &Replicate<'s>) -> Option<&'s Commission> {
        self.budget
            .running(r.world.scenario.commission.as_ref(), r.world.day)
    }

    /// Books the payouts due by today, as far as the budget goes.
    fn pay_due(r: &mut Replicate<'_>) {
        let day = r.world.day;
        loop {
            let st = r.state_mut::<Self>();
            let Some(&(due, _, cents)) = st.payouts.front() else {
                break;
            };
            if due > day {
                break;
            }
            st.payouts.pop_front();
            if st.budget.spend(cents) {
                r.world.row.ledger.book_incentive(Scheme::Commission, cents);
            }
        }
    }
}

impl Mechanism for State {
    const COST_LINE: Option<Scheme> = Some(Scheme::Commission);

    fn budget_cents(s: &Scenario) -> Option<i64> {
        s.commission.as_ref()?.budget_cents
    }

    fn budget_out(&self) -> bool {
        self.budget.exhausted()
    }

    fn build(init: &Init<'_>) -> Option<Self> {
        let cfg = init.scenario.commission.as_ref()?;
        Some(State {
            budget: Budget::new(cfg.budget_cents),
            payouts: VecDeque::new(),
        })
    }

    fn check(s: &Scenario, p: &mut Problems) {
        let Some(c) = &s.commission else {
            return;
        };
        if c.level_rates_pct.is_empty() || c.level_rates_pct.len() > 10 {
            p.add(
                "commission.level_rates_pct",
                "needs 1 to 10 levels, e.g. [10.0, 5.0]".into(),
            );
        }
        for (i, &r) in c.level_rates_pct.iter().enumerate() {
            p.pct(&format!("commission.level_rates_pct[{i}]"), r);
        }
        let max = s.compliance.max_commission_levels as usize;
        let paid = c.level_rates_pct.iter().filter(|&&r| r > 0.0).count();
        if paid > max && !s.compliance.allow_noncompliant {
            p.add(
                "commission.level_rates_pct",
                format!(
                    "pays {paid} levels above the buyer, beyond the compliance line of {max} \
                     (multi-level distribution beyond it is illegal pyramid selling in China); \
                     remove levels, or set compliance.allow_noncompliant = true to simulate it \
                     with every output flagged"
                ),
            );
        }
        p.window("commission", c);
    }

    fn lint(s: &Scenario, w: &mut Problems) {
        if let Some(c) = &s.commission {
            for (i, &r) in c.level_rates_pct.iter().enumerate() {
                w.percent_like_fraction(&format!("commission.level_rates_pct[{i}]"), r);
            }
        }
    }

    fn settle(r: &mut Replicate<'_>) {
        Self::pay_due(r);
    }

    fn expected_share_reward(&self, r: &Replicate<'_>, _member: u32) -> f64 {
        self.today(r).map_or(0.0, |cfg| {
            let list = r.world.list_price() as f64;
            list * cfg.level_rates_pct.first().copied().unwrap_or(0.0) / 100.0
        })
    }

    fn on_order(r: &mut Replicate<'_>, order: &Order) {
        let Some(cfg) = r.state::<Self>().today(r) else {
            return;
        };
        let due = r.world.day + cfg.payout_delay_days;
        let w = &r.world;
        let chain = payouts(order.buyer, order.paid, &cfg.level_rates_pct, |m| {
            w.customer(m).map(|c| c.referrer).filter(|&up| up != NONE)
        });
        let st = r.state_mut::<Self>();
        for (member, cents) in chain.into_iter().filter(|&(_, c)| c > 0) {
            st.payouts.push_back((due, member, cents));
        }
        Self::pay_due(r);
    }
}

/// The payouts of one order: `(member, cents)` for each level up the chain; `referrer_of` gives a
/// member's referrer (or `None` at the top of the chain).
pub fn payouts(
    buyer: u32,
    paid_cents: i64,
    rates_pct: &[f64],
    mut referrer_of: impl FnMut(u32) -> Option<u32>,
) -> Vec<(u32, i64)> {
    let mut out = Vec::with_capacity(rates_pct.len());
    let mut current = buyer;
    for &rate in rates_pct {
        let Some(up) = referrer_of(current) else {
            break;
        };
        out.push((up, (paid_cents as f64 * rate / 100.0).floor() as i64));
        current = up;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pays_exactly_the_level_rates_up_the_chain() {
        // 4 → 3 → 2 → 1 (1 has no referrer).
        let referrer = |m: u32| (m > 1).then(|| m - 1);
        assert_eq!(
            payouts(4, 10_000, &[10.0, 5.0], referrer),
            vec![(3, 1_000), (2, 500)]
        );
        assert_eq!(
            payouts(4, 999, &[10.0, 5.0, 2.5, 1.0], referrer),
            vec![(3, 99), (2, 49), (1, 24)],
            "the chain ends at member 1"
        );
        assert!(payouts(1, 10_000, &[10.0], referrer).is_empty());
    }
}
