//! The metric catalog: every `runs.csv` KPI and every `daily.csv` column declared once — its
//! name, unit, which direction is better and a one-line definition of how it is computed. The
//! run summary, the daily table, the comparison and ranking, the plots, the report and
//! `outputs/README.md` (kept in sync by a test) all read it; nothing else spells a metric name.
//!
//! A family (`customers_<channel>`, `scheme_<scheme>_cents`, `customers_seg_<segment>`) is one
//! entry whose name has a `<…>` placeholder, expanded over the channels, schemes, stages or the
//! scenario's segments.

use super::DayRow;
use crate::model::ledger::Scheme;
use crate::model::{Channel, Stage};

/// What a metric counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Members, orders, events.
    Count,
    /// Money in integer cents (分).
    Cents,
    /// A ratio of counts or of money (K-factor, ROI).
    Ratio,
    /// A share of a whole, as a fraction (0.25 = 25%): rates, retention, conversion.
    Share,
    /// Days.
    Days,
    /// Fatigue, a dimensionless level.
    Level,
}

impl Unit {
    /// The unit's name in tables and axis labels.
    pub fn name(self) -> &'static str {
        match self {
            Unit::Count => "count",
            Unit::Cents => "cents",
            Unit::Ratio => "ratio",
            Unit::Share => "share",
            Unit::Days => "days",
            Unit::Level => "level",
        }
    }
}

/// Which way a metric is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Better {
    /// More is better (customers, GMV, net).
    Higher,
    /// Less is better (costs, churn, time to grow).
    Lower,
}

impl Better {
    /// `higher` or `lower`.
    pub fn name(self) -> &'static str {
        match self {
            Better::Higher => "higher",
            Better::Lower => "lower",
        }
    }
}

/// What a family's placeholder ranges over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// A single metric.
    One,
    /// Every acquisition channel ([`Channel::ALL`]).
    Channel,
    /// Every exposure channel ([`Channel::EXPOSURE`]).
    Exposure,
    /// Every scheme ([`Scheme::ALL`]).
    Scheme,
    /// Every stage ([`Stage::ALL`]).
    Stage,
    /// Every group of the group matrix ([`crate::mechanism::group_matrix::STAGES`]).
    Group,

    /// The scenario's segments (only with two or more).
    Segment,
}

impl Family {
    /// The names the placeholder takes (empty for segments, which come from the scenario).
    pub fn parts(self) -> Vec<String> {
        let names = |v: Vec<&str>| v.into_iter().map(String::from).collect();
        match self {
            Family::One => vec![String::new()],
            Family::Channel => names(Channel::ALL.iter().map(|c| c.name()).collect()),
            Family::Exposure => names(Channel::EXPOSURE.iter().map(|c| c.name()).collect()),
            Family::Scheme => names(Scheme::ALL.iter().map(|s| s.name()).collect()),
            Family::Stage => names(Stage::ALL.iter().map(|s| s.name()).collect()),
            Family::Group => names(crate::mechanism::group_matrix::STAGES.to_vec()),
            Family::Segment => Vec::new(),
        }
    }
}

/// One declared metric (or family of metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metric {
    /// The column name; a family's has one `<…>` placeholder.
    pub name: &'static str,
    /// What the placeholder ranges over.
    pub family: Family,
    /// The unit.
    pub unit: Unit,
    /// Which way is better.
    pub better: Better,
    /// How it is computed, in one line.
    pub definition: &'static str,
}

impl Metric {
    /// The column of this metric for the placeholder value `part` (the name itself for a single
    /// metric).
    pub fn key(&self, part: &str) -> String {
        match (self.name.find('<'), self.name.rfind('>')) {
            (Some(a), Some(b)) => format!("{}{part}{}", &self.name[..a], &self.name[b + 1..]),
            _ => self.name.to_string(),
        }
    }

    /// Is `column` this metric (or a member of this family)?
    fn matches(&self, column: &str) -> bool {
        let (Some(a), Some(b)) = (self.name.find('<'), self.name.rfind('>')) else {
            return self.name == column;
        };
        let (prefix, suffix) = (&self.name[..a], &self.name[b + 1..]);
        let Some(part) = column
            .strip_prefix(prefix)
            .and_then(|r| r.strip_suffix(suffix))
        else {
            return false;
        };
        match self.family {
            Family::Segment => !part.is_empty(),
            family => family.parts().iter().any(|p| p == part),
        }
    }
}

/// A `const` metric (shorthand for the tables below).
const fn m(
    name: &'static str,
    family: Family,
    unit: Unit,
    better: Better,
    definition: &'static str,
) -> Metric {
    Metric {
        name,
        family,
        unit,
        better,
        definition,
    }
}

use Better::{Higher, Lower};
use Family::{
    Channel as Ch, Exposure as Ex, Group as Gr, One, Scheme as Sc, Segment as Seg, Stage as St,
};
use Unit::{Cents, Count, Days, Level, Ratio, Share};

/// Members who bought at least once by the end, seeds included.
pub const CUSTOMERS: Metric = m(
    "customers",
    One,
    Count,
    Higher,
    "members who bought at least once by the end, seeds included",
);
/// Customers by acquisition channel.
pub const CUSTOMERS_BY_CHANNEL: Metric = m(
    "customers_<channel>",
    Ch,
    Count,
    Higher,
    "customers by acquisition channel (see `daily.csv`)",
);
/// Members reached.
pub const REACHED: Metric = m(
    "reached",
    One,
    Count,
    Higher,
    "members not unaware at the end",
);
/// Active at the end.
pub const FINAL_ACTIVE: Metric = m(
    "final_active",
    One,
    Count,
    Higher,
    "customers active at the end",
);
/// Silent at the end.
pub const FINAL_SILENT: Metric = m(
    "final_silent",
    One,
    Count,
    Lower,
    "customers silent at the end (no order for `churn.silent_after_days`)",
);
/// Churned at the end.
pub const FINAL_CHURNED: Metric = m(
    "final_churned",
    One,
    Count,
    Lower,
    "customers churned by the end",
);
/// Day of the most first purchases.
pub const PEAK_DAY: Metric = m(
    "peak_new_customers_day",
    One,
    Days,
    Higher,
    "day ≥ 1 with the most first purchases (earliest on ties; empty if none)",
);
/// First day with half the final customers.
pub const DAYS_TO_HALF: Metric = m(
    "days_to_half",
    One,
    Days,
    Lower,
    "first day with at least half of the final customers",
);
/// Direct referrals per customer.
pub const K_FACTOR: Metric = m(
    "k_factor",
    One,
    Ratio,
    Higher,
    "customers brought in by a customer's share / customers (mean direct referrals per customer); across replicates, the pooled ratio Σ `customers_friend` / Σ `customers` is the unbiased estimate of the branching mean",
);
/// Referred over paid or seeded customers.
pub const FISSION_RATIO: Metric = m(
    "fission_ratio",
    One,
    Ratio,
    Higher,
    "customers brought in by shares / (seeded + ad- and KOL-acquired customers): the \"1 : N\" of the sources",
);
/// Days between referrer and referee.
pub const VIRAL_CYCLE: Metric = m(
    "viral_cycle_days",
    One,
    Days,
    Lower,
    "mean days between a referrer's and their referee's first purchase (≥ 1)",
);
/// Longest referral chain.
pub const REFERRAL_DEPTH: Metric = m(
    "referral_depth",
    One,
    Count,
    Higher,
    "longest referral chain (seeds and ad customers are depth 0)",
);
/// Customers who referred someone.
pub const REFERRERS: Metric = m(
    "referrers",
    One,
    Count,
    Higher,
    "customers who brought at least one customer",
);
/// Orders over the horizon.
pub const ORDERS: Metric = m(
    "orders",
    One,
    Count,
    Higher,
    "orders over the horizon (first + repeat)",
);
/// Repeat orders.
pub const REPEAT_ORDERS: Metric = m(
    "repeat_orders",
    One,
    Count,
    Higher,
    "orders by customers who had bought before",
);
/// Customers with two or more orders.
pub const REPEAT_CUSTOMERS: Metric = m(
    "repeat_customers",
    One,
    Count,
    Higher,
    "customers with ≥ 2 orders",
);
/// Share of customers who bought again.
pub const REPURCHASE_RATE: Metric = m(
    "repurchase_rate",
    One,
    Share,
    Higher,
    "customers with ≥ 2 orders / customers",
);
/// Orders at list price.
pub const LIST: Metric = m(
    "list_cents",
    One,
    Cents,
    Higher,
    "orders at list price (`gmv_cents + discount_cents`): what the orders would have paid without any discount",
);
/// Money paid.
pub const GMV: Metric = m(
    "gmv_cents",
    One,
    Cents,
    Higher,
    "money paid = list price × orders − discounts",
);
/// Discounts given.
pub const DISCOUNT: Metric = m(
    "discount_cents",
    One,
    Cents,
    Lower,
    "discounts given (invitee discounts, group prices, coupons, tier discounts, points, KOC free product)",
);
/// Cost of goods.
pub const COGS: Metric = m(
    "cogs_cents",
    One,
    Cents,
    Lower,
    "cost of goods of the orders",
);
/// Gross margin.
pub const MARGIN: Metric = m(
    "margin_cents",
    One,
    Cents,
    Higher,
    "`gmv_cents − cogs_cents`",
);
/// Ad spend.
pub const AD: Metric = m(
    "ad_cents",
    One,
    Cents,
    Lower,
    "paid-ad spend (impressions × CPM / 1000)",
);
/// KOL fees.
pub const KOL: Metric = m("kol_cents", One, Cents, Lower, "KOL fees");
/// Message costs.
pub const TOUCH: Metric = m(
    "touch_cents",
    One,
    Cents,
    Lower,
    "what the brand's own messages cost to send: `[touch_cost]` cents per exposure on the coupon, group, operator, live and flash channels",
);
/// Scheme cash.
pub const INCENTIVE: Metric = m(
    "incentive_cents",
    One,
    Cents,
    Lower,
    "cash paid by the schemes (rewards, bonuses, rebates, red packets, commission)",
);
/// Each scheme's cost.
pub const SCHEME: Metric = m(
    "scheme_<scheme>_cents",
    Sc,
    Cents,
    Lower,
    "each scheme's cost (its discounts plus its cash) for `referral`, `group_buy`, `share_reward`, `coupon`, `red_packet`, `points`, `commission`, `koc`; they sum to `discount_cents + incentive_cents`",
);
/// Share of each scheme's budget spent.
pub const BUDGET_USED: Metric = m(
    "budget_used_<scheme>",
    Sc,
    Share,
    Higher,
    "`scheme_<scheme>_cents / budget`: how much of the scheme's budget it spent (empty without a budget); an \"equal budget\" comparison is equal only where these are near 100%",
);
/// The day each scheme's budget ran out.
pub const BUDGET_OUT_DAY: Metric = m(
    "budget_out_day_<scheme>",
    Sc,
    Days,
    Higher,
    "first day at whose end the scheme's budget had stopped it (empty if it never ran out)",
);
/// Qualified referral invites.
pub const QUALIFIED_INVITES: Metric = m(
    "qualified_invites",
    One,
    Count,
    Higher,
    "first purchases that came through an invite while the referral scheme ran",
);
/// Marketing spend.
pub const SPEND: Metric = m(
    "spend_cents",
    One,
    Cents,
    Lower,
    "`ad_cents + kol_cents + touch_cents + incentive_cents`",
);
/// Net contribution.
pub const NET: Metric = m(
    "net_cents",
    One,
    Cents,
    Higher,
    "`margin_cents − spend_cents`",
);
/// Marketing cost including discounts.
pub const MARKETING_COST: Metric = m(
    "marketing_cost_cents",
    One,
    Cents,
    Lower,
    "`spend_cents + discount_cents`",
);
/// Return on marketing cost.
pub const ROI: Metric = m(
    "roi",
    One,
    Ratio,
    Higher,
    "`net_cents / marketing_cost_cents` (empty if nothing was spent or given)",
);
/// Acquisition cost.
pub const CAC: Metric = m(
    "cac_cents",
    One,
    Cents,
    Lower,
    "`marketing_cost_cents / (customers − customers_seed)`: every cost of marketing (ads, KOL fees, scheme cash, discounts, the KOCs' free product) per acquired customer (empty if nobody was acquired)",
);
/// Acquisition cost of ad customers.
pub const CAC_AD: Metric = m("cac_ad_cents", One, Cents, Lower, "ad spend / ad customers");
/// Acquisition cost of KOL customers.
pub const CAC_KOL: Metric = m(
    "cac_kol_cents",
    One,
    Cents,
    Lower,
    "(KOL fees + KOC free product) / KOL customers",
);
/// Acquisition cost of viral customers.
pub const CAC_VIRAL: Metric = m(
    "cac_viral_cents",
    One,
    Cents,
    Lower,
    "scheme costs except KOC / customers via friend, group, operator, team, coupon",
);
/// Margin per customer.
pub const LTV: Metric = m(
    "ltv_cents",
    One,
    Cents,
    Higher,
    "`margin_cents / customers`: mean margin per customer over the horizon",
);
/// 7-day retention.
pub const RETENTION_D7: Metric = m(
    "retention_d7",
    One,
    Share,
    Higher,
    "of the customers whose first purchase was at least 7 days before the end, the share not churned 7 days after it",
);
/// 30-day retention.
pub const RETENTION_D30: Metric = m(
    "retention_d30",
    One,
    Share,
    Higher,
    "the same 30 days after the first purchase",
);
/// 7-day retention per acquisition cohort.
pub const RETENTION_D7_BY_CHANNEL: Metric = m(
    "retention_d7_<channel>",
    Ch,
    Share,
    Higher,
    "`retention_d7` of the customers acquired through the channel",
);
/// 30-day retention per acquisition cohort.
pub const RETENTION_D30_BY_CHANNEL: Metric = m(
    "retention_d30_<channel>",
    Ch,
    Share,
    Higher,
    "`retention_d30` of the customers acquired through the channel",
);
/// Money paid per customer by acquisition channel.
pub const VALUE_BY_CHANNEL: Metric = m(
    "value_<channel>_cents",
    Ch,
    Cents,
    Higher,
    "money paid over the run per customer acquired through the channel (what a customer from it was worth within the horizon); empty without such customers",
);
/// Mean lifetime of churned customers.
pub const LIFETIME: Metric = m(
    "mean_lifetime_days",
    One,
    Days,
    Higher,
    "mean days from first purchase to churn, over customers who churned (censored by the horizon)",
);
/// Shares made.
pub const SHARES: Metric = m("shares", One, Count, Higher, "shares made over the horizon");
/// Exposures by channel.
pub const EXPOSURES: Metric = m(
    "exposures_<channel>",
    Ex,
    Count,
    Higher,
    "marketing touches by channel (churned members receive none except ads)",
);
/// Teams opened.
pub const TEAMS_OPENED: Metric = m("teams_opened", One, Count, Higher, "group-buy teams opened");
/// Teams filled.
pub const TEAMS_FILLED: Metric = m(
    "teams_filled",
    One,
    Count,
    Higher,
    "group-buy teams that filled",
);
/// Teams expired.
pub const TEAMS_EXPIRED: Metric = m(
    "teams_expired",
    One,
    Count,
    Lower,
    "group-buy teams that expired unfilled",
);
/// Teams filled over opened.
pub const TEAM_FILL_RATE: Metric = m(
    "team_fill_rate",
    One,
    Share,
    Higher,
    "`teams_filled / teams_opened`",
);
/// Red-packet shares claimed.
pub const PACKETS_CLAIMED: Metric = m(
    "packets_claimed",
    One,
    Count,
    Higher,
    "red-packet shares claimed",
);
/// Interactions per member per day.
pub const INTERACTIONS: Metric = m(
    "interactions_per_member_day",
    One,
    Ratio,
    Higher,
    "interactions (posts read, orders, shares, live streams attended, check-ins, lottery entries) per member per simulated day",
);
/// Mean share of high-activity members.
pub const HIGH_ACTIVITY_SHARE: Metric = m(
    "high_activity_share",
    One,
    Share,
    Higher,
    "members with an engagement score at least `engagement.high_activity`, as a share of all members, averaged over days 1..=days (empty without `[engagement]`)",
);
/// Live-stream attendances.
pub const LIVE_ATTENDEES: Metric = m(
    "live_attendees",
    One,
    Count,
    Higher,
    "live-stream attendances (a member at two streams counts twice)",
);
/// Orders from live streams.
pub const LIVE_ORDERS: Metric = m(
    "live_orders",
    One,
    Count,
    Higher,
    "orders on the `live` channel: placed while watching a stream or from its recap",
);
/// Share of live orders placed during the stream.
pub const LIVE_INSTANT_SHARE: Metric = m(
    "live_instant_share",
    One,
    Share,
    Higher,
    "orders placed while watching / all live orders (the rest came from recaps); empty without live orders",
);
/// Flash-sale units sold.
pub const FLASH_SOLD: Metric = m(
    "flash_sold",
    One,
    Count,
    Higher,
    "flash-sale units sold (at most each sale's stock)",
);
/// Flash-sale readers who came after the stock ran out.
pub const FLASH_TURNED_AWAY: Metric = m(
    "flash_turned_away",
    One,
    Count,
    Lower,
    "readers of a flash-sale announcement who arrived after its stock had sold out (unserved attention, not all of it demand)",
);
/// Lottery entries.
pub const LOTTERY_ENTRIES: Metric = m(
    "lottery_entries",
    One,
    Count,
    Higher,
    "lottery / blind-box entries",
);
/// Lottery prizes won.
pub const LOTTERY_WINS: Metric = m(
    "lottery_wins",
    One,
    Count,
    Higher,
    "lottery prizes won and paid",
);
/// Check-ins.
pub const CHECKINS: Metric = m("checkins", One, Count, Higher, "check-ins (打卡) made");
/// Members in a contribution tier at the end.
pub const TIER_MEMBERS: Metric = m(
    "tier_members",
    One,
    Count,
    Higher,
    "members holding a membership tier on the last day (a contribution tier is lost with the score; a lifetime-points tier is kept, also by churned customers)",
);
/// Contribution-tier downgrades.
pub const TIER_DOWNGRADES: Metric = m(
    "tier_downgrades",
    One,
    Count,
    Lower,
    "contribution-tier downgrades: days a member's decaying score fell below their tier's threshold",
);
/// Orders by tier members.
pub const TIER_ORDERS: Metric = m(
    "tier_orders",
    One,
    Count,
    Higher,
    "orders placed by members in a membership tier (contribution or lifetime points) at the time",
);
/// Pre-orders.
pub const PRESALE_ORDERS: Metric = m(
    "presale_orders",
    One,
    Count,
    Higher,
    "orders placed at the presale price (预售 pre-orders)",
);
/// Orders that redeemed a coupon.
pub const COUPON_ORDERS: Metric = m(
    "coupon_orders",
    One,
    Count,
    Higher,
    "orders that redeemed a coupon (and the budget paid for it)",
);
/// Orders by the buyer's stage in the group matrix.
pub const MATRIX_ORDERS: Metric = m(
    "matrix_orders_<group>",
    Gr,
    Count,
    Higher,
    "orders by members of the group matrix (社群矩阵), by the group the buyer was in when ordering",
);
/// Members per stage of the group matrix at the end.
pub const MATRIX_MEMBERS: Metric = m(
    "matrix_members_<group>",
    Gr,
    Count,
    Higher,
    "members of each group of the group matrix on the last day (churned members have left)",
);
/// Churn-warning contacts.
pub const CHURN_WARNINGS: Metric = m(
    "churn_warnings",
    One,
    Count,
    Lower,
    "customers contacted by the churn warning (流失预警)",
);
/// Share of churn-warning contacts who were due to churn.
pub const WARNING_PRECISION: Metric = m(
    "warning_precision",
    One,
    Share,
    Higher,
    "contacted customers whose churn was due within the lead time / all contacts; empty without contacts",
);
/// Retention offers taken.
pub const CHURN_OFFERS_TAKEN: Metric = m(
    "churn_offers_taken",
    One,
    Count,
    Higher,
    "retention offers taken by contacted customers (paid whether or not the customer was due)",
);
/// Win-back contacts.
pub const WIN_BACK_CONTACTS: Metric = m(
    "win_back_contacts",
    One,
    Count,
    Lower,
    "churned customers contacted by a win-back campaign (流失召回)",
);
/// Churned customers who came back.
pub const WIN_BACKS: Metric = m(
    "win_backs",
    One,
    Count,
    Higher,
    "churned customers who came back (each with an order)",
);
/// Bargains opened.
pub const BARGAINS_OPENED: Metric = m(
    "bargains_opened",
    One,
    Count,
    Higher,
    "bargains (砍价) opened by members who decided to buy",
);
/// Bargains completed.
pub const BARGAINS_COMPLETED: Metric = m(
    "bargains_completed",
    One,
    Count,
    Higher,
    "bargains whose every cut came in within the window (bought at the target price)",
);
/// Friends who helped.
pub const BARGAIN_HELPS: Metric = m(
    "bargain_helps",
    One,
    Count,
    Higher,
    "friends who helped cut a price (each also saw the product)",
);
/// Members who adopted by the threshold rule.
pub const THRESHOLD_ADOPTIONS: Metric = m(
    "threshold_adoptions",
    One,
    Count,
    Higher,
    "members who adopted by the threshold rule (their share of customer friends reached their threshold)",
);
/// Positive reviews posted.
pub const REVIEWS_POSITIVE: Metric = m(
    "reviews_positive",
    One,
    Count,
    Higher,
    "positive reviews posted (each read by friends, group members and, if featured, more)",
);
/// Negative reviews posted.
pub const REVIEWS_NEGATIVE: Metric = m(
    "reviews_negative",
    One,
    Count,
    Lower,
    "negative reviews posted (a bad product or delivery experience; each a bad experience for [negative_wom])",
);
/// Positive reviews by reviewers the UGC leaderboard featured.
pub const REVIEWS_FEATURED: Metric = m(
    "reviews_featured",
    One,
    Count,
    Higher,
    "positive reviews by reviewers the UGC leaderboard featured",
);
/// Bad experiences: negative reviews, expired teams, unresolved disputes, members hearing of a trust shock.
pub const BAD_EXPERIENCES: Metric = m(
    "bad_experiences",
    One,
    Count,
    Lower,
    "bad experiences: negative reviews, expired teams, unresolved disputes, members hearing of a trust shock",
);
/// Times a member heard negative word of mouth from a friend.
pub const NEGATIVE_HEARD: Metric = m(
    "negative_heard",
    One,
    Count,
    Lower,
    "times a member heard negative word of mouth from a friend",
);
/// Orders that turned into a dispute.
pub const DISPUTES: Metric = m(
    "disputes",
    One,
    Count,
    Lower,
    "orders that turned into a dispute",
);
/// Disputes moderation resolved before they spread.
pub const DISPUTES_RESOLVED: Metric = m(
    "disputes_resolved",
    One,
    Count,
    Higher,
    "disputes moderation resolved before they spread",
);
/// Group sentiment at the end.
pub const SENTIMENT_END: Metric = m(
    "sentiment_end",
    One,
    Level,
    Higher,
    "mean sentiment of the groups (−1 … 1) at the end of the last day ([negative_wom])",
);
/// Lowest group sentiment.
pub const SENTIMENT_LOW: Metric = m(
    "sentiment_low",
    One,
    Level,
    Higher,
    "lowest end-of-day mean sentiment of the groups over the run",
);
/// Fake invitees.
pub const FAKE_INVITES: Metric = m(
    "fake_invites",
    One,
    Count,
    Lower,
    "fake invitees registered by reward farmers (羊毛党), each paid as an invite",
);
/// Fake invitees detected.
pub const FAKES_DETECTED: Metric = m(
    "fakes_detected",
    One,
    Count,
    Higher,
    "fake invitees detected (their rewards clawed back, once)",
);
/// Customers as the operator measures them.
pub const CUSTOMERS_MEASURED: Metric = m(
    "customers_measured",
    One,
    Count,
    Higher,
    "`customers + fake_invites`: what the operator's dashboard counts (fakes look like referred customers)",
);
/// The k-factor as measured.
pub const K_FACTOR_MEASURED: Metric = m(
    "k_factor_measured",
    One,
    Ratio,
    Higher,
    "`k_factor` with the fakes counted as referred customers: (referred + fakes) / (customers + fakes)",
);
/// The fission ratio as measured.
pub const FISSION_RATIO_MEASURED: Metric = m(
    "fission_ratio_measured",
    One,
    Ratio,
    Higher,
    "`fission_ratio` with the fakes counted as referred customers",
);
/// The acquisition cost as measured.
pub const CAC_MEASURED: Metric = m(
    "cac_measured_cents",
    One,
    Cents,
    Lower,
    "`cac_cents` with the fakes counted as acquired customers",
);
/// Compliance rules broken.
pub const COMPLIANCE_FLAGS: Metric = m(
    "compliance_flags",
    One,
    Count,
    Lower,
    "compliance rules the scenario breaks (commission levels beyond `compliance.max_commission_levels`, only with `allow_noncompliant = true`; listed in `manifest.json`)",
);
/// Customers per segment.
pub const CUSTOMERS_BY_SEGMENT: Metric = m(
    "customers_seg_<segment>",
    Seg,
    Count,
    Higher,
    "only with two or more segments: customers in the segment",
);
/// Conversion per segment.
pub const CONVERSION_BY_SEGMENT: Metric = m(
    "conversion_seg_<segment>",
    Seg,
    Share,
    Higher,
    "only with two or more segments: customers in the segment / its members",
);

/// Every `runs.csv` KPI, in column order.
pub const KPIS: &[Metric] = &[
    CUSTOMERS,
    CUSTOMERS_BY_CHANNEL,
    REACHED,
    FINAL_ACTIVE,
    FINAL_SILENT,
    FINAL_CHURNED,
    PEAK_DAY,
    DAYS_TO_HALF,
    K_FACTOR,
    FISSION_RATIO,
    VIRAL_CYCLE,
    REFERRAL_DEPTH,
    REFERRERS,
    ORDERS,
    REPEAT_ORDERS,
    REPEAT_CUSTOMERS,
    REPURCHASE_RATE,
    LIST,
    GMV,
    DISCOUNT,
    COGS,
    MARGIN,
    AD,
    KOL,
    TOUCH,
    INCENTIVE,
    SCHEME,
    BUDGET_USED,
    BUDGET_OUT_DAY,
    QUALIFIED_INVITES,
    SPEND,
    NET,
    MARKETING_COST,
    ROI,
    CAC,
    CAC_AD,
    CAC_KOL,
    CAC_VIRAL,
    LTV,
    RETENTION_D7,
    RETENTION_D30,
    RETENTION_D7_BY_CHANNEL,
    RETENTION_D30_BY_CHANNEL,
    VALUE_BY_CHANNEL,
    LIFETIME,
    SHARES,
    EXPOSURES,
    TEAMS_OPENED,
    TEAMS_FILLED,
    TEAMS_EXPIRED,
    TEAM_FILL_RATE,
    PACKETS_CLAIMED,
    INTERACTIONS,
    HIGH_ACTIVITY_SHARE,
    LIVE_ATTENDEES,
    LIVE_ORDERS,
    LIVE_INSTANT_SHARE,
    FLASH_SOLD,
    FLASH_TURNED_AWAY,
    LOTTERY_ENTRIES,
    LOTTERY_WINS,
    CHECKINS,
    TIER_MEMBERS,
    TIER_DOWNGRADES,
    TIER_ORDERS,
    PRESALE_ORDERS,
    COUPON_ORDERS,
    MATRIX_ORDERS,
    MATRIX_MEMBERS,
    CHURN_WARNINGS,
    WARNING_PRECISION,
    CHURN_OFFERS_TAKEN,
    WIN_BACK_CONTACTS,
    WIN_BACKS,
    BARGAINS_OPENED,
    BARGAINS_COMPLETED,
    BARGAIN_HELPS,
    THRESHOLD_ADOPTIONS,
    REVIEWS_POSITIVE,
    REVIEWS_NEGATIVE,
    REVIEWS_FEATURED,
    BAD_EXPERIENCES,
    NEGATIVE_HEARD,
    DISPUTES,
    DISPUTES_RESOLVED,
    SENTIMENT_END,
    SENTIMENT_LOW,
    FAKE_INVITES,
    FAKES_DETECTED,
    CUSTOMERS_MEASURED,
    K_FACTOR_MEASURED,
    FISSION_RATIO_MEASURED,
    CAC_MEASURED,
    COMPLIANCE_FLAGS,
    CUSTOMERS_BY_SEGMENT,
    CONVERSION_BY_SEGMENT,
];

/// One `daily.csv` column: its declaration and how a day's row gives its value (`i` is the
/// position of the family's part, e.g. the channel's in [`Channel::ALL`]).
#[derive(Debug, Clone, Copy)]
pub struct DailyColumn {
    /// Name, unit, direction, definition.
    pub metric: Metric,
    /// The value on a day.
    pub value: fn(&DayRow, usize) -> String,
}

/// A `const` daily column.
const fn d(
    name: &'static str,
    family: Family,
    unit: Unit,
    better: Better,
    definition: &'static str,
    value: fn(&DayRow, usize) -> String,
) -> DailyColumn {
    DailyColumn {
        metric: m(name, family, unit, better, definition),
        value,
    }
}

/// Every `daily.csv` column after the keys (`replicate`, `day`), in column order.
pub const DAILY: &[DailyColumn] = &[
    d(
        "<stage>",
        St,
        Count,
        Higher,
        "members in each stage (`unaware`, `aware`, `active`, `silent`, `churned`) at the end of the day; they sum to the population",
        |r, i| r.stages[i].to_string(),
    ),
    d(
        "customers",
        One,
        Count,
        Higher,
        "members who have bought at least once (= active + silent + churned)",
        |r, _| r.customers.to_string(),
    ),
    d(
        "new_customers",
        One,
        Count,
        Higher,
        "first purchases today",
        |r, _| r.new_customers_total().to_string(),
    ),
    d(
        "new_customers_<channel>",
        Ch,
        Count,
        Higher,
        "first purchases today by acquisition channel: `seed` (day 0), `ad`, `friend`, `group` (promotional group posts, red packets in groups), `operator` (brand content), `kol`, `team` (group-buy teams), `coupon`",
        |r, i| r.new_customers[i].to_string(),
    ),
    d(
        "exposures_<channel>",
        Ex,
        Count,
        Higher,
        "marketing touches today by channel (churned members receive none except ads)",
        |r, i| r.exposures[Channel::EXPOSURE[i] as usize].to_string(),
    ),
    d("shares", One, Count, Higher, "shares made today", |r, _| {
        r.shares.to_string()
    }),
    d(
        "dau",
        One,
        Count,
        Higher,
        "members who bought or shared today",
        |r, _| r.dau.to_string(),
    ),
    d("orders", One, Count, Higher, "orders today", |r, _| {
        r.ledger.orders.to_string()
    }),
    d(
        "repeat_orders",
        One,
        Count,
        Higher,
        "orders today by members who had bought before",
        |r, _| r.ledger.repeat_orders.to_string(),
    ),
    d(
        "gmv_cents",
        One,
        Cents,
        Higher,
        "money paid today = list price × orders − discounts",
        |r, _| r.ledger.gmv_cents.to_string(),
    ),
    d(
        "discount_cents",
        One,
        Cents,
        Lower,
        "discounts given today",
        |r, _| r.ledger.discount_cents.to_string(),
    ),
    d(
        "cogs_cents",
        One,
        Cents,
        Lower,
        "cost of goods of today's orders",
        |r, _| r.ledger.cogs_cents.to_string(),
    ),
    d(
        "margin_cents",
        One,
        Cents,
        Higher,
        "`gmv_cents − cogs_cents`",
        |r, _| r.ledger.margin_cents().to_string(),
    ),
    d(
        "ad_cents",
        One,
        Cents,
        Lower,
        "paid-ad spend today",
        |r, _| r.ledger.ad_cents.to_string(),
    ),
    d("kol_cents", One, Cents, Lower, "KOL fees today", |r, _| {
        r.ledger.kol_cents.to_string()
    }),
    d(
        "touch_cents",
        One,
        Cents,
        Lower,
        "message costs today",
        |r, _| r.ledger.touch_cents.to_string(),
    ),
    d(
        "incentive_cents",
        One,
        Cents,
        Lower,
        "cash paid by the schemes today",
        |r, _| r.ledger.incentive_cents.to_string(),
    ),
    d(
        "spend_cents",
        One,
        Cents,
        Lower,
        "`ad_cents + kol_cents + touch_cents + incentive_cents`",
        |r, _| r.ledger.spend_cents().to_string(),
    ),
    d(
        "net_cents",
        One,
        Cents,
        Higher,
        "`margin_cents − spend_cents`",
        |r, _| r.ledger.net_cents().to_string(),
    ),
    d(
        "mean_fatigue",
        One,
        Level,
        Lower,
        "mean fatigue over all members at the end of the day (after decay)",
        |r, _| format!("{:.6}", r.mean_fatigue),
    ),
    d(
        "teams_opened",
        One,
        Count,
        Higher,
        "group-buy teams opened today",
        |r, _| r.teams_opened.to_string(),
    ),
    d(
        "teams_filled",
        One,
        Count,
        Higher,
        "group-buy teams that filled today",
        |r, _| r.teams_filled.to_string(),
    ),
    d(
        "teams_expired",
        One,
        Count,
        Lower,
        "group-buy teams that expired today",
        |r, _| r.teams_expired.to_string(),
    ),
    d(
        "packets_claimed",
        One,
        Count,
        Higher,
        "red-packet shares claimed today",
        |r, _| r.packets_claimed.to_string(),
    ),
    d(
        "interactions",
        One,
        Count,
        Higher,
        "interactions today: posts read, orders, shares, live streams attended, check-ins, lottery entries",
        |r, _| r.interactions.to_string(),
    ),
    d(
        "high_activity",
        One,
        Count,
        Higher,
        "members with an engagement score at least `engagement.high_activity` at the end of the day (0 without `[engagement]`)",
        |r, _| r.high_activity.to_string(),
    ),
    d(
        "live_attendees",
        One,
        Count,
        Higher,
        "live-stream attendances today",
        |r, _| r.live_attendees.to_string(),
    ),
    d(
        "live_orders",
        One,
        Count,
        Higher,
        "orders placed while watching a live stream today",
        |r, _| r.live_orders.to_string(),
    ),
    d(
        "recap_orders",
        One,
        Count,
        Higher,
        "orders placed from a live stream's recap today",
        |r, _| r.recap_orders.to_string(),
    ),
    d(
        "flash_sold",
        One,
        Count,
        Higher,
        "flash-sale units sold today",
        |r, _| r.flash_sold.to_string(),
    ),
    d(
        "flash_turned_away",
        One,
        Count,
        Lower,
        "flash-sale readers who arrived after the stock had sold out today",
        |r, _| r.flash_turned_away.to_string(),
    ),
    d(
        "lottery_entries",
        One,
        Count,
        Higher,
        "lottery entries today",
        |r, _| r.lottery_entries.to_string(),
    ),
    d(
        "lottery_wins",
        One,
        Count,
        Higher,
        "lottery prizes won today",
        |r, _| r.lottery_wins.to_string(),
    ),
    d("checkins", One, Count, Higher, "check-ins today", |r, _| {
        r.checkins.to_string()
    }),
    d(
        "tier_members",
        One,
        Count,
        Higher,
        "members holding a membership tier at the end of the day",
        |r, _| r.tier_members.to_string(),
    ),
    d(
        "tier_downgrades",
        One,
        Count,
        Lower,
        "contribution-tier downgrades today",
        |r, _| r.tier_downgrades.to_string(),
    ),
    d(
        "tier_orders",
        One,
        Count,
        Higher,
        "orders today by members in a membership tier",
        |r, _| r.tier_orders.to_string(),
    ),
    d(
        "presale_orders",
        One,
        Count,
        Higher,
        "pre-orders placed today at the presale price",
        |r, _| r.presale_orders.to_string(),
    ),
    d(
        "coupon_orders",
        One,
        Count,
        Higher,
        "orders today that redeemed a coupon",
        |r, _| r.coupon_orders.to_string(),
    ),
    d(
        "matrix_orders_<group>",
        Gr,
        Count,
        Higher,
        "orders today by members of each group of the group matrix",
        |r, i| r.matrix_orders[i].to_string(),
    ),
    d(
        "churn_warnings",
        One,
        Count,
        Lower,
        "customers contacted by the churn warning today",
        |r, _| r.churn_warnings.to_string(),
    ),
    d(
        "churn_warnings_due",
        One,
        Count,
        Higher,
        "contacted customers whose churn was due within the lead time",
        |r, _| r.churn_warnings_due.to_string(),
    ),
    d(
        "churn_offers_taken",
        One,
        Count,
        Higher,
        "retention offers taken today",
        |r, _| r.churn_offers_taken.to_string(),
    ),
    d(
        "win_back_contacts",
        One,
        Count,
        Lower,
        "churned customers contacted by a win-back campaign today",
        |r, _| r.win_back_contacts.to_string(),
    ),
    d(
        "win_backs",
        One,
        Count,
        Higher,
        "churned customers who came back today",
        |r, _| r.win_backs.to_string(),
    ),
    d(
        "bargains_opened",
        One,
        Count,
        Higher,
        "bargains opened today",
        |r, _| r.bargains_opened.to_string(),
    ),
    d(
        "bargains_completed",
        One,
        Count,
        Higher,
        "bargains completed today",
        |r, _| r.bargains_completed.to_string(),
    ),
    d(
        "bargain_helps",
        One,
        Count,
        Higher,
        "friends who helped cut a price today",
        |r, _| r.bargain_helps.to_string(),
    ),
    d(
        "threshold_adoptions",
        One,
        Count,
        Higher,
        "members who adopted by the threshold rule today",
        |r, _| r.threshold_adoptions.to_string(),
    ),
    d(
        "reviews_positive",
        One,
        Count,
        Higher,
        "positive reviews posted today",
        |r, _| r.reviews_positive.to_string(),
    ),
    d(
        "reviews_negative",
        One,
        Count,
        Lower,
        "negative reviews posted today",
        |r, _| r.reviews_negative.to_string(),
    ),
    d(
        "reviews_featured",
        One,
        Count,
        Higher,
        "positive reviews by featured reviewers today",
        |r, _| r.reviews_featured.to_string(),
    ),
    d(
        "bad_experiences",
        One,
        Count,
        Lower,
        "bad experiences today",
        |r, _| r.bad_experiences.to_string(),
    ),
    d(
        "negative_heard",
        One,
        Count,
        Lower,
        "times negative word of mouth reached a member today",
        |r, _| r.negative_heard.to_string(),
    ),
    d(
        "disputes",
        One,
        Count,
        Lower,
        "disputes opened today",
        |r, _| r.disputes.to_string(),
    ),
    d(
        "disputes_resolved",
        One,
        Count,
        Higher,
        "disputes resolved today",
        |r, _| r.disputes_resolved.to_string(),
    ),
    d(
        "sentiment",
        One,
        Level,
        Higher,
        "mean sentiment of the groups (−1 … 1) at the end of the day",
        |r, _| format!("{:.6}", r.sentiment),
    ),
    d(
        "fake_invites",
        One,
        Count,
        Lower,
        "fake invitees registered today",
        |r, _| r.fake_invites.to_string(),
    ),
    d(
        "fakes_detected",
        One,
        Count,
        Higher,
        "fake invitees detected today",
        |r, _| r.fakes_detected.to_string(),
    ),
    d(
        "matrix_members_<group>",
        Gr,
        Count,
        Higher,
        "members of each group of the group matrix at the end of the day",
        |r, i| r.matrix_members[i].to_string(),
    ),
    d(
        "scheme_<scheme>_cents",
        Sc,
        Cents,
        Lower,
        "each scheme's cost today (its discounts plus its cash); they sum to `discount_cents + incentive_cents`",
        |r, i| r.ledger.scheme_cents[i].to_string(),
    ),
];

/// The terms of net profit with their signs: `net_cents = list − discounts − cost of goods −
/// ads − KOL fees − message costs − cash incentives` for every replicate, exactly (integer
/// cents), with the label charts and the report give each. `explain.csv` decomposes each
/// arm's paired Δnet into them.
pub const NET_TERMS: [(Metric, i64, &str); 7] = [
    (LIST, 1, "list sales"),
    (DISCOUNT, -1, "discounts"),
    (COGS, -1, "cost of goods"),
    (AD, -1, "ads"),
    (KOL, -1, "KOL fees"),
    (TOUCH, -1, "messages"),
    (INCENTIVE, -1, "cash incentives"),
];

/// `risk.csv`: each arm's risk figures over its replicates (the sources score risk as
/// likelihood × impact).
pub const RISK: &[Metric] = &[
    m(
        "p_net_negative",
        One,
        Share,
        Lower,
        "share of replicates with `net_cents < 0` (the likelihood of a loss)",
    ),
    m(
        "expected_loss_cents",
        One,
        Cents,
        Lower,
        "mean of `max(0, −net_cents)` over replicates: likelihood × impact of a loss",
    ),
    m(
        "net_p05_cents",
        One,
        Cents,
        Higher,
        "5th percentile of `net_cents` over replicates (one run in twenty does worse)",
    ),
    m(
        "p_roi_below_target",
        One,
        Share,
        Lower,
        "share of replicates whose `roi` is below `[compare] roi_target` (default 1; a replicate without a defined ROI is not counted)",
    ),
];

/// The declaration of the `runs.csv` column `column`, if it is one.
pub fn kpi(column: &str) -> Option<&'static Metric> {
    // Single metrics first, so that `customers_seg_x` is not taken for a channel.
    KPIS.iter()
        .filter(|k| k.family == One)
        .chain(KPIS.iter().filter(|k| k.family != One && k.family != Seg))
        .chain(KPIS.iter().filter(|k| k.family == Seg))
        .find(|k| k.matches(column))
}

/// The declaration of the `daily.csv` column `column`, if it is one.
pub fn daily(column: &str) -> Option<&'static Metric> {
    DAILY.iter().map(|c| &c.metric).find(|m| m.matches(column))
}

/// Which way `column` of `runs.csv` is better (higher for a column the catalog does not know).
pub fn better(column: &str) -> Better {
    kpi(column).map_or(Higher, |k| k.better)
}

/// The `daily.csv` header after the key columns.
pub fn daily_header() -> Vec<String> {
    DAILY
        .iter()
        .flat_map(|c| {
            c.metric
                .family
                .parts()
                .into_iter()
                .map(|p| c.metric.key(&p))
        })
        .collect()
}

/// The `daily.csv` values of `row`, aligned with [`daily_header`].
pub fn daily_values(row: &DayRow) -> impl Iterator<Item = String> + '_ {
    DAILY
        .iter()
        .flat_map(move |c| (0..c.metric.family.parts().len()).map(move |i| (c.value)(row, i)))
}

/// A markdown table of `metrics` (`column | unit | better | definition`), as in `outputs/README.md`.
pub fn markdown<'a>(metrics: impl IntoIterator<Item = &'a Metric>) -> String {
    let mut t = String::from("| column | unit | better | definition |\n|---|---|---|---|\n");
    for k in metrics {
        t.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            k.name,
            k.unit.name(),
            k.better.name(),
            k.definition
        ));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_expand_and_match_only_their_parts() {
        assert_eq!(CUSTOMERS_BY_CHANNEL.key("friend"), "customers_friend");
        assert_eq!(SCHEME.key("coupon"), "scheme_coupon_cents");
        assert_eq!(kpi("customers_friend"), Some(&CUSTOMERS_BY_CHANNEL));
        assert_eq!(kpi("customers_seg_vip"), Some(&CUSTOMERS_BY_SEGMENT));
        assert_eq!(kpi("scheme_coupon_cents"), Some(&SCHEME));
        assert_eq!(kpi("customers_nobody"), None);
        assert_eq!(kpi("retention_d30_kol"), Some(&RETENTION_D30_BY_CHANNEL));
        assert_eq!(better("final_churned"), Better::Lower);
        assert_eq!(better("cac_ad_cents"), Better::Lower);
        assert_eq!(better("net_cents"), Better::Higher);
    }

    /// The catalog's tables in `outputs/README.md` are what the catalog says (run with
    /// `FISSION_BLESS=1` to rewrite them after changing the catalog).
    #[test]
    fn outputs_readme_lists_the_catalog() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/outputs/README.md");
        let text = std::fs::read_to_string(path).unwrap();
        let mut fixed = text.clone();
        for (tag, table) in [
            ("daily", markdown(DAILY.iter().map(|c| &c.metric))),
            ("runs", markdown(KPIS)),
            ("risk", markdown(RISK)),
        ] {
            let (open, close) = (
                format!("<!-- catalog:{tag} -->\n"),
                format!("<!-- /catalog:{tag} -->"),
            );
            let a = fixed.find(&open).expect("opening marker") + open.len();
            let b = fixed.find(&close).expect("closing marker");
            fixed.replace_range(a..b, &table);
        }
        if std::env::var_os("FISSION_BLESS").is_some() {
            std::fs::write(path, &fixed).unwrap();
        }
        assert!(
            text == fixed,
            "outputs/README.md is out of date with src/metrics/catalog.rs; run \
             FISSION_BLESS=1 cargo test --lib catalog"
        );
    }

    #[test]
    fn names_are_declared_once() {
        for (i, a) in KPIS.iter().enumerate() {
            assert!(
                KPIS[..i].iter().all(|b| b.name != a.name),
                "{} twice",
                a.name
            );
        }
        let header = daily_header();
        for (i, a) in header.iter().enumerate() {
            assert!(!header[..i].contains(a), "{a} twice in daily.csv");
        }
        assert_eq!(header.len(), daily_values(&DayRow::default()).count());
    }
}
