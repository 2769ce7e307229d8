//! Offers: the price a member would pay on one order, after every discount a running scheme
//! gives (invitee discount, group price, coupon, tier discount, points), and booking those
//! discounts when the order is placed. The purchase rule sees the offer through the price term
//! `(π / list)^(−ε)`.

use super::Replicate;
use crate::model::Channel;
use crate::model::schemes::group_buy::group_discount;
use crate::model::schemes::{Scheme, points};
use crate::scenario::{Scenario, SchemeWindow};

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

/// An upper bound on the price term `(π / list)^(−ε)` of any offer in scenario `s` when no
/// member's elasticity exceeds `max_elasticity`: every configured discount stacked, the price at
/// least one cent. Slightly inflated so that rounding never puts a true probability above it.
pub(super) fn price_bound(s: &Scenario, max_elasticity: f64) -> f64 {
    let list = s.product.list_price_cents;
    let pct = |p: f64| (list as f64 * p / 100.0).floor() as i64;
    let mut off = 0;
    if let Some(r) = &s.referral {
        off += r.invitee_discount_cents;
    }
    if let Some(g) = &s.group_buy {
        off += group_discount(list, g.discount_pct);
    }
    off += s
        .coupon
        .iter()
        .map(|c| {
            if c.value_cents > 0 {
                c.value_cents
            } else {
                pct(c.pct)
            }
        })
        .max()
        .unwrap_or(0);
    if let Some(p) = &s.points {
        off += p
            .tiers
            .iter()
            .map(|t| pct(t.discount_pct))
            .max()
            .unwrap_or(0);
        if p.redeem_cents_per_point > 0.0 {
            off += list;
        }
    }
    let lowest = (list - off).max(1) as f64 / list as f64;
    lowest.powf(-max_elasticity) * (1.0 + 1e-9)
}

#[cfg(test)]
mod tests {
    use super::price_bound;
    use crate::scenario::LoadedScenario;

    fn scenario(extra: &str) -> crate::scenario::Scenario {
        let text = format!(
            "name = \"t\"\ndays = 5\n[graph.erdos_renyi]\nn = 50\nmean_degree = 4.0\n\
             [product]\nlist_price_cents = 9900\nunit_cost_cents = 4000\n{extra}"
        );
        LoadedScenario::from_text(&text, std::path::Path::new("t.toml"), &[])
            .unwrap()
            .scenario
    }

    #[test]
    fn price_bound_stacks_every_configured_discount() {
        let s = scenario(
            "[referral]\ninvitee_discount_cents = 1000\n[group_buy]\nteam_size = 2\ndiscount_pct = 25.0\n\
             [[coupon]]\ntarget = \"all\"\nvalue_cents = 1000\n[[coupon]]\ntarget = \"all\"\npct = 5.0\n",
        );
        // 9900 − 1000 − 2475 − 1000 = 5425 at elasticity 2, inflated by 1e-9.
        let expect = (5425.0f64 / 9900.0).powf(-2.0);
        let got = price_bound(&s, 2.0);
        assert!(
            got >= expect && got <= expect * (1.0 + 2e-9),
            "{got} vs {expect}"
        );
        // Redeemable points can make an order free: the price floor is one cent.
        let s = scenario("[points]\nper_cent = 0.01\nredeem_cents_per_point = 1.0\n");
        assert!(price_bound(&s, 1.0) >= 9900.0);
        assert_eq!(price_bound(&scenario(""), 3.0), 1.0 + 1e-9);
    }
}
