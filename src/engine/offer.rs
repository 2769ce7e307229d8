//! Offers: the price a member would pay on one order after every discount a running mechanism
//! gives, and booking those discounts when the order is placed. The engine knows no discount:
//! it asks every mechanism ([`crate::mechanism::Mechanism::discount`]), in registry order, each
//! taking its cents off what is left of the price. The purchase rule sees the offer through the
//! price term `(π / list)^(−ε)`.

use super::Replicate;
use crate::mechanism::hooks;
use crate::model::Channel;
use crate::model::ledger::Scheme;

/// An order being priced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfferQuery {
    /// Who would buy.
    pub member: u32,
    /// The channel of the exposure (for a repurchase: the acquisition channel).
    pub channel: Channel,
    /// Through a friend's share or invite.
    pub invited: bool,
    /// At the group price of a team.
    pub team: bool,
    /// The member has never bought: this would be their first order.
    pub first: bool,
}

/// The discounts of one order, by cost line.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Offer {
    /// Cents off by each cost line ([`Scheme`] order).
    pub by_scheme: [i64; Scheme::ALL.len()],
    /// The coupon schedule redeemed (1-based), 0 = none.
    pub coupon: u16,
    /// Points redeemed.
    pub points_used: f64,
    /// The group-buy discount is already paid for by the team's reservation.
    pub reserved: bool,
    /// Cents of the list price not yet discounted.
    left: i64,
}

impl Offer {
    /// An offer at the list price `list_cents`, before any discount.
    pub fn at_list(list_cents: i64) -> Self {
        Self {
            left: list_cents,
            ..Self::default()
        }
    }

    /// Cents off in all.
    pub fn total(&self) -> i64 {
        self.by_scheme.iter().sum()
    }

    /// Cents of the price still to pay after the discounts given so far.
    pub fn left(&self) -> i64 {
        self.left
    }

    /// Takes `cents` (at most what is left of the price, at least 0) off on `line`.
    pub fn give(&mut self, line: Scheme, cents: i64) {
        let cents = cents.clamp(0, self.left);
        self.by_scheme[line as usize] += cents;
        self.left -= cents;
    }
}

impl Replicate<'_> {
    /// The offer `member` gets today on an order through `channel` (`invited`: through a friend's
    /// share or invite; `team`: at the group price of a team).
    pub(crate) fn offer(&self, member: u32, channel: Channel, invited: bool, team: bool) -> Offer {
        if !self.prices {
            return Offer::default();
        }
        let mut o = Offer::at_list(self.world.scenario.product.list_price_cents);
        let q = OfferQuery {
            member,
            channel,
            invited,
            team,
            first: !self.world.flags.is_customer(member),
        };
        hooks::discount(self, &q, &mut o);
        o
    }

    /// Books the discounts of `offer` on today's order by `member`: every mechanism spends its
    /// budget and redeems what it gave. Returns the cents off in all.
    pub(super) fn book_offer(&mut self, member: u32, offer: &Offer) -> i64 {
        hooks::book(self, member, offer)
    }
}
