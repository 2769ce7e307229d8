//! The tables every mechanism may read that belong to none of them: the regulatory line on
//! multi-level distribution and the community groups layer. Each mechanism's own table lives in
//! its module under `crate::mechanism` and is re-exported here, so `scenario::Referral` and
//! friends keep their paths.

use serde::{Deserialize, Serialize};

use super::dist::Dist;
use super::schema::defaults;

pub use crate::mechanism::SchemeWindow;
pub use crate::mechanism::ads::Ads;
pub use crate::mechanism::bargain::Bargain;
pub use crate::mechanism::checkin::Checkin;
pub use crate::mechanism::churn_warning::ChurnWarning;
pub use crate::mechanism::commission::Commission;
pub use crate::mechanism::contribution::Contribution;
pub use crate::mechanism::coupon::{Coupon, CouponTarget};
pub use crate::mechanism::engagement::Engagement;
pub use crate::mechanism::festival::Festival;
pub use crate::mechanism::first_order::FirstOrder;
pub use crate::mechanism::flash_sale::{FlashAudience, FlashSale};
pub use crate::mechanism::fraud::Fraud;
pub use crate::mechanism::group_buy::GroupBuy;
pub use crate::mechanism::group_matrix::{GroupMatrix, StagePosts};
pub use crate::mechanism::kol::{KolCampaign, KolSelection};
pub use crate::mechanism::live::LiveStream;
pub use crate::mechanism::lottery::{Lottery, LotteryEntry};
pub use crate::mechanism::negative_wom::{NegativeWom, TrustShock};
pub use crate::mechanism::points::{Points, Tier};
pub use crate::mechanism::posting::PostingPolicy;
pub use crate::mechanism::presale::Presale;
pub use crate::mechanism::red_packet::{RedPacket, RedPacketTrigger};
pub use crate::mechanism::referral::Referral;
pub use crate::mechanism::reviews::{Leaderboard, Reviews};
pub use crate::mechanism::share_reward::ShareReward;
pub use crate::mechanism::threshold::Threshold;
pub use crate::mechanism::win_back::WinBack;

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
