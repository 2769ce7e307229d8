//! Coupons (优惠券) in the engine: on each drop day every member in the target gets the coupon
//! (replacing one they hold) as an exposure on the `coupon` channel; a held coupon lowers the
//! price of the holder's orders until it expires or is redeemed. Cost is booked on redemption.

use super::Replicate;
use crate::model::schemes::points;
use crate::model::{Channel, Stage};
use crate::rng::Stream;
use crate::scenario::{CouponTarget, SchemeWindow};

impl Replicate<'_> {
    /// Calendar: today's coupon drops, schedule by schedule.
    pub(super) fn drop_coupons(&mut self) {
        let s = self.scenario;
        let day = self.day;
        for (j, c) in s.coupon.iter().enumerate() {
            let due = c.runs_on(day)
                && day >= c.start_day
                && if c.every_days == 0 {
                    day == c.start_day
                } else {
                    (day - c.start_day).is_multiple_of(c.every_days)
                };
            if !due || self.schemes.coupon_budgets[j].exhausted() {
                continue;
            }
            let key = self
                .draws
                .day(Stream::CouponPurchase { schedule: j as u32 }, day);
            let until = day + c.expiry_days.max(1) - 1;
            for m in 0..self.graph.node_count() {
                if !self.coupon_targets(c.target, m) {
                    continue;
                }
                self.schemes.coupon_of[m as usize] = j as u16 + 1;
                self.schemes.coupon_until[m as usize] = until;
                self.expose(m, Channel::Coupon, crate::model::member::NONE, 1.0, key, 0);
            }
        }
    }

    /// Is `member` in the coupon target today?
    fn coupon_targets(&self, target: CouponTarget, member: u32) -> bool {
        let stage = self.stage(member);
        match target {
            CouponTarget::New => stage == Stage::Aware,
            CouponTarget::All => matches!(stage, Stage::Aware | Stage::Active | Stage::Silent),
            CouponTarget::Silent => stage == Stage::Silent,
            CouponTarget::Tier(n) => {
                matches!(stage, Stage::Active | Stage::Silent)
                    && self.scenario.points.as_ref().is_some_and(|cfg| {
                        let lifetime = self.customer(member).map_or(0.0, |c| c.lifetime_points);
                        points::tier_of(&cfg.tiers, lifetime) >= n as usize
                    })
            }
        }
    }

    /// The value of the coupon `member` holds on an order of `price` cents today (with its
    /// 1-based schedule), if it is valid, meets the minimum spend and its budget can pay it.
    pub(super) fn coupon_value(&self, member: u32, price: i64) -> Option<(i64, u16)> {
        let j = *self.schemes.coupon_of.get(member as usize)?;
        if j == 0 || self.schemes.coupon_until[member as usize] < self.day {
            return None;
        }
        let c = &self.scenario.coupon[usize::from(j) - 1];
        let list = self.scenario.product.list_price_cents;
        if !c.runs_on(self.day) || list < c.min_spend_cents {
            return None;
        }
        let cents = if c.value_cents > 0 {
            c.value_cents
        } else {
            (price as f64 * c.pct / 100.0).floor() as i64
        }
        .min(price);
        (cents > 0 && self.schemes.coupon_budgets[usize::from(j) - 1].can_spend(cents))
            .then_some((cents, j))
    }
}
