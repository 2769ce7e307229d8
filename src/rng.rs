//! Random numbers keyed by what they decide.
//!
//! Every random decision in a replicate is a pure function of
//! `(master seed, replicate, purpose, day, a, b)`: the uniform draw for "does member 17 buy from
//! the share of member 4 on day 9" is the same whatever else happened before it, in whatever
//! order, on whatever thread. That gives byte-identical output for any thread count and common
//! random numbers across variants: two variants of a scenario differ only where their rules differ.
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

/// What a random draw decides. The discriminant is part of the key, so the values are stable:
/// add new purposes at the end, never renumber.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Purpose {
    /// Generating the social graph.
    Graph = 1,
    /// Assigning each member to a segment.
    Segment = 2,
    /// Drawing a member's attributes from the segment distributions.
    Attribute = 3,
    /// Choosing random seed customers.
    Seeding = 4,
    /// Choosing which member an ad impression reaches.
    AdTarget = 5,
    /// Whether an exposure converts into a purchase.
    Purchase = 6,
    /// Whether a buyer shares the day after the purchase.
    ShareDecision = 7,
    /// Which friends a share reaches.
    ShareReach = 8,
    /// Days until a customer shares again (`p_share_daily`).
    DailyShare = 9,
    /// Days until a repurchase need falls due.
    NeedInterval = 10,
    /// Whether a due need turns into an order.
    Repurchase = 11,
    /// Candidate churn days (thinning bound).
    ChurnCandidate = 12,
    /// Acceptance of a candidate churn day.
    ChurnAccept = 13,
    /// Tie class of a generated edge.
    TieClass = 14,
    /// Whether an ad impression converts into a purchase.
    AdPurchase = 15,
    /// Which friends of a share buy, when the probability is the same for every friend.
    ShareBuyers = 16,
    /// How a red packet is split.
    RedPacket = 17,
    /// Who sees a red packet, and in which order they claim.
    RedPacketClaim = 18,
    /// Whether a buyer opens a group-buy team.
    TeamOpen = 19,
    /// Which friends a team leader invites.
    TeamInvite = 20,
    /// Whether an invited friend joins a team.
    TeamJoin = 21,
    /// Strangers filling open teams from the pool.
    StrangerFill = 22,
    /// Whether a member of an expired team buys alone.
    Fallback = 23,
    /// Forming community groups.
    GroupAssign = 24,
    /// Who reads a group post.
    GroupRead = 25,
    /// Whether a group post, KOL post or coupon drop converts.
    CampaignPurchase = 26,
    /// Choosing KOLs, KOCs and KOL followers.
    KolSelect = 27,
    /// Sampling sweep points (`random`, `lhs`).
    SweepPoint = 28,
}

/// Number of purposes; keeps per-purpose key tables fixed-size.
pub const PURPOSES: usize = 29;

/// The per-replicate key from which every keyed draw of that replicate derives.
#[derive(Debug, Clone, Copy)]
pub struct Draws {
    purpose_keys: [u64; PURPOSES],
}

impl Draws {
    /// The draws of replicate `replicate` under master seed `seed`. Independent of the variant.
    pub fn new(seed: u64, replicate: u64) -> Self {
        let base = mix64(mix64(seed ^ 0x6669_7373_696F_6E00).wrapping_add(mix64(replicate)));
        let mut purpose_keys = [0; PURPOSES];
        for (p, key) in purpose_keys.iter_mut().enumerate() {
            *key = mix64(base.wrapping_add((p as u64 + 1).wrapping_mul(GOLDEN)));
        }
        Self { purpose_keys }
    }

    /// The key of all draws for `purpose` on `day`; hoist it out of loops.
    #[inline]
    pub fn day(&self, purpose: Purpose, day: u32) -> DayDraws {
        DayDraws(mix64(
            self.purpose_keys[purpose as usize]
                ^ u64::from(day).wrapping_mul(0xD6E8_FEB8_6659_FD93),
        ))
    }

    /// A sequential generator for `purpose`, e.g. for graph generation.
    pub fn stream(&self, purpose: Purpose) -> Xoshiro256PlusPlus {
        Xoshiro256PlusPlus::seed_from_u64(self.purpose_keys[purpose as usize])
    }
}

/// Keyed draws for one (replicate, purpose, day).
#[derive(Debug, Clone, Copy)]
pub struct DayDraws(u64);

impl DayDraws {
    /// A uniform 64-bit value for the pair `(a, b)`, e.g. (receiver, sender).
    #[inline]
    pub fn bits(self, a: u32, b: u32) -> u64 {
        let counter = (u64::from(a) << 32) | u64::from(b);
        mix64(self.0.wrapping_add(counter.wrapping_mul(GOLDEN)))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_depend_only_on_their_key() {
        let d = Draws::new(7, 3);
        let a = d.day(Purpose::Purchase, 5).bits(10, 20);
        let _ = d.day(Purpose::Purchase, 6).bits(1, 2);
        assert_eq!(a, Draws::new(7, 3).day(Purpose::Purchase, 5).bits(10, 20));
        assert_ne!(a, Draws::new(7, 4).day(Purpose::Purchase, 5).bits(10, 20));
        assert_ne!(a, Draws::new(8, 3).day(Purpose::Purchase, 5).bits(10, 20));
        assert_ne!(a, d.day(Purpose::ChurnAccept, 5).bits(10, 20));
        assert_ne!(a, d.day(Purpose::Purchase, 5).bits(20, 10));
    }

    #[test]
    fn unit_draws_are_uniform() {
        let d = Draws::new(1, 0).day(Purpose::Purchase, 0);
        let n = 200_000u32;
        let mean = (0..n).map(|i| d.unit(i, 0)).sum::<f64>() / f64::from(n);
        // sd of the mean of U(0,1) = sqrt(1/12/n)
        assert!((mean - 0.5).abs() < 4.0 * (1.0 / 12.0 / f64::from(n)).sqrt());
        let hits = (0..n).filter(|&i| d.chance(0.1, i, 1)).count() as f64 / f64::from(n);
        assert!((hits - 0.1).abs() < 4.0 * (0.09 / f64::from(n)).sqrt());
    }

    #[test]
    fn geometric_mean_matches_closed_form() {
        let d = Draws::new(2, 0).day(Purpose::NeedInterval, 0);
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
        let d = Draws::new(3, 0).day(Purpose::AdTarget, 1);
        assert!((0..10_000).all(|i| d.index(7, i, 0) < 7));
    }
}
