//! Coupons (优惠券): on each drop day of a `[[coupon]]` schedule every member in its target gets
//! the coupon (replacing one they hold) as an exposure on the `coupon` channel; a held coupon
//! lowers the price of the holder's orders until it expires or is redeemed. Cost is booked on
//! redemption, against the schedule's own budget.

use serde::{Deserialize, Serialize};

use super::{Budget, Init, Mechanism, SchemeWindow, percent_of};
use crate::engine::{Offer, OfferQuery, Replicate};
use crate::model::ledger::Scheme;
use crate::model::member::NONE;
use crate::model::{Channel, Stage};
use crate::rng::Stream;
use crate::scenario::Scenario;
use crate::scenario::schema::defaults;
use crate::scenario::validate::Problems;

/// Who a coupon drop reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CouponTarget {
    /// Members the brand has reached who never bought.
    New,
    /// Every reachable member: aware non-customers and active or silent customers.
    All,
    /// Silent customers.
    Silent,
    /// Active or silent customers at this membership tier or above (1 = the first tier).
    Tier(u32),
}

impl std::fmt::Display for CouponTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CouponTarget::New => f.write_str("new"),
            CouponTarget::All => f.write_str("all"),
            CouponTarget::Silent => f.write_str("silent"),
            CouponTarget::Tier(n) => write!(f, "tier:{n}"),
        }
    }
}

impl std::str::FromStr for CouponTarget {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "new" => Ok(CouponTarget::New),
            "all" => Ok(CouponTarget::All),
            "silent" => Ok(CouponTarget::Silent),
            _ => s
                .strip_prefix("tier:")
                .and_then(|n| n.parse().ok())
                .filter(|&n| n >= 1)
                .map(CouponTarget::Tier)
                .ok_or_else(|| {
                    format!(
                        "unknown coupon target `{s}`; allowed: new, all, silent, tier:N (N ≥ 1)"
                    )
                }),
        }
    }
}

impl Serialize for CouponTarget {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for CouponTarget {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// One `[[coupon]]` drop schedule (优惠券): coupons reach the target on a schedule, each drop an
/// exposure on the `coupon` channel; a held coupon lowers the price of the holder's next order
/// until it expires. Its cost is booked on redemption only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coupon {
    /// Who receives the drop.
    pub target: CouponTarget,
    /// Face value in cents (give this or `pct`).
    #[serde(default)]
    pub value_cents: i64,
    /// Percent off the price (give this or `value_cents`).
    #[serde(default)]
    pub pct: f64,
    /// The coupon applies only to orders whose list price is at least this.
    #[serde(default)]
    pub min_spend_cents: i64,
    /// Days a coupon stays valid after the drop (the drop day counts as day 1).
    #[serde(default = "default_expiry_days")]
    pub expiry_days: u32,
    /// Days between drops (0 = a single drop on `start_day`).
    #[serde(default)]
    pub every_days: u32,
    /// Money for redemptions; a redemption the budget cannot pay stops the schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_cents: Option<i64>,
    /// Day of the first drop.
    #[serde(default = "defaults::one_u32")]
    pub start_day: u32,
    /// Last day of drops and redemptions (default: the last day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_day: Option<u32>,
}

super::window::scheme_window!(Coupon);

fn default_expiry_days() -> u32 {
    7
}

impl Coupon {
    /// Is `day` a drop day of this schedule?
    fn drops_on(&self, day: u32) -> bool {
        self.runs_on(day)
            && day >= self.start_day
            && if self.every_days == 0 {
                day == self.start_day
            } else {
                (day - self.start_day).is_multiple_of(self.every_days)
            }
    }

    /// The face value on a price of `price_cents`, before the cap at the price.
    fn value_on(&self, price_cents: i64) -> i64 {
        if self.value_cents > 0 {
            self.value_cents
        } else {
            percent_of(price_cents, self.pct)
        }
    }
}

/// Coupons in one replicate: each schedule's budget and the coupon each member holds.
pub struct State {
    budgets: Vec<Budget>,
    /// The coupon schedule (1-based) each member holds, 0 = none.
    held: Vec<u16>,
    /// Last day each held coupon is valid.
    until: Vec<u32>,
}

impl State {
    /// Calendar: today's coupon drops, schedule by schedule.
    fn drop_coupons(r: &mut Replicate<'_>) {
        let s = r.world.scenario;
        let day = r.world.day;
        for (j, c) in s.coupon.iter().enumerate() {
            if !c.drops_on(day) || r.state::<Self>().budgets[j].exhausted() {
                continue;
            }
            let key = r
                .world
                .draws
                .day(Stream::CouponPurchase { schedule: j as u32 }, day);
            let until = day + c.expiry_days.max(1) - 1;
            for m in 0..r.world.member_count() {
                if !Self::targets(r, c.target, m) {
                    continue;
                }
                let st = r.state_mut::<Self>();
                st.held[m as usize] = j as u16 + 1;
                st.until[m as usize] = until;
                r.expose(m, Channel::Coupon, NONE, 1.0, key, 0);
            }
        }
    }

    /// Is `member` in the coupon target today?
    fn targets(r: &Replicate<'_>, target: CouponTarget, member: u32) -> bool {
        let stage = r.world.stage(member);
        match target {
            CouponTarget::New => stage == Stage::Aware,
            CouponTarget::All => matches!(stage, Stage::Aware | Stage::Active | Stage::Silent),
            CouponTarget::Silent => stage == Stage::Silent,
            CouponTarget::Tier(n) => {
                matches!(stage, Stage::Active | Stage::Silent)
                    && super::tier(r, member) >= n as usize
            }
        }
    }

    /// The value of the coupon `member` holds on an order of `price` cents today (with its
    /// 1-based schedule), if it is valid, meets the minimum spend and its budget can pay it.
    fn value(&self, r: &Replicate<'_>, member: u32, price: i64) -> Option<(i64, u16)> {
        let j = self.held[member as usize];
        if j == 0 || self.until[member as usize] < r.world.day {
            return None;
        }
        let c = &r.world.scenario.coupon[usize::from(j) - 1];
        if !c.runs_on(r.world.day) || r.world.list_price() < c.min_spend_cents {
            return None;
        }
        let cents = c.value_on(price).min(price);
        (cents > 0 && self.budgets[usize::from(j) - 1].can_spend(cents)).then_some((cents, j))
    }
}

impl Mechanism for State {
    const COST_LINE: Option<Scheme> = Some(Scheme::Coupon);

    fn budget_cents(s: &Scenario) -> Option<i64> {
        // Every schedule's budget, if every schedule has one.
        if s.coupon.is_empty() {
            return None;
        }
        s.coupon.iter().map(|c| c.budget_cents).sum::<Option<i64>>()
    }

    fn budget_out(&self) -> bool {
        // Out once every schedule's budget is.
        self.budgets.iter().all(Budget::exhausted)
    }

    fn build(init: &Init<'_>) -> Option<Self> {
        let s = init.scenario;
        if s.coupon.is_empty() {
            return None;
        }
        let n = init.members as usize;
        Some(State {
            budgets: s
                .coupon
                .iter()
                .map(|c| Budget::new(c.budget_cents))
                .collect(),
            held: vec![0; n],
            until: vec![0; n],
        })
    }

    fn check(s: &Scenario, p: &mut Problems) {
        let list = s.product.list_price_cents;
        for (i, c) in s.coupon.iter().enumerate() {
            let key = format!("coupon[{i}]");
            if (c.value_cents > 0) == (c.pct > 0.0) {
                p.add(
                    &format!("{key}.value_cents"),
                    "give exactly one of `value_cents` (> 0) or `pct` (> 0)".into(),
                );
            }
            if c.value_cents < 0 || c.value_cents > list {
                p.add(
                    &format!("{key}.value_cents"),
                    format!("{} must be in [0, list price {list}]", c.value_cents),
                );
            }
            p.pct(&format!("{key}.pct"), c.pct);
            p.cents(&format!("{key}.min_spend_cents"), c.min_spend_cents);
            p.range_u(
                &format!("{key}.expiry_days"),
                c.expiry_days.into(),
                1,
                100_000,
            );
            p.window(&key, c);
            if let CouponTarget::Tier(n) = c.target {
                let tiers = super::tier_count(s);
                if n as usize > tiers {
                    p.add(
                        &format!("{key}.target"),
                        format!(
                            "tier:{n} needs [[points.tiers]] or [[contribution.tiers]] with at least {n} tiers; there are {tiers}"
                        ),
                    );
                }
            }
        }
    }

    fn lint(s: &Scenario, w: &mut Problems) {
        if s.coupon.is_empty() {
            return;
        }
        w.silent_channel(
            "behaviour.p_buy.coupon",
            s.behaviour.p_buy.coupon,
            "a coupon drop never makes anybody buy (held coupons still lower later prices)",
        );
        for (i, c) in s.coupon.iter().enumerate() {
            w.percent_like_fraction(&format!("coupon[{i}].pct"), c.pct);
            let value = c.value_on(s.product.list_price_cents).max(1);
            w.budget_below(
                &format!("coupon[{i}].budget_cents"),
                c.budget_cents,
                value,
                "redemption",
            );
        }
    }

    /// One coupon per order: the most valuable schedule.
    fn discount_bound(s: &Scenario, _channel: Channel) -> Option<i64> {
        let list = s.product.list_price_cents;
        s.coupon.iter().map(|c| c.value_on(list)).max()
    }

    /// Coupon holders convert differently from everybody else (a schedule whose window starts
    /// after the horizon never does).
    fn receiver_dependent(s: &Scenario) -> bool {
        s.coupon.iter().any(|c| c.start_day <= s.days)
    }

    fn calendar(r: &mut Replicate<'_>) {
        Self::drop_coupons(r);
    }

    fn discount(&self, r: &Replicate<'_>, q: &OfferQuery, offer: &mut Offer) {
        if let Some((cents, j)) = self.value(r, q.member, offer.left()) {
            offer.give(Scheme::Coupon, cents);
            offer.coupon = j;
        }
    }

    fn book(r: &mut Replicate<'_>, member: u32, offer: &Offer) -> i64 {
        let cents = offer.by_scheme[Scheme::Coupon as usize];
        if cents == 0 {
            return 0;
        }
        let st = r.state_mut::<Self>();
        st.held[member as usize] = 0;
        if !st.budgets[usize::from(offer.coupon) - 1].spend(cents) {
            return 0;
        }
        r.world.row.ledger.book_discount(Scheme::Coupon, cents);
        r.world.row.coupon_orders += 1;
        cents
    }
}
