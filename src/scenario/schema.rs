//! The scenario file schema: one serde struct per TOML table, every default filled in.
//!
//! Field names are the TOML keys. Every table rejects unknown keys. Defaults make every mechanism
//! off and every multiplier neutral, so a file that sets only what a canonical model needs is
//! exactly that model. Serializing a [`Scenario`] gives the resolved file (`scenario.resolved.toml`).

use serde::{Deserialize, Serialize};

use super::dist::Dist;
pub use super::schemes::*;
use crate::model::Channel;

/// One experiment: population, graph, economics, behaviour and the Monte Carlo settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Name of the experiment; also the default output folder `outputs/<name>/`.
    pub name: String,
    /// The question the experiment answers, shown at the top of the report.
    #[serde(default)]
    pub description: String,
    /// Simulated days after day 0 (the seeding day).
    #[serde(default = "defaults::days")]
    pub days: u32,
    /// Monte Carlo replicates.
    #[serde(default = "defaults::replicates")]
    pub replicates: u32,
    /// Master seed; every random draw derives from it.
    #[serde(default = "defaults::seed")]
    pub seed: u64,
    /// Segments and their attribute distributions.
    #[serde(default)]
    pub population: Population,
    /// The social graph (exactly one generator or an edge list).
    pub graph: GraphSpec,
    /// Initial customers on day 0.
    #[serde(default)]
    pub seeding: Seeding,
    /// Product economics.
    #[serde(default)]
    pub product: Product,
    /// The purchase decision.
    #[serde(default)]
    pub behaviour: Behaviour,
    /// Word of mouth after a purchase.
    #[serde(default)]
    pub share: Share,
    /// Over-marketing fatigue.
    #[serde(default)]
    pub fatigue: Fatigue,
    /// Repeat purchases; absent = customers buy once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repurchase: Option<Repurchase>,
    /// Active → Silent → Churned.
    #[serde(default)]
    pub churn: Churn,
    /// What the brand's own messages cost; absent = nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub touch_cost: Option<TouchCost>,
    /// What a customer is worth by acquisition channel; absent = the same for every channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_value: Option<CustomerValue>,
    /// Paid public-domain ads; absent = no ads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ads: Option<Ads>,
    /// Referral rewards (邀请好友); absent = off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral: Option<Referral>,
    /// Group buying (拼团); absent = off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_buy: Option<GroupBuy>,
    /// Rewards for sharing (分享有礼); absent = off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_reward: Option<ShareReward>,
    /// Coupon drop schedules (优惠券); empty = none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coupon: Vec<Coupon>,
    /// Red packets (红包); absent = off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub red_packet: Option<RedPacket>,
    /// Points and membership tiers (积分 / 会员等级); absent = off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<Points>,
    /// Multi-level commission (分销); absent = off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commission: Option<Commission>,
    /// The regulatory line on commission levels.
    #[serde(default)]
    pub compliance: Compliance,
    /// Community groups (社群); absent = none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Groups>,
    /// The brand's posts in the groups; needs `[groups]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub posting_policy: Option<PostingPolicy>,
    /// KOL and KOC campaigns; empty = none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kol_campaign: Vec<KolCampaign>,
    /// `[[live_stream]]`: scheduled live streams; empty = none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub live_stream: Vec<LiveStream>,
    /// `[[flash_sale]]`: flash sales; empty = none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flash_sale: Vec<FlashSale>,
    /// `[[festival]]`: festival windows; empty = none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub festival: Vec<Festival>,
    /// `[engagement]`: members' activity as a decaying interaction score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engagement: Option<Engagement>,
    /// `[lottery]`: a lottery or blind box.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lottery: Option<Lottery>,
    /// `[checkin]`: periodic check-ins with streak rewards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkin: Option<Checkin>,
    /// `[contribution]`: a rolling contribution score and its tiers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contribution: Option<Contribution>,
    /// `[first_order]`: the new-user offer on first orders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_order: Option<FirstOrder>,
    /// `[presale]`: pre-orders at a presale price, delivered later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presale: Option<Presale>,
    /// `[group_matrix]`: onboarding, incubation and high-value groups for customers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_matrix: Option<GroupMatrix>,
    /// `[churn_warning]`: churn early warning and retention offers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub churn_warning: Option<ChurnWarning>,
    /// `[win_back]`: campaigns that bring churned customers back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub win_back: Option<WinBack>,
    /// `[bargain]`: friends cut the price to a target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bargain: Option<Bargain>,
    /// `[fraud]`: reward farmers with fake invitees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fraud: Option<Fraud>,
    /// `[threshold]`: the fractional-threshold adoption rule (complex contagion).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<Threshold>,
    /// `[reviews]`: customers' reviews and the UGC leaderboard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviews: Option<Reviews>,
    /// `[negative_wom]`: bad experiences, negative word of mouth, group sentiment, moderation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negative_wom: Option<NegativeWom>,
}

/// `[population]`: the segments members are drawn from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Population {
    /// `[[population.segments]]`; absent = one segment `all` with the population defaults.
    #[serde(default = "defaults::segments")]
    pub segments: Vec<Segment>,
}

impl Default for Population {
    fn default() -> Self {
        Self {
            segments: defaults::segments(),
        }
    }
}

/// One `[[population.segments]]` entry. Attributes left out use the population-wide defaults
/// (`behaviour.price_elasticity`, `behaviour.activity`, `share.p_share`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Segment {
    /// Segment name, used in outputs.
    pub name: String,
    /// Fraction of members in this segment; the shares sum to 1.
    pub share: f64,
    /// Price elasticity ε ≥ 0 of members of this segment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_elasticity: Option<Dist>,
    /// Activity multiplier ≥ 0 on every purchase probability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<Dist>,
    /// Probability of sharing after a purchase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_share: Option<Dist>,
}

/// `[graph]`: exactly one generator table, or `[graph.edge_list]`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GraphSpec {
    /// Fraction of edges that are strong ties (drawn per edge; edge-list files may give the class).
    #[serde(default)]
    pub strong_share: f64,
    /// Draw a fresh generated graph for every replicate instead of one shared graph.
    #[serde(default)]
    pub resample: bool,
    /// `[graph.erdos_renyi]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erdos_renyi: Option<ErdosRenyi>,
    /// `[graph.barabasi_albert]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub barabasi_albert: Option<BarabasiAlbert>,
    /// `[graph.watts_strogatz]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watts_strogatz: Option<WattsStrogatz>,
    /// `[graph.holme_kim]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holme_kim: Option<HolmeKim>,
    /// `[graph.stochastic_block]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stochastic_block: Option<StochasticBlock>,
    /// `[graph.configuration]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration: Option<Configuration>,
    /// `[graph.edge_list]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edge_list: Option<EdgeList>,
}

/// G(n, p) random graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErdosRenyi {
    /// Members.
    pub n: u32,
    /// Mean degree; the edge probability is `mean_degree / (n − 1)`.
    pub mean_degree: f64,
}

/// Preferential attachment (networkx convention: `m · (n − m)` edges).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BarabasiAlbert {
    /// Members.
    pub n: u32,
    /// Edges each new member attaches with.
    pub m: u32,
}

/// Small-world ring lattice with rewiring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WattsStrogatz {
    /// Members.
    pub n: u32,
    /// Each member's lattice neighbours (even).
    pub k: u32,
    /// Rewiring probability per edge.
    pub p: f64,
}

/// Holme–Kim clustered scale-free graph (preferential attachment plus triad formation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolmeKim {
    /// Members.
    pub n: u32,
    /// Edges each new member attaches with.
    pub m: u32,
    /// Probability of closing a triangle after each preferential edge.
    pub p_triad: f64,
}

/// Planted communities: blocks of given sizes, edge probabilities inside and between blocks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StochasticBlock {
    /// Members per block; the graph has their sum.
    pub sizes: Vec<u32>,
    /// Edge probability inside a block.
    pub p_in: f64,
    /// Edge probability between blocks.
    pub p_out: f64,
}

/// Configuration model on a power-law degree sequence (self-loops and multi-edges erased).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Configuration {
    /// Members.
    pub n: u32,
    /// Power-law exponent γ > 1 of `P(k) ∝ k^−γ`.
    pub gamma: f64,
    /// Smallest degree.
    #[serde(default = "defaults::min_degree")]
    pub min_degree: u32,
    /// Largest degree (default √n, the structural cut-off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_degree: Option<u32>,
}

/// A SNAP-style edge-list file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EdgeList {
    /// Path relative to the scenario file.
    pub path: String,
    /// Whether the first line is a header row (default: when every field of it is a column
    /// name such as `source`, `target`, `weight`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<bool>,
    /// Edges whose numeric third column (a weight) is at least this are strong ties; without
    /// it, weights are read and ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strong_weight: Option<f64>,
}

/// `[seeding]`: initial customers on day 0.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seeding {
    /// Number of seed customers chosen by `strategy`.
    #[serde(default)]
    pub count: u32,
    /// How `count` seeds are chosen.
    #[serde(default)]
    pub strategy: SeedStrategy,
    /// Explicit seed members (ids as in the edge-list file, numbers or names; 0-based for
    /// generated graphs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<MemberRef>,
}

/// A member as the scenario names it: a number, or a name from an edge list with named ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MemberRef {
    /// A numeric id.
    Number(u64),
    /// A name.
    Name(String),
}

impl From<u64> for MemberRef {
    fn from(id: u64) -> Self {
        MemberRef::Number(id)
    }
}

impl From<&str> for MemberRef {
    fn from(name: &str) -> Self {
        MemberRef::Name(name.to_string())
    }
}

impl std::fmt::Display for MemberRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MemberRef::Number(n) => write!(f, "{n}"),
            MemberRef::Name(s) => write!(f, "{s:?}"),
        }
    }
}

/// How seed customers are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeedStrategy {
    /// Uniformly at random (different per replicate).
    #[default]
    Random,
    /// The highest-degree members (ties broken by id).
    TopDegree,
}

/// `[product]`: what one order costs and earns, in cents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// List price of one order.
    #[serde(default = "defaults::list_price_cents")]
    pub list_price_cents: i64,
    /// Cost of goods of one order.
    #[serde(default)]
    pub unit_cost_cents: i64,
    /// The currency symbol reports and charts put before money (amounts stay in cents, 1/100
    /// of the currency unit).
    #[serde(default = "defaults::currency")]
    pub currency: String,
}

impl Default for Product {
    fn default() -> Self {
        Self {
            list_price_cents: defaults::list_price_cents(),
            unit_cost_cents: 0,
            currency: defaults::currency(),
        }
    }
}

/// `[behaviour]`: the purchase decision `p = p_buy[c] · tie · price · herd · activity · (1 − f)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Behaviour {
    /// Base conversion probability per exposure, by channel.
    #[serde(default)]
    pub p_buy: ChannelProbabilities,
    /// Herd effect: multiplier `1 + herd · k` with `k` = friends who are customers.
    #[serde(default)]
    pub herd: f64,
    /// Multiplier on friend exposures over a strong tie.
    #[serde(default = "defaults::one")]
    pub tie_strong: f64,
    /// Multiplier on friend exposures over a weak tie.
    #[serde(default = "defaults::one")]
    pub tie_weak: f64,
    /// Population default price elasticity ε ≥ 0 (segments may override).
    #[serde(default = "defaults::zero_dist")]
    pub price_elasticity: Dist,
    /// Population default activity multiplier ≥ 0 (segments may override).
    #[serde(default = "defaults::one_dist")]
    pub activity: Dist,
}

impl Default for Behaviour {
    fn default() -> Self {
        Self {
            p_buy: ChannelProbabilities::default(),
            herd: 0.0,
            tie_strong: 1.0,
            tie_weak: 1.0,
            price_elasticity: defaults::zero_dist(),
            activity: defaults::one_dist(),
        }
    }
}

/// `[behaviour.p_buy]`: conversion probability per exposure on each channel.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelProbabilities {
    /// A friend's share.
    #[serde(default)]
    pub friend: f64,
    /// A paid ad impression.
    #[serde(default)]
    pub ad: f64,
    /// A promotional post read in a community group, or a red packet claimed there.
    #[serde(default)]
    pub group: f64,
    /// A brand-content (non-promotional) post read in a community group.
    #[serde(default)]
    pub operator: f64,
    /// A KOL or KOC post (times the campaign's credibility).
    #[serde(default)]
    pub kol: f64,
    /// A group-buy team invite from a friend (at the group price).
    #[serde(default)]
    pub team: f64,
    /// A coupon drop.
    #[serde(default)]
    pub coupon: f64,
    /// Watching a live stream (times its impulse multiplier while it runs), or reading its
    /// recap.
    #[serde(default)]
    pub live: f64,
    /// A flash-sale announcement (at the flash price, while stock lasts).
    #[serde(default)]
    pub flash: f64,
    /// A positive review read (times the review's lift; a negative review converts nobody).
    #[serde(default)]
    pub review: f64,
}

/// `[share]`: who shares after a purchase, and whom a share reaches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Share {
    /// Population default probability of sharing the day after a purchase (segments may override).
    #[serde(default = "defaults::zero_dist")]
    pub p_share: Dist,
    /// Probability that a share reaches each friend (1 = a Moments post seen by all friends).
    #[serde(default = "defaults::one")]
    pub reach: f64,
    /// If set, a share reaches exactly `k` random friends instead (all if fewer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub k: Option<u32>,
    /// With `k`, pick strong-tie friends first.
    #[serde(default)]
    pub prefer_strong: bool,
    /// Probability that an active customer shares again on each later day.
    #[serde(default)]
    pub p_share_daily: f64,
    /// Reward sensitivity κ ≥ 0 of the decision to share after a purchase:
    /// `p = 1 − (1 − p_share)·exp(−κ · expected reward / list price)`.
    #[serde(default)]
    pub kappa: f64,
}

impl Default for Share {
    fn default() -> Self {
        Self {
            p_share: defaults::zero_dist(),
            reach: 1.0,
            k: None,
            prefer_strong: false,
            p_share_daily: 0.0,
            kappa: 0.0,
        }
    }
}

/// `[fatigue]`: every marketing message adds fatigue; fatigue decays daily.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fatigue {
    /// Fatigue added by each exposure (0 = fatigue off).
    #[serde(default)]
    pub per_message: f64,
    /// Fatigue added by a promotional group post (default: `per_message`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_promo_message: Option<f64>,
    /// Fraction of fatigue kept from one day to the next.
    #[serde(default = "defaults::fatigue_decay")]
    pub decay: f64,
}

impl Default for Fatigue {
    fn default() -> Self {
        Self {
            per_message: 0.0,
            per_promo_message: None,
            decay: defaults::fatigue_decay(),
        }
    }
}

/// `[repurchase]`: customers' needs recur and turn into repeat orders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Repurchase {
    /// Mean days from a purchase (or a lapsed need) to the next need.
    pub mean_interval_days: f64,
    /// Distribution of the interval.
    #[serde(default)]
    pub interval: IntervalKind,
    /// Shape of the gamma interval (ignored for geometric).
    #[serde(default = "defaults::gamma_shape")]
    pub gamma_shape: f64,
    /// Probability that a due need becomes an order.
    #[serde(default = "defaults::one")]
    pub p_buy: f64,
}

/// Distribution of the days between needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntervalKind {
    /// Memoryless: 1 + Geometric, mean `mean_interval_days`.
    #[default]
    Geometric,
    /// Gamma(`gamma_shape`) with mean `mean_interval_days`, rounded up to whole days.
    Gamma,
}

/// `[churn]`: customers' stage transitions.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Churn {
    /// Daily churn hazard of an active or silent customer.
    #[serde(default)]
    pub base: f64,
    /// Extra hazard per unit of fatigue (fatigue capped at 1).
    #[serde(default)]
    pub fatigue_weight: f64,
    /// Days without a purchase after which an active customer becomes silent (0 = never).
    #[serde(default)]
    pub silent_after_days: u32,
}

/// `[touch_cost]`: what one exposure the brand sends costs, by channel (an SMS or push with a
/// coupon, a post read in a group, a live-stream or flash-sale notice); booked as `touch_cents`
/// in the marketing spend. Ads have their CPM, friends' shares and KOL posts cost nothing here.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TouchCost {
    /// Cents per coupon-drop exposure.
    #[serde(default)]
    pub coupon_cents: i64,
    /// Cents per promotional group-post read.
    #[serde(default)]
    pub group_cents: i64,
    /// Cents per brand-content read.
    #[serde(default)]
    pub operator_cents: i64,
    /// Cents per live-stream exposure.
    #[serde(default)]
    pub live_cents: i64,
    /// Cents per flash-sale exposure.
    #[serde(default)]
    pub flash_cents: i64,
}

impl TouchCost {
    /// Cents per exposure on every channel ([`Channel`] order).
    pub fn by_channel(&self) -> [i64; Channel::ALL.len()] {
        let mut c = [0; Channel::ALL.len()];
        c[Channel::Coupon as usize] = self.coupon_cents;
        c[Channel::Group as usize] = self.group_cents;
        c[Channel::Operator as usize] = self.operator_cents;
        c[Channel::Live as usize] = self.live_cents;
        c[Channel::Flash as usize] = self.flash_cents;
        c
    }
}

/// `[customer_value.<channel>]`: how the channel a customer was acquired through changes their
/// churn hazard, their repurchase probability and the value of each of their orders (e.g.
/// referred customers churn less and buy more). Channels left out are neutral.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerValue {
    /// Seed customers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<ChannelValue>,
    /// Customers won by ads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ad: Option<ChannelValue>,
    /// Customers won by a friend's share.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub friend: Option<ChannelValue>,
    /// Customers won by a promotional group post or a red packet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<ChannelValue>,
    /// Customers won by brand content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<ChannelValue>,
    /// Customers won by a KOL or KOC post.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kol: Option<ChannelValue>,
    /// Customers won through a group-buy team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<ChannelValue>,
    /// Customers won by a coupon drop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon: Option<ChannelValue>,
    /// Customers won by a live stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live: Option<ChannelValue>,
    /// Customers won by a flash sale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flash: Option<ChannelValue>,
    /// Customers won by a review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<ChannelValue>,
}

impl CustomerValue {
    /// The multipliers of customers acquired through `channel`, and its TOML key.
    pub fn entries(&self) -> [(Channel, &Option<ChannelValue>); Channel::ALL.len()] {
        use Channel as C;
        [
            (C::Seed, &self.seed),
            (C::Ad, &self.ad),
            (C::Friend, &self.friend),
            (C::Group, &self.group),
            (C::Operator, &self.operator),
            (C::Kol, &self.kol),
            (C::Team, &self.team),
            (C::Coupon, &self.coupon),
            (C::Live, &self.live),
            (C::Flash, &self.flash),
            (C::Review, &self.review),
        ]
    }
}

/// The multipliers of one acquisition channel (1 = as every other customer).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelValue {
    /// Multiplier on the daily churn hazard (before any protection).
    #[serde(default = "defaults::one")]
    pub churn: f64,
    /// Multiplier on the probability of buying when a need falls due.
    #[serde(default = "defaults::one")]
    pub repurchase: f64,
    /// Multiplier on every order's list value and cost of goods (a bigger or smaller basket);
    /// discounts stay what each mechanism gives per order.
    #[serde(default = "defaults::one")]
    pub order_value: f64,
}

impl Default for ChannelValue {
    fn default() -> Self {
        Self {
            churn: 1.0,
            repurchase: 1.0,
            order_value: 1.0,
        }
    }
}

/// Default values, one function per key (serde needs functions).
pub(crate) mod defaults {
    use super::{Dist, Segment};

    pub fn days() -> u32 {
        90
    }
    pub fn replicates() -> u32 {
        100
    }
    pub fn seed() -> u64 {
        1
    }
    pub fn segments() -> Vec<Segment> {
        vec![Segment {
            name: "all".into(),
            share: 1.0,
            price_elasticity: None,
            activity: None,
            p_share: None,
        }]
    }
    pub fn min_degree() -> u32 {
        1
    }
    pub fn list_price_cents() -> i64 {
        10_000
    }
    pub fn currency() -> String {
        "¥".into()
    }
    pub fn one() -> f64 {
        1.0
    }
    pub fn one_u32() -> u32 {
        1
    }
    pub fn thirty_u32() -> u32 {
        30
    }
    pub fn yes() -> bool {
        true
    }
    pub fn zero_dist() -> Dist {
        Dist::Constant(0.0)
    }
    pub fn one_dist() -> Dist {
        Dist::Constant(1.0)
    }
    pub fn fatigue_decay() -> f64 {
        0.9
    }
    pub fn gamma_shape() -> f64 {
        2.0
    }
    pub fn max_commission_levels() -> u32 {
        2
    }
    pub fn group_capacity() -> u32 {
        500
    }
    pub fn group_size() -> Dist {
        Dist::Constant(200.0)
    }
}
