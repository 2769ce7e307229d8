//! Random numbers keyed by what they decide.
//!
//! Every random decision in a replicate is a pure function of
//! `(master seed, replicate, stream, day, a, b)`: the uniform draw for "does member 17 buy from
//! the share of member 4 on day 9" is the same whatever else happened before it, in whatever
//! order, on whatever thread. That gives byte-identical output for any thread count and common
//! random numbers across variants: two variants of a scenario differ only where their rules differ.
//!
//! Key conventions:
//! - Every decision has its own [`Stream`]; a stream that several campaigns, schedules or posts
//!   use carries their number as its identifier. A stream is never shared by two call sites.
//! - The key of a day is `mix64(stream key ^ day · D)`, where the stream key is the replicate's
//!   key for the stream's number, mixed with `mix64(identifier · φ)` when it has one: the day
//!   slot is the day and nothing else.
//! - Within a day, `(a, b)` tell the draws apart: `a` is the member the decision is about,
//!   `b` the other party (the sender, the KOL, the group) or a running draw number.
//! - A decision that follows another one (a team opened on an exposure) derives its key from
//!   the first with [`DayDraws::then`], not by salting `b`.
//! - Tests audit this: with [`audit`] on, every draw's input is recorded with its stream, and a
//!   replicate with every mechanism on draws no input for two streams.
//!
//! The generator is the SplitMix64 output function applied to a Weyl sequence whose start is
//! derived from the key, i.e. the `c`-th output of a SplitMix64 stream seeded by the key. Streams
//! that need many sequential draws (graph generation) use a named portable generator,
//! [`Xoshiro256PlusPlus`], seeded from the same kind of key.

use rand::SeedableRng;
pub use rand_xoshiro::Xoshiro256PlusPlus;

/// The golden-ratio increment of SplitMix64.
const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// The SplitMix64 finaliser: a bijective 64-bit mixing function.
#[inline]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// What a random draw decides: one variant per decision, with the identifiers that tell its
/// draws apart (a campaign, a coupon schedule, a post). A draw's key is the replicate's key,
/// then the stream's number, then its identifier, then the day, each hashed in full
/// ([`Draws::day`]), so two streams never share a key and a sub-key never borrows the day slot.
/// The numbers are part of the keys: add streams at the end, never renumber.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stream {
    /// Generating the social graph.
    Graph,
    /// Assigning each member to a segment.
    Segment,
    /// Drawing attribute `index` (elasticity, activity, share propensity) of each member.
    Attribute {
        /// Which attribute.
        index: u32,
    },
    /// Choosing random seed customers.
    Seeding,
    /// Choosing which member an ad impression reaches.
    AdTarget,
    /// Whether a friend's share converts into a purchase.
    FriendPurchase,
    /// Whether a buyer shares the day after the purchase.
    ShareDecision,
    /// Which friends a share reaches.
    ShareReach,
    /// Days from a purchase until the customer's first daily share (`p_share_daily`).
    DailyShareStart,
    /// Days until a customer shares again (`p_share_daily`).
    DailyShareAgain,
    /// Days until a repurchase need falls due.
    NeedInterval,
    /// Whether a due need turns into an order.
    Repurchase,
    /// Candidate churn days (thinning bound).
    ChurnCandidate,
    /// Acceptance of a candidate churn day.
    ChurnAccept,
    /// Tie class of a generated edge.
    TieClass,
    /// Whether an ad impression converts into a purchase.
    AdPurchase,
    /// Which friends of a share buy, when the probability is the same for every friend.
    ShareBuyers,
    /// How a red packet is split.
    RedPacketSplit,
    /// Who sees a red packet, and in which order they claim.
    RedPacketClaim,
    /// Whether a red packet's claimer buys.
    RedPacketPurchase,
    /// Whether an exposure opens a group-buy team (follows the exposure's purchase key).
    TeamOpen,
    /// Which friends a team leader invites.
    TeamInvite,
    /// Whether an invited friend joins a team.
    TeamJoin,
    /// Strangers filling open teams from the pool.
    StrangerFill,
    /// Whether a member of an expired team buys alone.
    Fallback,
    /// Label propagation of the community groups.
    GroupLabels,
    /// Which members are in a community group at all (`groups.coverage`).
    GroupCover,
    /// The order members are dealt into groups.
    GroupOrder,
    /// Group sizes.
    GroupSize,
    /// Who reads post `post` of the day in a group.
    GroupRead {
        /// The post's number that day.
        post: u32,
    },
    /// Whether a reader of post `post` of the day buys.
    GroupPostPurchase {
        /// The post's number that day.
        post: u32,
    },
    /// Picking the KOLs of a campaign.
    KolPick {
        /// The campaign (position in `[[kol_campaign]]`).
        campaign: u32,
    },
    /// Picking the KOCs of a campaign.
    KocPick {
        /// The campaign.
        campaign: u32,
    },
    /// Picking each KOL's extra followers.
    KolFollowers {
        /// The campaign.
        campaign: u32,
    },
    /// Whether a friend of a KOL buys from the campaign's post.
    KolPostPurchase {
        /// The campaign.
        campaign: u32,
    },
    /// Whether an extra follower of KOL `kol` buys from the campaign's post.
    KolFollowerPurchase {
        /// The campaign.
        campaign: u32,
        /// The KOL.
        kol: u32,
    },
    /// Whether a coupon drop of schedule `schedule` converts.
    CouponPurchase {
        /// The schedule (position in `[[coupon]]`).
        schedule: u32,
    },
    /// Sampling sweep points (`random`, `lhs`).
    SweepPoint,
    /// Who reads a live stream's community preview.
    LivePreview {
        /// The entry (position in `[[live_stream]]`).
        stream: u32,
    },
    /// Whether a reader of a live stream's preview buys.
    LivePreviewPurchase {
        /// The entry.
        stream: u32,
    },
    /// Who attends a live stream.
    LiveAttend {
        /// The entry.
        stream: u32,
    },
    /// Which friends an attending customer invites to a live stream.
    LiveInvite {
        /// The entry.
        stream: u32,
    },
    /// The order attendees arrive in (who gets in when the room is full).
    LiveArrival {
        /// The entry.
        stream: u32,
    },
    /// Whether an attendee buys during the stream.
    LivePurchase {
        /// The entry.
        stream: u32,
    },
    /// Who reads a live stream's recap, and whether they buy.
    LiveRecap {
        /// The entry.
        stream: u32,
    },
    /// Who reads a flash sale's announcement.
    FlashRead {
        /// The sale (position in `[[flash_sale]]`).
        sale: u32,
    },
    /// The order flash-sale readers arrive in (who gets the stock).
    FlashArrival {
        /// The sale.
        sale: u32,
    },
    /// Whether a flash-sale reader buys.
    FlashPurchase {
        /// The sale.
        sale: u32,
    },
    /// Whether an interaction, share or order enters the lottery.
    LotteryEntry,
    /// Whether a lottery entry wins.
    LotteryWin,
    /// Who checks in on a check-in day.
    CheckinJoin,
    /// Whether a new customer joins the group matrix's onboarding group.
    MatrixJoin,
    /// Who reads a group-matrix post.
    MatrixRead {
        /// The stage (high 16 bits) and the post of the day (low 16 bits).
        post: u32,
    },
    /// Whether a reader of a group-matrix post buys.
    MatrixPurchase {
        /// The stage and the post, as in [`Stream::MatrixRead`].
        post: u32,
    },
    /// A customer's churn-warning risk score.
    WarningScore,
    /// Whether a contacted customer takes the retention offer.
    WarningSuccess,
    /// Whether a win-back campaign reaches a churned customer.
    WinBackReach,
    /// Whether a reached churned customer comes back.
    WinBackReturn,
    /// Whether a member farms rewards.
    FraudFarmer,
    /// Whether a fake invitee is detected.
    FraudDetect,
    /// Whether a member who decides to buy opens a bargain.
    BargainOpen,
    /// The order an initiator asks their friends in.
    BargainAsk,
    /// Whether an asked friend helps cut the price.
    BargainHelp,
    /// Whether a helper buys.
    BargainHelperPurchase,
    /// Whether an initiator whose bargain failed buys anyway.
    BargainFallback,
    /// Each member's adoption threshold.
    Threshold,
    /// Whether a tipped member buys.
    ThresholdAdopt,
    /// Whether a buyer posts a review of an order.
    ReviewPost,
    /// Whether a review is positive (the product satisfied and the delivery went well).
    ReviewValence,
    /// Whether a review reaches a friend of the reviewer.
    ReviewReach,
    /// Whether a friend who read a review buys.
    ReviewPurchase,
    /// Whether a group member reads a review posted in the group.
    ReviewGroupRead,
    /// Whether a group member who read a review buys.
    ReviewGroupPurchase,
    /// Which members a featured reviewer's review reaches beyond friends and group.
    ReviewFeatured,
    /// Whether a member reached by a featured review buys.
    ReviewFeaturedPurchase,
    /// Whether a member with a bad experience (or who heard of one) tells a friend.
    NegativeTell,
    /// Whether an order turns into a dispute.
    Dispute,
    /// Whether moderation resolves a dispute before it spreads.
    DisputeResolve,
    /// Which members hear of trust shock `shock` directly.
    ShockHear {
        /// Position in `[[negative_wom.shocks]]`.
        shock: u32,
    },
    /// Calibration proposals (prior draws, resampling and the kernel's moves).
    CalibrationProposal,
}

impl Stream {
    /// The stream's number and its identifier (0 = none; otherwise 1 + the identifier).
    fn id(self) -> (usize, u64) {
        use Stream as S;
        let one = |x: u32| u64::from(x) + 1;
        match self {
            S::Graph => (1, 0),
            S::Segment => (2, 0),
            S::Attribute { index } => (3, one(index)),
            S::Seeding => (4, 0),
            S::AdTarget => (5, 0),
            S::FriendPurchase => (6, 0),
            S::ShareDecision => (7, 0),
            S::ShareReach => (8, 0),
            S::DailyShareAgain => (9, 0),
            S::NeedInterval => (10, 0),
            S::Repurchase => (11, 0),
            S::ChurnCandidate => (12, 0),
            S::ChurnAccept => (13, 0),
            S::TieClass => (14, 0),
            S::AdPurchase => (15, 0),
            S::ShareBuyers => (16, 0),
            S::RedPacketSplit => (17, 0),
            S::RedPacketClaim => (18, 0),
            S::TeamOpen => (19, 0),
            S::TeamInvite => (20, 0),
            S::TeamJoin => (21, 0),
            S::StrangerFill => (22, 0),
            S::Fallback => (23, 0),
            S::GroupLabels => (24, 0),
            S::GroupRead { post } => (25, one(post)),
            S::GroupPostPurchase { post } => (26, one(post)),
            S::KolPick { campaign } => (27, one(campaign)),
            S::SweepPoint => (28, 0),
            S::DailyShareStart => (29, 0),
            S::RedPacketPurchase => (30, 0),
            S::GroupCover => (31, 0),
            S::GroupOrder => (32, 0),
            S::GroupSize => (33, 0),
            S::KocPick { campaign } => (34, one(campaign)),
            S::KolFollowers { campaign } => (35, one(campaign)),
            S::KolPostPurchase { campaign } => (36, one(campaign)),
            S::KolFollowerPurchase { campaign, kol } => {
                (37, (u64::from(campaign) << 32 | u64::from(kol)) + 1)
            }
            S::CouponPurchase { schedule } => (38, one(schedule)),
            S::LivePreview { stream } => (39, one(stream)),
            S::LivePreviewPurchase { stream } => (40, one(stream)),
            S::LiveAttend { stream } => (41, one(stream)),
            S::LiveInvite { stream } => (42, one(stream)),
            S::LiveArrival { stream } => (43, one(stream)),
            S::LivePurchase { stream } => (44, one(stream)),
            S::LiveRecap { stream } => (45, one(stream)),
            S::FlashRead { sale } => (46, one(sale)),
            S::FlashArrival { sale } => (47, one(sale)),
            S::FlashPurchase { sale } => (48, one(sale)),
            S::LotteryEntry => (49, 0),
            S::LotteryWin => (50, 0),
            S::CheckinJoin => (51, 0),
            S::MatrixJoin => (52, 0),
            S::MatrixRead { post } => (53, one(post)),
            S::MatrixPurchase { post } => (54, one(post)),
            S::WarningScore => (55, 0),
            S::WarningSuccess => (56, 0),
            S::WinBackReach => (57, 0),
            S::WinBackReturn => (58, 0),
            S::FraudFarmer => (59, 0),
            S::FraudDetect => (60, 0),
            S::BargainOpen => (61, 0),
            S::BargainAsk => (62, 0),
            S::BargainHelp => (63, 0),
            S::BargainHelperPurchase => (64, 0),
            S::BargainFallback => (65, 0),
            S::Threshold => (66, 0),
            S::ThresholdAdopt => (67, 0),
            S::ReviewPost => (68, 0),
            S::ReviewValence => (69, 0),
            S::ReviewReach => (70, 0),
            S::ReviewPurchase => (71, 0),
            S::ReviewGroupRead => (72, 0),
            S::ReviewGroupPurchase => (73, 0),
            S::ReviewFeatured => (74, 0),
            S::ReviewFeaturedPurchase => (75, 0),
            S::NegativeTell => (76, 0),
            S::Dispute => (77, 0),
            S::DisputeResolve => (78, 0),
            S::ShockHear { shock } => (79, one(shock)),
            S::CalibrationProposal => (80, 0),
        }
    }
}

/// Number of stream numbers; keeps the per-stream key table fixed-size.
pub const STREAMS: usize = 81;

/// The per-replicate key from which every keyed draw of that replicate derives.
#[derive(Debug, Clone, Copy)]
pub struct Draws {
    stream_keys: [u64; STREAMS],
}

impl Draws {
    /// The draws of replicate `replicate` under master seed `seed`. Independent of the variant.
    pub fn new(seed: u64, replicate: u64) -> Self {
        let base = mix64(mix64(seed ^ 0x6669_7373_696F_6E00).wrapping_add(mix64(replicate)));
        let mut stream_keys = [0; STREAMS];
        for (p, key) in stream_keys.iter_mut().enumerate() {
            *key = mix64(base.wrapping_add((p as u64 + 1).wrapping_mul(GOLDEN)));
        }
        Self { stream_keys }
    }

    /// The key of the stream itself, identifier included.
    #[inline]
    fn stream_key(&self, stream: Stream) -> u64 {
        let (number, sub) = stream.id();
        let key = self.stream_keys[number];
        if sub == 0 {
            key
        } else {
            mix64(key ^ mix64(sub.wrapping_mul(GOLDEN)))
        }
    }

    /// The key of all draws of `stream` on `day`; hoist it out of loops.
    #[inline]
    pub fn day(&self, stream: Stream, day: u32) -> DayDraws {
        DayDraws::new(
            mix64(self.stream_key(stream) ^ u64::from(day).wrapping_mul(DAY)),
            stream,
        )
    }

    /// A sequential generator for `stream`, e.g. for graph generation.
    pub fn stream(&self, stream: Stream) -> Xoshiro256PlusPlus {
        Xoshiro256PlusPlus::seed_from_u64(self.stream_key(stream))
    }
}

/// The multiplier that spreads days over the key space.
const DAY: u64 = 0xD6E8_FEB8_6659_FD93;

/// Keyed draws for one (replicate, stream, day).
#[derive(Debug, Clone, Copy)]
pub struct DayDraws {
    key: u64,
    #[cfg(test)]
    stream: Stream,
}

impl DayDraws {
    #[inline]
    #[cfg_attr(
        not(test),
        expect(unused_variables, reason = "the stream is kept for the audit")
    )]
    fn new(key: u64, stream: Stream) -> Self {
        Self {
            key,
            #[cfg(test)]
            stream,
        }
    }

    /// The keys of `stream` drawn for the same decision as these (a decision that follows
    /// another, e.g. whether an exposure opens a team, follows its purchase key).
    #[inline]
    pub fn then(self, stream: Stream) -> DayDraws {
        let (number, sub) = stream.id();
        DayDraws::new(
            mix64(self.key ^ mix64((number as u64 + 1).wrapping_mul(GOLDEN) ^ sub)),
            stream,
        )
    }

    /// A uniform 64-bit value for the pair `(a, b)`, e.g. (receiver, sender).
    #[inline]
    pub fn bits(self, a: u32, b: u32) -> u64 {
        let counter = (u64::from(a) << 32) | u64::from(b);
        let input = self.key.wrapping_add(counter.wrapping_mul(GOLDEN));
        #[cfg(test)]
        audit::record(input, self.stream);
        mix64(input)
    }

    /// A uniform value in `[0, 1)` with 53 bits of precision.
    #[inline]
    pub fn unit(self, a: u32, b: u32) -> f64 {
        to_unit(self.bits(a, b))
    }

    /// `true` with probability `p` (`p ≤ 0` never, `p ≥ 1` always).
    #[inline]
    pub fn chance(self, p: f64, a: u32, b: u32) -> bool {
        self.unit(a, b) < p
    }

    /// A uniform index in `0..n` (`n > 0`), by Lemire's multiply-shift (bias < n / 2⁶⁴).
    #[inline]
    pub fn index(self, n: u32, a: u32, b: u32) -> u32 {
        ((u128::from(self.bits(a, b)) * u128::from(n)) >> 64) as u32
    }

    /// As [`DayDraws::geometric`] with `ln_miss = ln(1 − p)` precomputed (for loops).
    #[inline]
    pub fn geometric_ln(self, p: f64, ln_miss: f64, a: u32, b: u32) -> u32 {
        geometric_from_unit_ln(self.unit(a, b), p, ln_miss)
    }

    /// Number of failures before the first success of a Bernoulli(`p`) sequence, capped at
    /// `u32::MAX`; `p ≥ 1` gives 0 and `p ≤ 0` gives `u32::MAX` (never).
    #[inline]
    pub fn geometric(self, p: f64, a: u32, b: u32) -> u32 {
        geometric_from_unit(self.unit(a, b), p)
    }
}

/// Maps 64 random bits to `[0, 1)`.
#[inline]
pub fn to_unit(bits: u64) -> f64 {
    (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Inverse-CDF geometric draw (failures before the first success) from a uniform `u ∈ [0, 1)`.
pub fn geometric_from_unit(u: f64, p: f64) -> u32 {
    geometric_from_unit_ln(u, p, (-p).ln_1p())
}

/// [`geometric_from_unit`] with `ln_miss = ln(1 − p)` given.
#[inline]
fn geometric_from_unit_ln(u: f64, p: f64, ln_miss: f64) -> u32 {
    if p >= 1.0 {
        return 0;
    }
    if p <= 0.0 {
        return u32::MAX;
    }
    // 1 − u ∈ (0, 1], so the log is finite.
    let g = ((1.0 - u).ln() / ln_miss).floor();
    if g >= f64::from(u32::MAX) {
        u32::MAX
    } else {
        g as u32
    }
}

/// The test-only audit of draw keys: while it is on (in this thread), every draw's input is
/// recorded with its stream, and an input drawn by two streams is a collision.
#[cfg(test)]
pub mod audit {
    use std::cell::RefCell;
    use std::collections::HashMap;

    use super::Stream;

    /// The first stream to draw each input, and every clash found.
    type Log = (HashMap<u64, Stream>, Vec<(Stream, Stream)>);

    thread_local! {
        static LOG: RefCell<Option<Log>> = const { RefCell::new(None) };
    }

    /// Starts recording (clearing an earlier record).
    pub fn start() {
        LOG.with(|l| *l.borrow_mut() = Some((HashMap::new(), Vec::new())));
    }

    /// Stops recording; returns the number of draws and every pair of streams that drew the
    /// same key.
    pub fn stop() -> (usize, Vec<(Stream, Stream)>) {
        LOG.with(|l| {
            l.borrow_mut()
                .take()
                .map_or((0, Vec::new()), |(keys, clashes)| (keys.len(), clashes))
        })
    }

    pub(super) fn record(input: u64, stream: Stream) {
        LOG.with(|l| {
            if let Some((keys, clashes)) = l.borrow_mut().as_mut() {
                let first = *keys.entry(input).or_insert(stream);
                if first != stream {
                    clashes.push((first, stream));
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_depend_only_on_their_key() {
        let d = Draws::new(7, 3);
        let a = d.day(Stream::FriendPurchase, 5).bits(10, 20);
        let _ = d.day(Stream::FriendPurchase, 6).bits(1, 2);
        assert_eq!(
            a,
            Draws::new(7, 3).day(Stream::FriendPurchase, 5).bits(10, 20)
        );
        assert_ne!(
            a,
            Draws::new(7, 4).day(Stream::FriendPurchase, 5).bits(10, 20)
        );
        assert_ne!(
            a,
            Draws::new(8, 3).day(Stream::FriendPurchase, 5).bits(10, 20)
        );
        assert_ne!(a, d.day(Stream::ChurnAccept, 5).bits(10, 20));
        assert_ne!(a, d.day(Stream::FriendPurchase, 5).bits(20, 10));
    }

    #[test]
    fn unit_draws_are_uniform() {
        let d = Draws::new(1, 0).day(Stream::FriendPurchase, 0);
        let n = 200_000u32;
        let mean = (0..n).map(|i| d.unit(i, 0)).sum::<f64>() / f64::from(n);
        // sd of the mean of U(0,1) = sqrt(1/12/n)
        assert!((mean - 0.5).abs() < 4.0 * (1.0 / 12.0 / f64::from(n)).sqrt());
        let hits = (0..n).filter(|&i| d.chance(0.1, i, 1)).count() as f64 / f64::from(n);
        assert!((hits - 0.1).abs() < 4.0 * (0.09 / f64::from(n)).sqrt());
    }

    #[test]
    fn geometric_mean_matches_closed_form() {
        let d = Draws::new(2, 0).day(Stream::NeedInterval, 0);
        let p = 0.2;
        let n = 100_000u32;
        let xs: Vec<f64> = (0..n).map(|i| f64::from(d.geometric(p, i, 0))).collect();
        let mean = xs.iter().sum::<f64>() / f64::from(n);
        let expect = (1.0 - p) / p; // failures before the first success
        let sd = ((1.0 - p) / (p * p)).sqrt();
        assert!(
            (mean - expect).abs() < 4.0 * sd / f64::from(n).sqrt(),
            "{mean}"
        );
        assert_eq!(geometric_from_unit(0.3, 1.0), 0);
        assert_eq!(geometric_from_unit(0.3, 0.0), u32::MAX);
        for i in 0..100 {
            assert_eq!(d.geometric_ln(p, (-p).ln_1p(), i, 7), d.geometric(p, i, 7));
        }
    }

    #[test]
    fn index_stays_in_range() {
        let d = Draws::new(3, 0).day(Stream::AdTarget, 1);
        assert!((0..10_000).all(|i| d.index(7, i, 0) < 7));
    }
}

#[cfg(test)]
mod audit_tests {
    use crate::engine::Setup;
    use crate::scenario::LoadedScenario;

    /// Every mechanism on: two segments, strong ties, ads, daily shares, herd, fatigue, churn,
    /// repurchase, referral, group buy, share rewards, two coupon schedules, red packets,
    /// points, commission, groups with posts, a KOL and a KOC campaign.
    const EVERYTHING: &str = r#"
name = "audit"
days = 30
[graph]
strong_share = 0.3
[graph.holme_kim]
n = 400
m = 3
p_triad = 0.5
[[population.segments]]
name = "a"
share = 0.5
activity = { lognormal = { mean = 1.0, sd = 0.5 } }
[[population.segments]]
name = "b"
share = 0.5
price_elasticity = 1.5
[seeding]
count = 5
[product]
list_price_cents = 999
unit_cost_cents = 400
[behaviour]
herd = 0.05
[behaviour.p_buy]
friend = 0.3
ad = 0.01
group = 0.05
operator = 0.02
kol = 0.2
team = 0.3
coupon = 0.1
[share]
p_share = 0.6
p_share_daily = 0.1
reach = 0.7
[fatigue]
per_message = 0.02
[churn]
base = 0.01
fatigue_weight = 0.05
silent_after_days = 10
[repurchase]
mean_interval_days = 8
p_buy = 0.6
[ads]
impressions_per_day = 50
cpm_cents = 500
[referral]
inviter_reward_cents = 50
invitee_discount_cents = 100
[group_buy]
team_size = 3
discount_pct = 20.0
window_days = 2
invites = 3
p_open = 0.5
p_stranger_fill = 0.1
p_fallback_solo = 0.3
[share_reward]
reward_per_share_cents = 5
daily_cap = 3
[[coupon]]
target = "all"
value_cents = 100
expiry_days = 5
every_days = 7
[[coupon]]
target = "new"
value_cents = 50
every_days = 3
[red_packet]
total_cents = 60
split_n = 3
p_claim = 0.7
[points]
per_cent = 0.01
per_share = 1.0
redeem_cents_per_point = 1.0
redeem_min_points = 10.0
[commission]
level_rates_pct = [10.0, 5.0]
payout_delay_days = 2
[groups]
assign = "random"
size = 8.0
[posting_policy]
posts_per_day = 2.0
promo_share = 0.5
p_read = 0.5
[[kol_campaign]]
name = "k"
count = 3
post_days = [3, 10]
extra_followers = 5
[[kol_campaign]]
name = "c"
count = 4
koc = true
post_days = [3]
"#;

    #[test]
    fn no_key_is_drawn_by_two_streams() {
        for text in [
            EVERYTHING.to_string(),
            // The skip-ahead share path (uniform friend conversion).
            "name = \"plain\"\ndays = 20\n[graph.erdos_renyi]\nn = 500\nmean_degree = 6.0\n[seeding]\ncount = 5\n[behaviour.p_buy]\nfriend = 0.2\n[share]\np_share = 0.8\n".to_string(),
        ] {
            super::audit::start();
            let loaded =
                LoadedScenario::from_text(&text, std::path::Path::new("a.toml"), &[]).unwrap();
            let setup = Setup::new(loaded).unwrap();
            let out = setup.run(0).unwrap();
            let (draws, clashes) = super::audit::stop();
            assert!(out.summary.get("customers").unwrap() > 5.0);
            assert!(draws > 50, "only {draws} draws audited");
            assert!(clashes.is_empty(), "keys drawn by two streams: {clashes:?}");
        }
    }
}
