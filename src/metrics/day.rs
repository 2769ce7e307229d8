//! One replicate's observation of one day: the row of `daily.csv`.

use crate::model::{Channel, Ledger, Stage};

/// Everything recorded about one day of one replicate.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DayRow {
    /// Day (0 = after seeding).
    pub day: u32,
    /// Members in each stage, indexed by [`Stage`].
    pub stages: [u32; 5],
    /// Members who bought at least once, up to and including this day.
    pub customers: u32,
    /// First purchases today, by acquisition channel ([`Channel`] order).
    pub new_customers: [u32; Channel::ALL.len()],
    /// Exposures today, by channel ([`Channel`] order; `seed` stays 0).
    pub exposures: [u64; Channel::ALL.len()],
    /// Shares today.
    pub shares: u32,
    /// Group-buy teams opened today.
    pub teams_opened: u32,
    /// Group-buy teams that filled today.
    pub teams_filled: u32,
    /// Group-buy teams that expired today.
    pub teams_expired: u32,
    /// Red packet shares claimed today.
    pub packets_claimed: u32,
    /// Members who bought or shared today.
    pub dau: u32,
    /// Interactions today: posts read, orders, shares, live streams attended, check-ins,
    /// lottery entries.
    #[serde(default)]
    pub interactions: u64,
    /// Members whose engagement score is at least `engagement.high_activity` at the end of the
    /// day (0 without `[engagement]`).
    #[serde(default)]
    pub high_activity: u32,
    /// Live-stream attendances today.
    #[serde(default)]
    pub live_attendees: u32,
    /// Orders placed while watching a live stream today.
    #[serde(default)]
    pub live_orders: u32,
    /// Orders placed from a live stream's recap today.
    #[serde(default)]
    pub recap_orders: u32,
    /// Flash-sale units sold today.
    #[serde(default)]
    pub flash_sold: u32,
    /// Flash-sale buyers turned away today because stock had sold out.
    #[serde(default)]
    pub flash_turned_away: u32,
    /// Lottery entries today.
    #[serde(default)]
    pub lottery_entries: u32,
    /// Lottery prizes won today.
    #[serde(default)]
    pub lottery_wins: u32,
    /// Check-ins today.
    #[serde(default)]
    pub checkins: u32,
    /// Members holding a membership tier (contribution or lifetime points) at the end of the day.
    #[serde(default)]
    pub tier_members: u32,
    /// Contribution-tier downgrades today (scores that fell below their tier's threshold).
    #[serde(default)]
    pub tier_downgrades: u32,
    /// Orders today by members in a membership tier (contribution or lifetime points).
    #[serde(default)]
    pub tier_orders: u32,
    /// Orders today at the presale price (pre-orders).
    #[serde(default)]
    pub presale_orders: u32,
    /// Orders today that redeemed a coupon.
    #[serde(default)]
    pub coupon_orders: u32,
    /// Orders today by members of the group matrix, by the buyer's stage (onboarding,
    /// incubation, high-value).
    #[serde(default)]
    pub matrix_orders: [u32; 3],
    /// Members of the group matrix in each stage at the end of the day.
    #[serde(default)]
    pub matrix_members: [u32; 3],
    /// Customers contacted by the churn warning today.
    #[serde(default)]
    pub churn_warnings: u32,
    /// Of them, those whose churn was due within the lead time.
    #[serde(default)]
    pub churn_warnings_due: u32,
    /// Retention offers taken today.
    #[serde(default)]
    pub churn_offers_taken: u32,
    /// Churned customers contacted by a win-back campaign today.
    #[serde(default)]
    pub win_back_contacts: u32,
    /// Churned customers who came back today.
    #[serde(default)]
    pub win_backs: u32,
    /// Fake invitees registered by reward farmers today.
    #[serde(default)]
    pub fake_invites: u32,
    /// Fake invitees detected today.
    #[serde(default)]
    pub fakes_detected: u32,
    /// Bargains opened today.
    #[serde(default)]
    pub bargains_opened: u32,
    /// Bargains completed today (every cut in).
    #[serde(default)]
    pub bargains_completed: u32,
    /// Friends who helped cut a price today.
    #[serde(default)]
    pub bargain_helps: u32,
    /// Members who adopted today by the threshold rule.
    #[serde(default)]
    pub threshold_adoptions: u32,
    /// Positive reviews posted today.
    #[serde(default)]
    pub reviews_positive: u32,
    /// Negative reviews posted today.
    #[serde(default)]
    pub reviews_negative: u32,
    /// Positive reviews posted today by featured (leaderboard) reviewers.
    #[serde(default)]
    pub reviews_featured: u32,
    /// Bad experiences today (negative reviews, expired teams, unresolved disputes, shocks).
    #[serde(default)]
    pub bad_experiences: u32,
    /// Members who heard negative word of mouth today.
    #[serde(default)]
    pub negative_heard: u32,
    /// Disputes opened today.
    #[serde(default)]
    pub disputes: u32,
    /// Disputes resolved by moderation today.
    #[serde(default)]
    pub disputes_resolved: u32,
    /// Mean sentiment of the groups at the end of the day (0 without `[negative_wom]`).
    #[serde(default)]
    pub sentiment: f64,
    /// Money booked today.
    pub ledger: Ledger,
    /// Mean fatigue over all members at the end of the day.
    pub mean_fatigue: f64,
    /// Cost lines whose budget has run out by the end of the day, one bit per
    /// [`crate::model::ledger::Scheme`].
    #[serde(default)]
    pub budgets_out: u32,
}

impl DayRow {
    /// Members in `stage`.
    pub fn stage(&self, stage: Stage) -> u32 {
        self.stages[stage as usize]
    }

    /// First purchases today over every channel.
    pub fn new_customers_total(&self) -> u32 {
        self.new_customers.iter().sum()
    }
}
