//! Share rewards and rebates (分享有礼 / 分享返利): a reward per share (within a daily cap over
//! all members) and a rebate of a percentage of the paid price of every first order a share
//! brings. Both lift the share decision.

use serde::{Deserialize, Serialize};

use super::{Budget, Init, Mechanism};
use crate::engine::{Order, Replicate};
use crate::model::ledger::Scheme;
use crate::scenario::Scenario;
use crate::scenario::schema::defaults;
use crate::scenario::validate::Problems;

/// `[share_reward]` (分享有礼 / 分享返利): a reward per share and/or a rebate on the first orders a
/// share brings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareReward {
    /// Paid to the sharer for each share.
    #[serde(default)]
    pub reward_per_share_cents: i64,
    /// Rewarded shares per day over all members (0 = no cap).
    #[serde(default)]
    pub daily_cap: u32,
    /// Percent of the paid price of a first order a share brings, paid to the sharer.
    #[serde(default)]
    pub rebate_pct: f64,
    /// Money for rewards and rebates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_cents: Option<i64>,
    /// First day the scheme runs.
    #[serde(default = "defaults::one_u32")]
    pub start_day: u32,
    /// Last day the scheme runs (default: the last day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_day: Option<u32>,
}

super::window::scheme_window!(ShareReward);

/// The scheme in one replicate: its budget and today's rewarded shares.
pub struct State {
    budget: Budget,
    rewarded_today: u32,
}

impl State {
    /// The scheme's config, if it runs today (inside its window, budget not exhausted).
    fn today<'s>(&self, r: &Replicate<'s>) -> Option<&'s ShareReward> {
        self.budget
            .running(r.world.scenario.share_reward.as_ref(), r.world.day)
    }
}

impl Mechanism for State {
    const COST_LINE: Option<Scheme> = Some(Scheme::ShareReward);

    fn budget_cents(s: &Scenario) -> Option<i64> {
        s.share_reward.as_ref()?.budget_cents
    }

    fn budget_out(&self) -> bool {
        self.budget.exhausted()
    }

    fn build(init: &Init<'_>) -> Option<Self> {
        let cfg = init.scenario.share_reward.as_ref()?;
        Some(State {
            budget: Budget::new(cfg.budget_cents),
            rewarded_today: 0,
        })
    }

    fn check(s: &Scenario, p: &mut Problems) {
        if let Some(r) = &s.share_reward {
            p.cents(
                "share_reward.reward_per_share_cents",
                r.reward_per_share_cents,
            );
            p.pct("share_reward.rebate_pct", r.rebate_pct);
            p.window("share_reward", r);
        }
    }

    fn lint(s: &Scenario, w: &mut Problems) {
        if let Some(r) = &s.share_reward {
            w.percent_like_fraction("share_reward.rebate_pct", r.rebate_pct);
        }
    }

    fn start_day(&mut self) {
        self.rewarded_today = 0;
    }

    fn expected_share_reward(&self, r: &Replicate<'_>, _member: u32) -> f64 {
        self.today(r).map_or(0.0, |cfg| {
            let list = r.world.list_price() as f64;
            cfg.reward_per_share_cents as f64 + list * cfg.rebate_pct / 100.0
        })
    }

    fn on_share(r: &mut Replicate<'_>, _sharer: u32) {
        let st = r.state::<Self>();
        let Some(cfg) = st.today(r) else {
            return;
        };
        if cfg.reward_per_share_cents > 0
            && (cfg.daily_cap == 0 || st.rewarded_today < cfg.daily_cap)
        {
            let cents = cfg.reward_per_share_cents;
            let st = r.state_mut::<Self>();
            if st.budget.spend(cents) {
                st.rewarded_today += 1;
                r.world
                    .row
                    .ledger
                    .book_incentive(Scheme::ShareReward, cents);
            }
        }
    }

    fn on_order(r: &mut Replicate<'_>, order: &Order) {
        if !(order.first && order.referred) {
            return;
        }
        if let Some(cfg) = r.state::<Self>().today(r)
            && cfg.rebate_pct > 0.0
        {
            let cents = (order.paid as f64 * cfg.rebate_pct / 100.0).floor() as i64;
            if cents > 0 && r.state_mut::<Self>().budget.spend(cents) {
                r.world
                    .row
                    .ledger
                    .book_incentive(Scheme::ShareReward, cents);
            }
        }
    }
}
