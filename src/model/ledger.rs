//! The money ledger: every order and every cost, in integer cents.

/// Money and orders booked over some period (a day, or a whole run).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Ledger {
    /// Orders placed.
    pub orders: u64,
    /// Orders by customers who had bought before.
    pub repeat_orders: u64,
    /// Orders at list price.
    pub list_cents: i64,
    /// Discounts given on orders.
    pub discount_cents: i64,
    /// Money paid by customers: `list − discount` (GMV).
    pub gmv_cents: i64,
    /// Cost of goods sold.
    pub cogs_cents: i64,
    /// Paid-ad spend.
    pub ad_cents: i64,
    /// KOL fees.
    pub kol_cents: i64,
    /// What the brand's own messages cost to send (`[touch_cost]`: coupon drops, posts, pushes).
    #[serde(default)]
    pub touch_cents: i64,
    /// Cash paid out by the schemes (rewards, bonuses, rebates, red packets, commission).
    pub incentive_cents: i64,
    /// Cost of each scheme ([`Scheme`] order): the discounts it gave plus the cash it paid; sums
    /// to `discount_cents + incentive_cents`.
    pub scheme_cents: [i64; Scheme::ALL.len()],
    /// Some sum went past the ±9.2 × 10¹⁸ cents an `i64` holds (the preflight refuses scenarios
    /// that could get there; this catches what its bound does not foresee).
    #[serde(skip)]
    pub overflow: bool,
}

/// `*x += v`, noting an overflow in `overflow` instead of wrapping silently.
#[inline]
fn add(x: &mut i64, v: i64, overflow: &mut bool) {
    let (sum, over) = x.overflowing_add(v);
    *x = sum;
    *overflow |= over;
}

impl Ledger {
    /// Books one order at `list_cents` with unit cost `cost_cents`; discounts follow with
    /// [`Ledger::book_discount`].
    pub fn book_order(&mut self, list_cents: i64, cost_cents: i64, repeat: bool) {
        self.orders += 1;
        self.repeat_orders += u64::from(repeat);
        let o = &mut self.overflow;
        add(&mut self.list_cents, list_cents, o);
        add(&mut self.gmv_cents, list_cents, o);
        add(&mut self.cogs_cents, cost_cents, o);
    }

    /// Books `cents` off an order, given by `scheme`.
    pub fn book_discount(&mut self, scheme: Scheme, cents: i64) {
        let o = &mut self.overflow;
        add(&mut self.discount_cents, cents, o);
        add(&mut self.gmv_cents, cents.wrapping_neg(), o);
        *o |= cents == i64::MIN;
        add(&mut self.scheme_cents[scheme as usize], cents, o);
    }

    /// Books `cents` of cash paid out by `scheme`.
    pub fn book_incentive(&mut self, scheme: Scheme, cents: i64) {
        let o = &mut self.overflow;
        add(&mut self.incentive_cents, cents, o);
        add(&mut self.scheme_cents[scheme as usize], cents, o);
    }

    /// Books `cents` of paid-ad spend.
    pub fn book_ads(&mut self, cents: i64) {
        add(&mut self.ad_cents, cents, &mut self.overflow);
    }

    /// Books `cents` of message costs.
    pub fn book_touch(&mut self, cents: i64) {
        add(&mut self.touch_cents, cents, &mut self.overflow);
    }

    /// Books `cents` of KOL fees.
    pub fn book_kol(&mut self, cents: i64) {
        add(&mut self.kol_cents, cents, &mut self.overflow);
    }

    /// Gross margin: GMV − cost of goods.
    pub fn margin_cents(&self) -> i64 {
        self.gmv_cents - self.cogs_cents
    }

    /// Marketing spend: ads + KOL fees + message costs + incentives.
    pub fn spend_cents(&self) -> i64 {
        self.ad_cents + self.kol_cents + self.touch_cents + self.incentive_cents
    }

    /// Net contribution: margin − marketing spend.
    pub fn net_cents(&self) -> i64 {
        self.margin_cents() - self.spend_cents()
    }

    /// Adds another period's bookings.
    pub fn add(&mut self, other: &Ledger) {
        self.orders += other.orders;
        self.repeat_orders += other.repeat_orders;
        let o = &mut self.overflow;
        *o |= other.overflow;
        add(&mut self.list_cents, other.list_cents, o);
        add(&mut self.discount_cents, other.discount_cents, o);
        add(&mut self.gmv_cents, other.gmv_cents, o);
        add(&mut self.cogs_cents, other.cogs_cents, o);
        add(&mut self.ad_cents, other.ad_cents, o);
        add(&mut self.kol_cents, other.kol_cents, o);
        add(&mut self.touch_cents, other.touch_cents, o);
        add(&mut self.incentive_cents, other.incentive_cents, o);
        for (mine, theirs) in self.scheme_cents.iter_mut().zip(other.scheme_cents) {
            add(mine, theirs, o);
        }
    }
}

/// The ledger's cost lines, one per mechanism that spends money on incentives, in column order
/// (`scheme_<name>_cents`): the discounts it gives plus the cash it pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Scheme {
    /// Referral rewards and invitee discounts (邀请好友).
    Referral = 0,
    /// Group buying (拼团): group discounts and success bonuses.
    GroupBuy = 1,
    /// Share rewards and rebates (分享有礼).
    ShareReward = 2,
    /// Coupons (优惠券), booked on redemption.
    Coupon = 3,
    /// Red packets (红包), the claimed money.
    RedPacket = 4,
    /// Points redemptions and tier discounts (积分 / 会员等级).
    Points = 5,
    /// Multi-level commission (分销).
    Commission = 6,
    /// Free product given to KOCs.
    Koc = 7,
    /// Live streams (直播): host fees and the live-only price.
    Live = 8,
    /// Flash sales (限时秒杀): the flash discount.
    FlashSale = 9,
    /// Lotteries and blind boxes (抽奖 / 盲盒): prizes paid.
    Lottery = 10,
    /// Check-ins (打卡): streak rewards.
    Checkin = 11,
    /// Contribution-score tiers (用户贡献值): tier discounts.
    Contribution = 12,
    /// Presale (预售): the presale discount.
    Presale = 13,
    /// The new-user offer (新人首单).
    FirstOrder = 14,
    /// Churn early warning (流失预警): contacts and retention offers.
    ChurnWarning = 15,
    /// Win-back (流失召回): contacts and the returning order's discount.
    WinBack = 16,
    /// Bargaining (砍价): the gap to the target price of completed bargains.
    Bargain = 17,
    /// Review rewards (晒单返现): cash paid per review posted.
    Review = 18,
}

impl Scheme {
    /// Every scheme, in column order.
    pub const ALL: [Scheme; 19] = [
        Scheme::Referral,
        Scheme::GroupBuy,
        Scheme::ShareReward,
        Scheme::Coupon,
        Scheme::RedPacket,
        Scheme::Points,
        Scheme::Commission,
        Scheme::Koc,
        Scheme::Live,
        Scheme::FlashSale,
        Scheme::Lottery,
        Scheme::Checkin,
        Scheme::Contribution,
        Scheme::Presale,
        Scheme::FirstOrder,
        Scheme::ChurnWarning,
        Scheme::WinBack,
        Scheme::Bargain,
        Scheme::Review,
    ];

    /// The name used in column names (`scheme_<name>_cents`) and TOML tables.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Referral => "referral",
            Scheme::GroupBuy => "group_buy",
            Scheme::ShareReward => "share_reward",
            Scheme::Coupon => "coupon",
            Scheme::RedPacket => "red_packet",
            Scheme::Points => "points",
            Scheme::Commission => "commission",
            Scheme::Koc => "koc",
            Scheme::Live => "live",
            Scheme::FlashSale => "flash_sale",
            Scheme::Lottery => "lottery",
            Scheme::Checkin => "checkin",
            Scheme::Contribution => "contribution",
            Scheme::Presale => "presale",
            Scheme::FirstOrder => "first_order",
            Scheme::ChurnWarning => "churn_warning",
            Scheme::WinBack => "win_back",
            Scheme::Bargain => "bargain",
            Scheme::Review => "review",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_hold() {
        let mut l = Ledger::default();
        l.book_order(1000, 400, false);
        l.book_discount(Scheme::Referral, 100);
        l.book_order(1000, 400, true);
        l.ad_cents = 50;
        l.book_incentive(Scheme::Referral, 25);
        let mut costs = [0; Scheme::ALL.len()];
        costs[Scheme::Referral as usize] = 125;
        assert_eq!(l.scheme_cents, costs);
        assert_eq!(
            l.scheme_cents.iter().sum::<i64>(),
            l.discount_cents + l.incentive_cents
        );
        assert_eq!(l.gmv_cents, l.list_cents - l.discount_cents);
        assert_eq!(l.gmv_cents, 1900);
        assert_eq!(l.margin_cents(), 1100);
        assert_eq!(l.net_cents(), 1100 - 75);
        assert_eq!((l.orders, l.repeat_orders), (2, 1));
        let mut total = Ledger::default();
        total.add(&l);
        total.add(&l);
        assert_eq!(total.net_cents(), 2 * l.net_cents());
        assert!(!total.overflow);
    }

    #[test]
    fn overflow_is_noted_not_wrapped_silently() {
        let mut l = Ledger::default();
        l.book_order(i64::MAX, 0, false);
        assert!(!l.overflow);
        l.book_order(1, 0, false);
        assert!(l.overflow);
        let mut total = Ledger::default();
        total.add(&l);
        assert!(total.overflow);
    }
}
