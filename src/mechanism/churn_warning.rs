//! Churn early warning and intervention (流失预警): every `every_days` the operator scores every
//! active or silent customer and contacts the `target_share` with the highest risk score. The
//! score sees the model's own churn: a customer is *due* when their pending churn candidate falls
//! within `lead_days` (the sources' LSTM warned 72 h ahead). A customer not due scores a
//! uniform U; one due scores U^((1 − auc) / auc), the maximum of auc / (1 − auc) uniforms, so
//! that a due customer outscores one not due with probability exactly `auc` (0.5 = a random
//! list, 1 = perfect). Each contact costs `contact_cents`; a contacted customer takes the offer
//! with `p_success`, which costs `offer_cents` and keeps them: their pending churn is cancelled
//! and drawn again from `protect_days` later. A contact who was not due gains nothing from the
//! offer but is paid for. The question it answers: at this warning quality and offer cost, does
//! it pay?

use serde::{Deserialize, Serialize};

use super::{Budget, Init, Mechanism};
use crate::engine::Replicate;
use crate::model::Stage;
use crate::model::ledger::Scheme;
use crate::rng::Stream;
use crate::scenario::Scenario;
use crate::scenario::schema::defaults;
use crate::scenario::validate::Problems;

fn three() -> u32 {
    3
}
fn weekly() -> u32 {
    7
}
fn thirty() -> u32 {
    30
}

/// `[churn_warning]` (流失预警): a risk score of chosen quality, contacts and a retention offer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChurnWarning {
    /// Quality of the risk score: the probability that a customer due to churn outscores one
    /// who is not (0.5 = random, 1 = perfect).
    pub auc: f64,
    /// Days ahead the warning looks (a customer is due if their churn would come within them).
    #[serde(default = "three")]
    pub lead_days: u32,
    /// Share of active and silent customers contacted at each check.
    pub target_share: f64,
    /// Days between checks.
    #[serde(default = "weekly")]
    pub every_days: u32,
    /// Probability that a contacted customer takes the offer.
    pub p_success: f64,
    /// Days a customer who took the offer is kept before churn may come again.
    #[serde(default = "thirty")]
    pub protect_days: u32,
    /// Cost of one contact.
    #[serde(default)]
    pub contact_cents: i64,
    /// Cost of one offer taken.
    #[serde(default)]
    pub offer_cents: i64,
    /// Money for contacts and offers; a contact it cannot pay stops the warnings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_cents: Option<i64>,
    /// First check day.
    #[serde(default = "defaults::one_u32")]
    pub start_day: u32,
    /// Last check day (default: the last day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_day: Option<u32>,
}

super::window::scheme_window!(ChurnWarning);

/// The score of a customer with uniform draw `u`: `u` if not due, `u^((1 − auc)/auc)` if due.
pub fn risk_score(u: f64, due: bool, auc: f64) -> f64 {
    if !due {
        u
    } else if auc >= 1.0 {
        2.0 // above every score of a customer not due
    } else {
        u.powf((1.0 - auc) / auc)
    }
}

/// The budget.
pub struct State {
    budget: Budget,
}

impl State {
    /// Calendar: today's check, if today is a check day.
    fn check(r: &mut Replicate<'_>) {
        let day = r.world.day;
        let Some(cfg) = r
            .state::<Self>()
            .budget
            .running(r.world.scenario.churn_warning.as_ref(), day)
        else {
            return;
        };
        if !(day - cfg.start_day).is_multiple_of(cfg.every_days) {
            return;
        }
        let due = r.churn_candidates(day, day + cfg.lead_days - 1);
        let score_key = r.world.draws.day(Stream::WarningScore, day);
        let mut scored: Vec<(f64, u32, bool)> = r
            .customers()
            .iter()
            .map(|c| c.member)
            .filter(|&m| matches!(r.world.stage(m), Stage::Active | Stage::Silent))
            .map(|m| {
                let is_due = due.binary_search(&m).is_ok();
                (risk_score(score_key.unit(m, 0), is_due, cfg.auc), m, is_due)
            })
            .collect();
        let contacts = (scored.len() as f64 * cfg.target_share).ceil() as usize;
        scored.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let take = r.world.draws.day(Stream::WarningSuccess, day);
        for &(_, m, is_due) in scored.iter().take(contacts) {
            let st = r.state_mut::<Self>();
            if !st.budget.spend(cfg.contact_cents) {
                return;
            }
            let row = r.world.row_mut();
            row.ledger
                .book_incentive(Scheme::ChurnWarning, cfg.contact_cents);
            row.churn_warnings += 1;
            row.churn_warnings_due += u32::from(is_due);
            if !take.chance(cfg.p_success, m, 0) {
                continue;
            }
            if !r.state_mut::<Self>().budget.spend(cfg.offer_cents) {
                return;
            }
            let row = r.world.row_mut();
            row.ledger
                .book_incentive(Scheme::ChurnWarning, cfg.offer_cents);
            row.churn_offers_taken += 1;
            if is_due {
                r.hold_churn(m, day + cfg.protect_days);
            }
        }
    }
}

impl Mechanism for State {
    const COST_LINE: Option<Scheme> = Some(Scheme::ChurnWarning);

    fn build(init: &Init<'_>) -> Option<Self> {
        let c = init.scenario.churn_warning.as_ref()?;
        Some(State {
            budget: Budget::new(c.budget_cents),
        })
    }

    fn check(s: &Scenario, p: &mut Problems) {
        let Some(c) = &s.churn_warning else {
            return;
        };
        if !(c.auc >= 0.5 && c.auc <= 1.0) {
            p.add(
                "churn_warning.auc",
                format!(
                    "{} is out of range; allowed: [0.5, 1] (0.5 = random, 1 = perfect)",
                    c.auc
                ),
            );
        }
        p.range_u("churn_warning.lead_days", c.lead_days.into(), 1, 365);
        p.prob("churn_warning.target_share", c.target_share);
        p.range_u("churn_warning.every_days", c.every_days.into(), 1, 365);
        p.prob("churn_warning.p_success", c.p_success);
        p.range_u(
            "churn_warning.protect_days",
            c.protect_days.into(),
            1,
            100_000,
        );
        p.cents("churn_warning.contact_cents", c.contact_cents);
        p.cents("churn_warning.offer_cents", c.offer_cents);
        p.window("churn_warning", c);
    }

    fn lint(s: &Scenario, w: &mut Problems) {
        if let Some(c) = &s.churn_warning {
            if s.churn.base <= 0.0 && s.churn.fatigue_weight <= 0.0 {
                w.add(
                    "churn_warning",
                    "nobody ever churns ([churn] base and fatigue_weight are 0): there is nothing to warn of"
                        .into(),
                );
            }
            w.budget_below(
                "churn_warning.budget_cents",
                c.budget_cents,
                c.contact_cents.max(1),
                "contact",
            );
        }
    }

    fn budget_cents(s: &Scenario) -> Option<i64> {
        s.churn_warning.as_ref().and_then(|c| c.budget_cents)
    }

    fn budget_out(&self) -> bool {
        self.budget.exhausted()
    }

    fn calendar(r: &mut Replicate<'_>) {
        Self::check(r);
    }
}

#[cfg(test)]
mod tests {
    use super::risk_score;

    #[test]
    fn a_due_customer_outscores_one_not_due_with_probability_auc() {
        // P(U^a > V) = 1/(1 + a) with a = (1 − auc)/auc, i.e. auc; checked on a fine grid.
        for auc in [0.5, 0.7, 0.9] {
            let n = 400;
            let mut wins = 0.0;
            for i in 0..n {
                for j in 0..n {
                    let (u, v) = ((i as f64 + 0.5) / n as f64, (j as f64 + 0.5) / n as f64);
                    wins += f64::from(u8::from(
                        risk_score(u, true, auc) > risk_score(v, false, auc),
                    ));
                }
            }
            let got = wins / (n * n) as f64;
            assert!((got - auc).abs() < 0.005, "auc {auc}: {got}");
        }
        assert!(risk_score(0.01, true, 1.0) > risk_score(0.999, false, 1.0));
    }
}
