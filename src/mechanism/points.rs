//! Points and membership tiers (积分 / 会员等级): customers earn points for money paid and for
//! shares; a customer's tier is the highest tier whose threshold their lifetime points reach, and
//! brings a discount on every order, a share multiplier and churn protection; a balance at or
//! above `redeem_min_points` is redeemed whole on the next order, worth `redeem_cents_per_point`
//! each, up to the price.

use serde::{Deserialize, Serialize};

use super::{Init, Mechanism, Slot, percent_of};
use crate::engine::{Offer, OfferQuery, Order, Replicate};
use crate::model::Channel;
use crate::model::ledger::Scheme;
use crate::scenario::Scenario;
use crate::scenario::schema::defaults;
use crate::scenario::validate::Problems;

/// `[points]` (积分 / 会员等级): customers earn points for money paid and for shares; points are
/// redeemed on orders; lifetime points place them in tiers with benefits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Points {
    /// Points per cent paid.
    #[serde(default)]
    pub per_cent: f64,
    /// Points per share.
    #[serde(default)]
    pub per_share: f64,
    /// Value of one point when redeemed, in cents (0 = points are not redeemable).
    #[serde(default)]
    pub redeem_cents_per_point: f64,
    /// A customer redeems their whole balance on an order once it reaches this many points.
    #[serde(default)]
    pub redeem_min_points: f64,
    /// `[[points.tiers]]`, by ascending threshold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<Tier>,
}

/// One membership tier; a customer is in the highest tier whose threshold their lifetime points reach.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// Tier name, used in outputs.
    pub name: String,
    /// Lifetime points needed.
    pub threshold: f64,
    /// Percent off every order.
    #[serde(default)]
    pub discount_pct: f64,
    /// Subtracted from the daily churn hazard.
    #[serde(default)]
    pub churn_protect: f64,
    /// Multiplier on the probability of sharing.
    #[serde(default = "defaults::one")]
    pub share_multiplier: f64,
}

/// Points in one replicate: every customer's balance and lifetime points, by customer index.
pub struct State {
    balance: Vec<f64>,
    lifetime: Vec<f64>,
    /// Customers in a tier now (tiers are never lost).
    tiered: u32,
}

/// The scenario's points table (the hooks run only when it is there).
fn config<'s>(r: &Replicate<'s>) -> &'s Points {
    r.world.scenario.points.as_ref().expect("points configured")
}

/// The membership tier (1-based, 0 = none) of `member` today; 0 without a points scheme.
pub fn tier(r: &Replicate<'_>, member: u32) -> usize {
    match (State::get(r.mechanisms()), &r.world.scenario.points) {
        (Some(st), Some(cfg)) => tier_of(&cfg.tiers, st.lifetime_of(r, member)),
        _ => 0,
    }
}

impl State {
    /// Lifetime points of `member` (0 for a member who never bought).
    fn lifetime_of(&self, r: &Replicate<'_>, member: u32) -> f64 {
        r.world
            .customer_index(member)
            .and_then(|c| self.lifetime.get(c).copied())
            .unwrap_or(0.0)
    }

    /// The tier record `member` is in today, if any.
    fn benefits_of<'s>(&self, r: &Replicate<'s>, member: u32) -> Option<&'s Tier> {
        let cfg = config(r);
        benefits(&cfg.tiers, tier_of(&cfg.tiers, self.lifetime_of(r, member)))
    }

    /// Adds `points` to customer `c`'s balance and lifetime points (`tiers`: the ladder).
    fn earn(&mut self, c: usize, points: f64, tiers: &[Tier]) {
        if self.balance.len() <= c {
            self.balance.resize(c + 1, 0.0);
            self.lifetime.resize(c + 1, 0.0);
        }
        let was = tier_of(tiers, self.lifetime[c]);
        self.balance[c] += points;
        self.lifetime[c] += points;
        if was == 0 && tier_of(tiers, self.lifetime[c]) > 0 {
            self.tiered += 1;
        }
    }
}

impl Mechanism for State {
    fn build(init: &Init<'_>) -> Option<Self> {
        init.scenario.points.as_ref()?;
        Some(State {
            balance: Vec::new(),
            lifetime: Vec::new(),
            tiered: 0,
        })
    }

    fn check(s: &Scenario, p: &mut Problems) {
        let Some(pt) = &s.points else {
            return;
        };
        p.non_negative("points.per_cent", pt.per_cent);
        p.non_negative("points.per_share", pt.per_share);
        p.non_negative("points.redeem_cents_per_point", pt.redeem_cents_per_point);
        p.non_negative("points.redeem_min_points", pt.redeem_min_points);
        check_tiers("points.tiers", &pt.tiers, p);
    }

    /// The best tier's discount, plus the whole price when points are redeemable.
    fn discount_bound(s: &Scenario, _channel: Channel) -> Option<i64> {
        let p = s.points.as_ref()?;
        let list = s.product.list_price_cents;
        let tier = p
            .tiers
            .iter()
            .map(|t| percent_of(list, t.discount_pct))
            .max()
            .unwrap_or(0);
        Some(
            tier + if p.redeem_cents_per_point > 0.0 {
                list
            } else {
                0
            },
        )
    }

    fn discount(&self, r: &Replicate<'_>, q: &OfferQuery, offer: &mut Offer) {
        let Some(c) = r.world.customer_index(q.member) else {
            return;
        };
        if let Some(t) = self.benefits_of(r, q.member) {
            offer.give(
                Scheme::Points,
                percent_of(r.world.list_price(), t.discount_pct),
            );
        }
        let balance = self.balance.get(c).copied().unwrap_or(0.0);
        let (cents, used) = redemption(config(r), balance, offer.left());
        offer.give(Scheme::Points, cents);
        offer.points_used = used;
    }

    fn book(r: &mut Replicate<'_>, member: u32, offer: &Offer) -> i64 {
        let cents = offer.by_scheme[Scheme::Points as usize];
        if cents != 0 {
            r.world.row.ledger.book_discount(Scheme::Points, cents);
        }
        if offer.points_used > 0.0 {
            let c = r
                .world
                .customer_index(member)
                .expect("points are redeemed by customers");
            r.state_mut::<Self>().balance[c] -= offer.points_used;
        }
        cents
    }

    fn on_order(r: &mut Replicate<'_>, order: &Order) {
        let earned = order.paid as f64 * config(r).per_cent;
        let c = r
            .world
            .customer_index(order.buyer)
            .expect("the buyer is a customer");
        if tier(r, order.buyer) > 0 {
            r.world.row_mut().tier_orders += 1;
        }
        let tiers = &config(r).tiers;
        r.state_mut::<Self>().earn(c, earned, tiers);
    }

    fn share_multiplier(&self, r: &Replicate<'_>, member: u32) -> f64 {
        self.benefits_of(r, member)
            .map_or(1.0, |t| t.share_multiplier)
    }

    fn on_share(r: &mut Replicate<'_>, sharer: u32) {
        let per_share = config(r).per_share;
        if let Some(c) = r.world.customer_index(sharer) {
            let tiers = &config(r).tiers;
            r.state_mut::<Self>().earn(c, per_share, tiers);
        }
    }

    fn churn_protection(&self, r: &Replicate<'_>, member: u32) -> f64 {
        self.benefits_of(r, member).map_or(0.0, |t| t.churn_protect)
    }

    fn end_day(r: &mut Replicate<'_>) {
        if !config(r).tiers.is_empty() {
            let tiered = r.state::<Self>().tiered;
            r.world.row_mut().tier_members = tiered;
        }
    }
}

/// Range checks of a tier list under `key` (`points.tiers`, `contribution.tiers`).
pub fn check_tiers(key: &str, tiers: &[Tier], p: &mut Problems) {
    for (i, t) in tiers.iter().enumerate() {
        let key = format!("{key}[{i}]");
        p.non_negative(&format!("{key}.threshold"), t.threshold);
        if i > 0 && t.threshold <= tiers[i - 1].threshold {
            p.add(
                &format!("{key}.threshold"),
                "tiers must be listed by strictly ascending threshold".into(),
            );
        }
        p.pct(&format!("{key}.discount_pct"), t.discount_pct);
        p.prob(&format!("{key}.churn_protect"), t.churn_protect);
        p.non_negative(&format!("{key}.share_multiplier"), t.share_multiplier);
    }
}

/// The tier (1-based position in `tiers`) of a customer with `lifetime` points, or 0 for none.
pub fn tier_of(tiers: &[Tier], lifetime: f64) -> usize {
    tiers.iter().take_while(|t| lifetime >= t.threshold).count()
}

/// The tier record of tier number `tier` (1-based), if any.
pub fn benefits(tiers: &[Tier], tier: usize) -> Option<&Tier> {
    tier.checked_sub(1).and_then(|i| tiers.get(i))
}

/// Cents a `balance` redeems on an order of `price_cents`, and the points it uses.
pub fn redemption(cfg: &Points, balance: f64, price_cents: i64) -> (i64, f64) {
    if cfg.redeem_cents_per_point <= 0.0 || balance <= 0.0 || balance < cfg.redeem_min_points {
        return (0, 0.0);
    }
    let cents = ((balance * cfg.redeem_cents_per_point).floor() as i64).min(price_cents);
    (cents, cents as f64 / cfg.redeem_cents_per_point)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tier(name: &str, threshold: f64) -> Tier {
        Tier {
            name: name.into(),
            threshold,
            discount_pct: 0.0,
            churn_protect: 0.0,
            share_multiplier: 1.0,
        }
    }

    #[test]
    fn tier_is_the_highest_threshold_reached() {
        let tiers = [tier("silver", 100.0), tier("gold", 500.0)];
        assert_eq!(tier_of(&tiers, 0.0), 0);
        assert_eq!(tier_of(&tiers, 99.9), 0);
        assert_eq!(tier_of(&tiers, 100.0), 1);
        assert_eq!(tier_of(&tiers, 10_000.0), 2);
        assert_eq!(benefits(&tiers, 2).unwrap().name, "gold");
        assert!(benefits(&tiers, 0).is_none());
    }

    #[test]
    fn redemption_needs_the_minimum_and_stops_at_the_price() {
        let cfg = Points {
            per_cent: 0.01,
            per_share: 0.0,
            redeem_cents_per_point: 2.0,
            redeem_min_points: 100.0,
            tiers: Vec::new(),
        };
        assert_eq!(redemption(&cfg, 99.0, 10_000), (0, 0.0));
        assert_eq!(redemption(&cfg, 150.0, 10_000), (300, 150.0));
        assert_eq!(redemption(&cfg, 10_000.0, 5_000), (5_000, 2_500.0));
    }
}
