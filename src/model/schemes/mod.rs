//! Incentive schemes (DESIGN §2.4): each an optional TOML table with its own rules, a day window
//! and an optional budget after which it stops. Their money is booked per scheme in the ledger.

pub mod budget;
pub mod commission;
pub mod group_buy;
pub mod points;
pub mod red_packet;
pub mod referral;

pub use budget::Budget;

/// Every scheme, in column order; the ledger books each scheme's cost (discounts it gives plus
/// cash it pays).
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
}

impl Scheme {
    /// Every scheme, in column order.
    pub const ALL: [Scheme; 8] = [
        Scheme::Referral,
        Scheme::GroupBuy,
        Scheme::ShareReward,
        Scheme::Coupon,
        Scheme::RedPacket,
        Scheme::Points,
        Scheme::Commission,
        Scheme::Koc,
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
        }
    }
}
