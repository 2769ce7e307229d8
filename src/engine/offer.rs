//! Offers: the price a member would pay on one order, after every discount a running scheme
//! gives (invitee discount, group price, coupon, tier discount, points), and booking those
//! discounts when the order is placed. The purchase rule sees the offer through the price term
//! `(π / list)^(−ε)`.

use super::Replicate;
use crate::model::Channel;
use crate::model::schemes::group_buy::group_discount;
use crate::model::schemes::{Scheme, points};
use crate::scenario::SchemeWindow;

/// The discounts of one order, by scheme.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Offer {
    /// Cents off by each scheme ([`Scheme`] order).
    pub by_scheme: [i64; Scheme::ALL.len()],
    /// The coupon schedule redeemed (1-based), 0 = none.
    pub coupon: u16,
    /// Points redeemed.
    pub points_used: f64,
    /// The group-buy discount is already paid for by the team's reservation.
    pub reserved: bool,
}

impl Offer {
    /// Cents off in all.
    pub fn total(&self) -> i64 {
        self.by_scheme.iter().sum()
    }
}

impl Replicate<'_> {
    /// The offer `member` gets today on an order through `channel` (`invited`: through a friend's
    /// share or invite; `team`: at the group price of a team).
    pub(super) fn offer(&self, member: u32, channel: Channel, invited: bool, team: bool) -> Offer {
        let mut o = Offer::default();
        if !self.schemes.prices {
            return o;
        }
        let list = self.scenario.product.list_price_cents;
        let mut left = list;
        let give = |o: &mut Offer, left: &mut i64, scheme: Scheme, cents: i64| {
            let cents = cents.clamp(0, *left);
            o.by_scheme[scheme as usize] += cents;
            *left -= cents;
        };
        let first = !self.flags.is_customer(member);
        if first && invited && channel == Channel::Friend {
            give(&mut o, &mut left, Scheme::Referral, self.invite_discount());
        }
        if team && let Some(g) = &self.scenario.group_buy {
            give(
                &mut o,
                &mut left,
                Scheme::GroupBuy,
                group_discount(list, g.discount_pct),
            );
        }
        if let Some((cents, j)) = self.coupon_value(member, left) {
            give(&mut o, &mut left, Scheme::Coupon, cents);
            o.coupon = j;
        }
        if let (Some(cfg), Some(c)) = (&self.scenario.points, self.customer(member)) {
            let tier = points::tier_of(&cfg.tiers, c.lifetime_points);
            if let Some(t) = points::benefits(&cfg.tiers, tier) {
                give(
                    &mut o,
                    &mut left,
                    Scheme::Points,
                    (list as f64 * t.discount_pct / 100.0).floor() as i64,
                );
            }
            let (cents, used) = points::redemption(cfg, c.points, left);
            give(&mut o, &mut left, Scheme::Points, cents);
            o.points_used = used;
        }
        o
    }

    /// The price term `(π / list)^(−ε)` of `member` for an order `discount` cents off list
    /// (π is at least one cent, so a free order is the most attractive price, not a division by 0).
    #[inline]
    pub(super) fn price_factor(&self, member: u32, discount: i64) -> f64 {
        if discount == 0 {
            return 1.0;
        }
        let list = self.scenario.product.list_price_cents as f64;
        ((list - discount as f64).max(1.0) / list)
            .powf(-self.population.price_elasticity.of(member))
    }

    /// Books the discounts of `offer` on today's order by `member`: spends each scheme's budget,
    /// redeems the coupon and the points. Returns the cents off in all.
    pub(super) fn book_offer(&mut self, member: u32, offer: &Offer) -> i64 {
        let mut total = 0;
        for scheme in Scheme::ALL {
            let cents = offer.by_scheme[scheme as usize];
            if cents == 0 {
                continue;
            }
            let paid = match scheme {
                Scheme::GroupBuy if offer.reserved => true,
                Scheme::Coupon => {
                    let j = usize::from(offer.coupon) - 1;
                    self.schemes.coupon_of[member as usize] = 0;
                    self.schemes.coupon_budgets[j].spend(cents)
                }
                Scheme::Points | Scheme::Koc => true,
                _ => self.schemes.budgets[scheme as usize].spend(cents),
            };
            if paid {
                self.row.ledger.book_discount(scheme, cents);
                total += cents;
            }
        }
        if offer.points_used > 0.0 {
            let c = self.customer_of[member as usize] as usize;
            self.customers[c].points -= offer.points_used;
        }
        total
    }

    /// Is `scheme` (configured as `cfg`) running today with budget left?
    pub(super) fn scheme_runs(&self, scheme: Scheme, cfg: &dyn SchemeWindow) -> bool {
        cfg.runs_on(self.day) && !self.schemes.budgets[scheme as usize].exhausted()
    }
}
