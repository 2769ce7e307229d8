//! Check-ins (打卡): every `period_days` from `start_day` (a weekly theme by default) each
//! customer who is still in the private domain checks in with `p_participate`. A check-in is an
//! interaction; consecutive check-ins build a streak, and the `streak_length`-th in a row pays
//! `streak_reward_cents` (from the budget) and starts the streak again. A customer who checked
//! in at the latest check-in is spared `churn_cut` of the base churn hazard until the next one.
//! The sources report interaction rate +35% from a weekly theme check-in `[source]`, a figure
//! to check the scenario against rather than an input.

use serde::{Deserialize, Serialize};

use super::{Budget, Init, Mechanism};
use crate::engine::Replicate;
use crate::model::ledger::Scheme;
use crate::model::member::NONE;
use crate::rng::Stream;
use crate::scenario::Scenario;
use crate::scenario::schema::defaults;
use crate::scenario::validate::Problems;

fn weekly() -> u32 {
    7
}
fn four() -> u32 {
    4
}

/// `[checkin]` (打卡): a periodic task with streak rewards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkin {
    /// Days between check-ins.
    #[serde(default = "weekly")]
    pub period_days: u32,
    /// Probability that a customer checks in.
    pub p_participate: f64,
    /// Check-ins in a row that earn the streak reward.
    #[serde(default = "four")]
    pub streak_length: u32,
    /// Cash reward for a full streak.
    #[serde(default)]
    pub streak_reward_cents: i64,
    /// Share of the base churn hazard spared after a check-in, until the next check-in day.
    #[serde(default)]
    pub churn_cut: f64,
    /// Money for streak rewards; a reward it cannot pay stops the scheme.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_cents: Option<i64>,
    /// First check-in day.
    #[serde(default = "defaults::one_u32")]
    pub start_day: u32,
    /// Last day a check-in may fall on (default: the last day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_day: Option<u32>,
}

super::window::scheme_window!(Checkin);

/// The budget, and per member the latest check-in they made and their streak.
pub struct State {
    budget: Budget,
    /// Number of the latest check-in day each member checked in on (`NONE`: never).
    last: Vec<u32>,
    streak: Vec<u32>,
    /// Number of the latest check-in day so far (`NONE`: none yet).
    latest: u32,
}

impl State {
    /// Calendar: today's check-in, if today is a check-in day.
    fn check_in(r: &mut Replicate<'_>) {
        let day = r.world.day;
        let st = r.state::<Self>();
        let Some(cfg) = st.budget.running(r.world.scenario.checkin.as_ref(), day) else {
            return;
        };
        let since = day - cfg.start_day;
        if !since.is_multiple_of(cfg.period_days) {
            return;
        }
        let k = since / cfg.period_days;
        let (p, length, reward) = (
            cfg.p_participate,
            cfg.streak_length,
            cfg.streak_reward_cents,
        );
        r.state_mut::<Self>().latest = k;
        let join = r.world.draws.day(Stream::CheckinJoin, day);
        let members: Vec<u32> = r.world.private_domain().collect();
        for m in members {
            if !join.chance(p, m, k) {
                continue;
            }
            r.world.row_mut().checkins += 1;
            r.interact(m);
            let st = r.state_mut::<Self>();
            let i = m as usize;
            st.streak[i] = if k > 0 && st.last[i] == k - 1 {
                st.streak[i] + 1
            } else {
                1
            };
            st.last[i] = k;
            if st.streak[i] >= length {
                st.streak[i] = 0;
                if reward > 0 && st.budget.spend(reward) {
                    r.world
                        .row_mut()
                        .ledger
                        .book_incentive(Scheme::Checkin, reward);
                }
            }
        }
    }
}

impl Mechanism for State {
    const COST_LINE: Option<Scheme> = Some(Scheme::Checkin);

    fn build(init: &Init<'_>) -> Option<Self> {
        let c = init.scenario.checkin.as_ref()?;
        let n = init.members as usize;
        Some(State {
            budget: Budget::new(c.budget_cents),
            last: vec![NONE; n],
            streak: vec![0; n],
            latest: NONE,
        })
    }

    fn check(s: &Scenario, p: &mut Problems) {
        let Some(c) = &s.checkin else {
            return;
        };
        p.range_u("checkin.period_days", c.period_days.into(), 1, 365);
        p.prob("checkin.p_participate", c.p_participate);
        p.range_u("checkin.streak_length", c.streak_length.into(), 1, 1000);
        p.cents("checkin.streak_reward_cents", c.streak_reward_cents);
        p.prob("checkin.churn_cut", c.churn_cut);
        p.window("checkin", c);
    }

    fn lint(s: &Scenario, w: &mut Problems) {
        if let Some(c) = &s.checkin {
            w.budget_below(
                "checkin.budget_cents",
                c.budget_cents,
                c.streak_reward_cents.max(1),
                "streak reward",
            );
        }
    }

    fn budget_cents(s: &Scenario) -> Option<i64> {
        s.checkin.as_ref().and_then(|c| c.budget_cents)
    }

    fn budget_out(&self) -> bool {
        self.budget.exhausted()
    }

    fn calendar(r: &mut Replicate<'_>) {
        Self::check_in(r);
    }

    fn churn_protection(&self, r: &Replicate<'_>, member: u32) -> f64 {
        let cut = r
            .world
            .scenario
            .checkin
            .as_ref()
            .map_or(0.0, |c| c.churn_cut);
        if cut > 0.0 && self.latest != NONE && self.last[member as usize] == self.latest {
            r.world.scenario.churn.base * cut
        } else {
            0.0
        }
    }

    /// A missed check-in ends the protection.
    fn lasting_churn_protection(&self, _r: &Replicate<'_>, _member: u32) -> f64 {
        0.0
    }
}
