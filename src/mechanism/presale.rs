//! Presale (预售): from `start_day` to `end_day` an order on one of the presale's `channels`
//! (the community groups' promotional posts by default: an in-group presale) is a pre-order at
//! `discount_pct` off, paid on the day it is placed and delivered on `delivery_day`. Delivery
//! is what the buyer's next need counts from, so a pre-order brings no repurchase before the
//! goods arrive. The presale discount is booked on the `presale` cost line and paid from the
//! budget; an order it cannot pay is at the list price and delivered at once.

use serde::{Deserialize, Serialize};

use super::{Budget, Init, Mechanism, percent_of};
use crate::engine::{Offer, OfferQuery, Order, Replicate};
use crate::model::Channel;
use crate::model::ledger::Scheme;
use crate::model::member::NONE;
use crate::scenario::Scenario;
use crate::scenario::schema::defaults;
use crate::scenario::validate::Problems;

fn in_groups() -> Vec<Channel> {
    vec![Channel::Group]
}

/// `[presale]` (预售): pre-orders at a presale price over a window, delivered later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Presale {
    /// Percent off the list price for a pre-order.
    pub discount_pct: f64,
    /// Channels whose orders are pre-orders (default: `["group"]`, an in-group presale).
    #[serde(default = "in_groups")]
    pub channels: Vec<Channel>,
    /// The day pre-orders are delivered (at or after `end_day`).
    pub delivery_day: u32,
    /// Money for the presale discount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_cents: Option<i64>,
    /// First day of the presale.
    #[serde(default = "defaults::one_u32")]
    pub start_day: u32,
    /// Last day of the presale.
    pub end_day: u32,
}

impl super::SchemeWindow for Presale {
    fn start_day(&self) -> u32 {
        self.start_day
    }
    fn end_day(&self) -> Option<u32> {
        Some(self.end_day)
    }
    fn budget_cents(&self) -> Option<i64> {
        self.budget_cents
    }
}

/// The presale's budget, and who placed the order just booked at the presale price.
pub struct State {
    budget: Budget,
    /// The buyer of the order being placed if it was booked as a pre-order, else `NONE`.
    booked_for: u32,
}

/// The scenario's presale table (the hooks run only when it is there).
fn config<'s>(r: &Replicate<'s>) -> &'s Presale {
    r.world
        .scenario
        .presale
        .as_ref()
        .expect("presale configured")
}

impl Mechanism for State {
    const COST_LINE: Option<Scheme> = Some(Scheme::Presale);

    fn build(init: &Init<'_>) -> Option<Self> {
        let p = init.scenario.presale.as_ref()?;
        Some(State {
            budget: Budget::new(p.budget_cents),
            booked_for: NONE,
        })
    }

    fn check(s: &Scenario, p: &mut Problems) {
        let Some(ps) = &s.presale else {
            return;
        };
        p.pct("presale.discount_pct", ps.discount_pct);
        p.window("presale", ps);
        if ps.delivery_day < ps.end_day {
            p.add(
                "presale.delivery_day",
                format!(
                    "{} is before the presale ends (end_day = {}); allowed: ≥ end_day",
                    ps.delivery_day, ps.end_day
                ),
            );
        }
        if ps.channels.is_empty() {
            p.add(
                "presale.channels",
                "is empty; name at least one channel, e.g. [\"group\"]".into(),
            );
        }
        if ps.channels.contains(&Channel::Seed) {
            p.add(
                "presale.channels",
                "`seed` orders are placed on day 0, before any presale".into(),
            );
        }
        if let Some(b) = ps.budget_cents {
            p.cents("presale.budget_cents", b);
        }
    }

    fn lint(s: &Scenario, w: &mut Problems) {
        if let Some(ps) = &s.presale {
            w.percent_like_fraction("presale.discount_pct", ps.discount_pct);
            if ps.channels.contains(&Channel::Group) && s.posting_policy.is_none() {
                w.add(
                    "presale.channels",
                    "an in-group presale needs group posts to sell through; add [posting_policy]"
                        .into(),
                );
            }
        }
    }

    fn budget_cents(s: &Scenario) -> Option<i64> {
        s.presale.as_ref().and_then(|p| p.budget_cents)
    }

    fn budget_out(&self) -> bool {
        self.budget.exhausted()
    }

    fn discount_bound(s: &Scenario, channel: Channel) -> Option<i64> {
        let p = s.presale.as_ref()?;
        let off = percent_of(s.product.list_price_cents, p.discount_pct);
        (p.channels.contains(&channel) && off > 0).then_some(off)
    }

    fn discount(&self, r: &Replicate<'_>, q: &OfferQuery, offer: &mut Offer) {
        let Some(p) = self
            .budget
            .running(r.world.scenario.presale.as_ref(), r.world.day)
        else {
            return;
        };
        if p.channels.contains(&q.channel) {
            offer.give(
                Scheme::Presale,
                percent_of(r.world.list_price(), p.discount_pct),
            );
        }
    }

    fn book(r: &mut Replicate<'_>, member: u32, offer: &Offer) -> i64 {
        let cents = offer.by_scheme[Scheme::Presale as usize];
        let st = r.state_mut::<Self>();
        st.booked_for = NONE;
        if cents == 0 || !st.budget.spend(cents) {
            return 0;
        }
        st.booked_for = member;
        let row = r.world.row_mut();
        row.ledger.book_discount(Scheme::Presale, cents);
        row.presale_orders += 1;
        cents
    }

    /// A pre-order arrives on the delivery day.
    fn delivery_day(&self, r: &Replicate<'_>, order: &Order) -> Option<u32> {
        (self.booked_for == order.buyer).then(|| config(r).delivery_day)
    }
}
