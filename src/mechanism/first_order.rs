//! The new-user offer (新人首单): a member's first order, on any channel, is `discount_pct` off
//! or `discount_cents` off (whichever is set), within the day window and while the budget
//! lasts. It is booked on the `first_order` cost line; an order the budget cannot pay is at
//! the list price and stops the offer.

use serde::{Deserialize, Serialize};

use super::{Budget, Init, Mechanism, percent_of};
use crate::engine::{Offer, OfferQuery, Replicate};
use crate::model::Channel;
use crate::model::ledger::Scheme;
use crate::scenario::Scenario;
use crate::scenario::schema::defaults;
use crate::scenario::validate::Problems;

/// `[first_order]` (新人首单): a discount on every member's first order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FirstOrder {
    /// Percent off the list price (0 = use `discount_cents`).
    #[serde(default)]
    pub discount_pct: f64,
    /// Cents off the list price (0 = use `discount_pct`).
    #[serde(default)]
    pub discount_cents: i64,
    /// Money for the offer; the first order it cannot pay stops it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_cents: Option<i64>,
    /// First day of the offer.
    #[serde(default = "defaults::one_u32")]
    pub start_day: u32,
    /// Last day of the offer (default: the last day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_day: Option<u32>,
}

super::window::scheme_window!(FirstOrder);

impl FirstOrder {
    /// Cents off a first order at list price `list`.
    fn cents(&self, list: i64) -> i64 {
        (percent_of(list, self.discount_pct) + self.discount_cents).min(list)
    }
}

/// The offer's budget.
pub struct State {
    budget: Budget,
}

impl Mechanism for State {
    const COST_LINE: Option<Scheme> = Some(Scheme::FirstOrder);

    fn build(init: &Init<'_>) -> Option<Self> {
        let f = init.scenario.first_order.as_ref()?;
        Some(State {
            budget: Budget::new(f.budget_cents),
        })
    }

    fn check(s: &Scenario, p: &mut Problems) {
        let Some(f) = &s.first_order else {
            return;
        };
        p.pct("first_order.discount_pct", f.discount_pct);
        p.cents("first_order.discount_cents", f.discount_cents);
        if (f.discount_pct > 0.0) == (f.discount_cents > 0) {
            p.add(
                "first_order",
                "set exactly one of discount_pct (percent off) and discount_cents (cents off)"
                    .into(),
            );
        }
        p.window("first_order", f);
    }

    fn lint(s: &Scenario, w: &mut Problems) {
        if let Some(f) = &s.first_order {
            w.percent_like_fraction("first_order.discount_pct", f.discount_pct);
            w.budget_below(
                "first_order.budget_cents",
                f.budget_cents,
                f.cents(s.product.list_price_cents).max(1),
                "first order",
            );
        }
    }

    fn budget_cents(s: &Scenario) -> Option<i64> {
        s.first_order.as_ref().and_then(|f| f.budget_cents)
    }

    fn budget_out(&self) -> bool {
        self.budget.exhausted()
    }

    fn discount_bound(s: &Scenario, _channel: Channel) -> Option<i64> {
        let f = s.first_order.as_ref()?;
        Some(f.cents(s.product.list_price_cents)).filter(|&c| c > 0)
    }

    fn discount(&self, r: &Replicate<'_>, q: &OfferQuery, offer: &mut Offer) {
        if !q.first {
            return;
        }
        if let Some(f) = self
            .budget
            .running(r.world.scenario.first_order.as_ref(), r.world.day)
        {
            offer.give(Scheme::FirstOrder, f.cents(r.world.list_price()));
        }
    }

    fn book(r: &mut Replicate<'_>, _member: u32, offer: &Offer) -> i64 {
        let cents = offer.by_scheme[Scheme::FirstOrder as usize];
        if cents == 0 || !r.state_mut::<Self>().budget.spend(cents) {
            return 0;
        }
        r.world
            .row_mut()
            .ledger
            .book_discount(Scheme::FirstOrder, cents);
        cents
    }
}
