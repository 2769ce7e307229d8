//! Points and membership tiers (积分 / 会员等级): a customer's tier is the highest tier whose
//! threshold their lifetime points reach; a balance at or above `redeem_min_points` is redeemed
//! whole on the next order, worth `redeem_cents_per_point` each, up to the price.

use crate::scenario::{Points, Tier};

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
