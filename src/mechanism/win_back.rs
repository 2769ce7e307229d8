//! Win-back (流失召回): on each campaign day every churned customer who left at least
//! `after_days` ago is contacted with `p_reach` (each contact costs `contact_cents`) and comes
//! back with `p_return`: Active again, with an order at `discount_cents` off on the `coupon`
//! channel (booked on the `win_back` cost line), and churn drawn anew. Its own conversion, not
//! the purchase rule: a churned customer does not read the brand's posts.

use serde::{Deserialize, Serialize};

use super::{Budget, Init, Mechanism};
use crate::engine::{Offer, Replicate};
use crate::model::ledger::Scheme;
use crate::model::member::NONE;
use crate::model::{Channel, Stage};
use crate::rng::Stream;
use crate::scenario::Scenario;
use crate::scenario::schema::defaults;
use crate::scenario::validate::Problems;

/// `[win_back]` (流失召回): campaigns that bring churned customers back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WinBack {
    /// Campaign days.
    pub days: Vec<u32>,
    /// Days since churning before a customer is contacted.
    #[serde(default)]
    pub after_days: u32,
    /// Probability that a churned customer is reached.
    #[serde(default = "defaults::one")]
    pub p_reach: f64,
    /// Probability that a reached customer comes back.
    pub p_return: f64,
    /// Cost of one contact.
    #[serde(default)]
    pub contact_cents: i64,
    /// Cents off the returning order.
    #[serde(default)]
    pub discount_cents: i64,
    /// Money for contacts and discounts; a contact it cannot pay stops the campaigns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_cents: Option<i64>,
}

/// The budget.
pub struct State {
    budget: Budget,
}

impl State {
    /// Calendar: today's campaign, if any.
    fn campaign(r: &mut Replicate<'_>) {
        let day = r.world.day;
        let Some(cfg) = r.world.scenario.win_back.as_ref() else {
            return;
        };
        if !cfg.days.contains(&day) || r.state::<Self>().budget.exhausted() {
            return;
        }
        let churned: Vec<u32> = r
            .customers()
            .iter()
            .filter(|c| c.churn_day != NONE && c.churn_day + cfg.after_days <= day)
            .map(|c| c.member)
            .filter(|&m| r.world.stage(m) == Stage::Churned)
            .collect();
        let reach = r.world.draws.day(Stream::WinBackReach, day);
        let back = r.world.draws.day(Stream::WinBackReturn, day);
        let list = r.world.list_price();
        let discount = cfg.discount_cents.min(list);
        for m in churned {
            if !reach.chance(cfg.p_reach, m, 0) {
                continue;
            }
            if !r.state_mut::<Self>().budget.spend(cfg.contact_cents) {
                return;
            }
            let row = r.world.row_mut();
            row.ledger
                .book_incentive(Scheme::WinBack, cfg.contact_cents);
            row.win_back_contacts += 1;
            if !back.chance(cfg.p_return, m, 0) {
                continue;
            }
            let mut offer = Offer::at_list(list);
            if discount > 0 && r.state::<Self>().budget.can_spend(discount) {
                offer.give(Scheme::WinBack, discount);
            }
            r.world.row_mut().win_backs += 1;
            r.win_back(m, Channel::Coupon, offer);
        }
    }
}

impl Mechanism for State {
    const COST_LINE: Option<Scheme> = Some(Scheme::WinBack);

    fn build(init: &Init<'_>) -> Option<Self> {
        let w = init.scenario.win_back.as_ref()?;
        Some(State {
            budget: Budget::new(w.budget_cents),
        })
    }

    fn check(s: &Scenario, p: &mut Problems) {
        let Some(w) = &s.win_back else {
            return;
        };
        if w.days.is_empty() || w.days.contains(&0) {
            p.add(
                "win_back.days",
                "list at least one campaign day, each ≥ 1 (day 0 is the seeding day)".into(),
            );
        }
        p.prob("win_back.p_reach", w.p_reach);
        p.prob("win_back.p_return", w.p_return);
        p.cents("win_back.contact_cents", w.contact_cents);
        p.cents("win_back.discount_cents", w.discount_cents);
        if let Some(b) = w.budget_cents {
            p.cents("win_back.budget_cents", b);
        }
    }

    fn budget_cents(s: &Scenario) -> Option<i64> {
        s.win_back.as_ref().and_then(|w| w.budget_cents)
    }

    fn budget_out(&self) -> bool {
        self.budget.exhausted()
    }

    fn calendar(r: &mut Replicate<'_>) {
        Self::campaign(r);
    }

    fn book(r: &mut Replicate<'_>, _member: u32, offer: &Offer) -> i64 {
        let cents = offer.by_scheme[Scheme::WinBack as usize];
        if cents == 0 || !r.state_mut::<Self>().budget.spend(cents) {
            return 0;
        }
        r.world
            .row_mut()
            .ledger
            .book_discount(Scheme::WinBack, cents);
        cents
    }
}
