//! The schema of the incentive schemes, community groups and KOL campaigns (DESIGN §2.1, §2.4).
//! Every table is optional; a table left out is a mechanism that is off.

use serde::{Deserialize, Serialize};

use super::dist::Dist;
use super::schema::defaults;

/// The day window and budget every scheme has.
pub trait SchemeWindow {
    /// First day the scheme runs.
    fn start_day(&self) -> u32;
    /// Last day the scheme runs (`None` = the last day).
    fn end_day(&self) -> Option<u32>;
    /// Money the scheme may spend (`None` = no limit).
    fn budget_cents(&self) -> Option<i64>;
    /// Does the scheme's window contain `day`?
    fn runs_on(&self, day: u32) -> bool {
        day >= self.start_day() && self.end_day().is_none_or(|end| day <= end)
    }
}

macro_rules! scheme_window {
    ($($t:ty),*) => {$(
        impl SchemeWindow for $t {
            fn start_day(&self) -> u32 { self.start_day }
            fn end_day(&self) -> Option<u32> { self.end_day }
            fn budget_cents(&self) -> Option<i64> { self.budget_cents }
        }
    )*};
}
scheme_window!(
    Referral,
    GroupBuy,
    ShareReward,
    Coupon,
    RedPacket,
    Commission
);

/// `[referral]`: rewards for inviters whose share brings a first purchase; optional discount for
/// the invitee, milestone rewards and a cap per inviter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Referral {
    /// Paid to the inviter for each qualified invite (the invitee's first purchase).
    #[serde(default)]
    pub inviter_reward_cents: i64,
    /// Taken off the invitee's first order when it comes through an invite.
    #[serde(default)]
    pub invitee_discount_cents: i64,
    /// Every this many qualified invites earn the milestone reward (0 = no milestone).
    #[serde(default)]
    pub milestone_invites: u32,
    /// Milestone reward ("invite 3, get a free order").
    #[serde(default)]
    pub milestone_reward_cents: i64,
    /// Qualified invites per inviter that earn anything (0 = no cap).
    #[serde(default)]
    pub cap_per_inviter: u32,
    /// Money for rewards and invitee discounts; the scheme stops at the first event it cannot pay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_cents: Option<i64>,
    /// First day the scheme runs.
    #[serde(default = "defaults::one_u32")]
    pub start_day: u32,
    /// Last day the scheme runs (default: the last day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_day: Option<u32>,
}

/// `[group_buy]` (拼团): a buyer opens a team at the group price and invites friends; the team
/// buys only if it fills within its window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupBuy {
    /// Members a team needs, leader included.
    pub team_size: u32,
    /// Group price discount, percent of the list price.
    pub discount_pct: f64,
    /// Days a team stays open after the day it is opened.
    #[serde(default = "defaults::one_u32")]
    pub window_days: u32,
    /// Friends the leader invites the day after opening (all friends if fewer).
    #[serde(default = "defaults::group_buy_invites")]
    pub invites: u32,
    /// Probability that a member who decides to buy opens a team rather than buying solo.
    #[serde(default = "defaults::one")]
    pub p_open: f64,
    /// Probability per missing slot per day that a stranger from the open pool fills it.
    #[serde(default)]
    pub p_stranger_fill: f64,
    /// Probability that a member of an expired team buys alone at the list price.
    #[serde(default)]
    pub p_fallback_solo: f64,
    /// Paid to the leader when the team fills.
    #[serde(default)]
    pub success_bonus_cents: i64,
    /// Money for group discounts and bonuses; a team reserves its full cost when it opens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_cents: Option<i64>,
    /// First day teams can open.
    #[serde(default = "defaults::one_u32")]
    pub start_day: u32,
    /// Last day teams can open (default: the last day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_day: Option<u32>,
}

/// `[share_reward]` (分享有礼 / 分享返利): a reward per share and/or a rebate on the first orders a
/// share brings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareReward {
    /// Paid to the sharer for each share.
    #[serde(default)]
    pub reward_per_share_cents: i64,
    /// Rewarded shares per day over all members (0 = no cap).
    #[serde(default)]
    pub daily_cap: u32,
    /// Percent of the paid price of a first order a share brings, paid to the sharer.
    #[serde(default)]
    pub rebate_pct: f64,
    /// Money for rewards and rebates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_cents: Option<i64>,
    /// First day the scheme runs.
    #[serde(default = "defaults::one_u32")]
    pub start_day: u32,
    /// Last day the scheme runs (default: the last day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_day: Option<u32>,
}

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
    #[serde(default = "defaults::coupon_expiry_days")]
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

/// What makes a red packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RedPacketTrigger {
    /// A customer's first order.
    #[default]
    FirstPurchase,
    /// Every order.
    Purchase,
}

/// `[red_packet]` (红包): after an order the buyer gets a packet of `total_cents` to share into
/// their group (or with their friends if they are in none); the first `split_n` claimers get a
/// random share of it and an exposure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedPacket {
    /// Money in one packet.
    pub total_cents: i64,
    /// Claimers who get a share.
    pub split_n: u32,
    /// Which orders make a packet.
    #[serde(default)]
    pub trigger: RedPacketTrigger,
    /// Probability that a group member or friend sees the packet in time to claim.
    #[serde(default = "defaults::one")]
    pub p_claim: f64,
    /// Money for packets; a packet reserves its total and unclaimed money returns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_cents: Option<i64>,
    /// First day packets are given.
    #[serde(default = "defaults::one_u32")]
    pub start_day: u32,
    /// Last day packets are given (default: the last day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_day: Option<u32>,
}

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

/// `[commission]` (分销 / 佣金): every order of a referred customer pays commission up the
/// referrer chain, `level_rates_pct[0]` to the referrer, `[1]` to the referrer's referrer, ….
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Commission {
    /// Percent of the paid price per level above the buyer.
    pub level_rates_pct: Vec<f64>,
    /// Days from the order to the payout (payouts falling after the horizon are not booked).
    #[serde(default)]
    pub payout_delay_days: u32,
    /// Money for commissions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_cents: Option<i64>,
    /// First day orders earn commission.
    #[serde(default = "defaults::one_u32")]
    pub start_day: u32,
    /// Last day orders earn commission (default: the last day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_day: Option<u32>,
}

/// `[compliance]`: the regulatory line on multi-level distribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Compliance {
    /// Paid commission levels above the buyer allowed without a flag.
    #[serde(default = "defaults::max_commission_levels")]
    pub max_commission_levels: u32,
    /// Run a scenario beyond the line anyway; every output then carries a compliance flag.
    #[serde(default)]
    pub allow_noncompliant: bool,
}

impl Default for Compliance {
    fn default() -> Self {
        Self {
            max_commission_levels: defaults::max_commission_levels(),
            allow_noncompliant: false,
        }
    }
}

/// How members are placed into community groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupAssignment {
    /// The planted blocks of a stochastic block model graph.
    Blocks,
    /// Communities found by label propagation on the graph.
    #[default]
    Communities,
    /// Random groups with sizes drawn from `size`.
    Random,
}

/// `[groups]` (社群): a member↔group layer; every member is in at most one group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Groups {
    /// How groups are formed.
    #[serde(default)]
    pub assign: GroupAssignment,
    /// Largest group (communities beyond it are split).
    #[serde(default = "defaults::group_capacity")]
    pub capacity: u32,
    /// Group sizes with `assign = "random"` (capped at `capacity`, at least 2).
    #[serde(default = "defaults::group_size")]
    pub size: Dist,
    /// Fraction of members who are in a group.
    #[serde(default = "defaults::one")]
    pub coverage: f64,
}

/// `[posting_policy]` (内容节奏): the brand's posts in every group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostingPolicy {
    /// Posts per day per group (fractions spread posts over days: 0.5 = every other day).
    pub posts_per_day: f64,
    /// Fraction of posts that are promotional (`group` channel; the rest are brand content on
    /// the `operator` channel).
    #[serde(default = "defaults::one")]
    pub promo_share: f64,
    /// Probability that a group member reads a post.
    #[serde(default = "defaults::one")]
    pub p_read: f64,
    /// First day with posts.
    #[serde(default = "defaults::one_u32")]
    pub start_day: u32,
    /// Last day with posts (default: the last day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_day: Option<u32>,
}

/// How a campaign picks its KOLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KolSelection {
    /// Uniformly at random.
    Random,
    /// Highest degree.
    #[default]
    Degree,
    /// Highest k-core number (ties by degree).
    KCore,
    /// Highest PageRank.
    Pagerank,
    /// The best-connected member of each of the largest communities in turn.
    CommunitySpread,
}

/// One `[[kol_campaign]]` (KOL/KOC 合作): members chosen by `selection` post on `post_days` to
/// their friends and `extra_followers` weak followers (`kol` channel exposures). With `koc = true`
/// the chosen members are ordinary members with the highest activity who first get the product free.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KolCampaign {
    /// Campaign name, used in outputs.
    pub name: String,
    /// Members hired or seeded.
    pub count: u32,
    /// How KOLs are chosen (ignored for KOCs).
    #[serde(default)]
    pub selection: KolSelection,
    /// Fee per post per member.
    #[serde(default)]
    pub fee_cents: i64,
    /// Days they post.
    pub post_days: Vec<u32>,
    /// Multiplier on `p_buy.kol`.
    #[serde(default = "defaults::one")]
    pub credibility: f64,
    /// Followers beyond their friends, drawn at random once per replicate.
    #[serde(default)]
    pub extra_followers: u32,
    /// KOC seeding: ordinary members chosen by activity, given the product free on the first post day.
    #[serde(default)]
    pub koc: bool,
}
