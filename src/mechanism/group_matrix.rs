//! The community group matrix (社群矩阵): the brand's own groups for its customers, in three
//! stages. A new customer joins the *onboarding* group (新人群) with `p_join` after their first
//! order; from their `incubation_orders`-th order they are in the *incubation* group (培育群);
//! while their membership tier (contribution or lifetime points) is at least `high_value_tier`
//! they are in the *high-value* group (高价值群), and back in incubation when the tier is lost.
//! A churned customer has left. Each stage has its own posting cadence (`posts_per_day`,
//! `promo_share`, `p_read`, the cadence rule of `[posting_policy]`); a post read is an
//! interaction and a `group` (promotional) or `operator` (brand content) exposure. Every order
//! by a member of the matrix is recorded under the stage the buyer was in when ordering.

use serde::{Deserialize, Serialize};

use super::posting::{cadence, post_channel};
use super::{Init, Mechanism, Slot};
use crate::engine::{Offer, Replicate};
use crate::model::Stage;
use crate::model::member::NONE;
use crate::rng::Stream;
use crate::scenario::Scenario;
use crate::scenario::schema::defaults;
use crate::scenario::validate::Problems;

fn two() -> u32 {
    2
}

/// The stages of the matrix, in order.
pub const STAGES: [&str; 3] = ["onboarding", "incubation", "high_value"];

/// One stage's posts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StagePosts {
    /// Posts per day in the stage's group (fractions spread posts over days).
    #[serde(default)]
    pub posts_per_day: f64,
    /// Fraction of posts that are promotional (`group` channel; the rest `operator`).
    #[serde(default = "defaults::one")]
    pub promo_share: f64,
    /// Probability that a member reads a post.
    #[serde(default = "defaults::one")]
    pub p_read: f64,
}

impl Default for StagePosts {
    fn default() -> Self {
        Self {
            posts_per_day: 0.0,
            promo_share: 1.0,
            p_read: 1.0,
        }
    }
}

/// `[group_matrix]` (社群矩阵): onboarding, incubation and high-value groups for customers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupMatrix {
    /// Probability that a new customer joins the onboarding group.
    #[serde(default = "defaults::one")]
    pub p_join: f64,
    /// Orders after which a member is in the incubation group.
    #[serde(default = "two")]
    pub incubation_orders: u32,
    /// Membership tier (1 = the first) that puts a member in the high-value group; 0 = no
    /// high-value group.
    #[serde(default)]
    pub high_value_tier: u32,
    /// The onboarding group's posts.
    #[serde(default)]
    pub onboarding: StagePosts,
    /// The incubation group's posts.
    #[serde(default)]
    pub incubation: StagePosts,
    /// The high-value group's posts.
    #[serde(default)]
    pub high_value: StagePosts,
}

impl GroupMatrix {
    /// The posts of stage `k` ([`STAGES`] order).
    fn posts(&self, k: usize) -> &StagePosts {
        [&self.onboarding, &self.incubation, &self.high_value][k]
    }
}

/// The members who joined, in joining order, and a flag per member.
pub struct State {
    joined: Vec<u32>,
    is_joined: Vec<bool>,
}

/// The scenario's group matrix (the hooks run only when it is there).
fn config<'s>(r: &Replicate<'s>) -> &'s GroupMatrix {
    r.world
        .scenario
        .group_matrix
        .as_ref()
        .expect("group matrix configured")
}

/// The stage ([`STAGES`] index) `member` of the matrix is in today, or `None` if they are not
/// in it (never joined, or churned).
pub fn stage_of(r: &Replicate<'_>, member: u32) -> Option<usize> {
    let st = State::get(r.mechanisms())?;
    if !st.is_joined[member as usize] || r.world.stage(member) == Stage::Churned {
        return None;
    }
    let cfg = config(r);
    let orders = r.world.customer(member).map_or(0, |c| c.orders);
    Some(
        if cfg.high_value_tier > 0 && super::tier(r, member) >= cfg.high_value_tier as usize {
            2
        } else if orders >= cfg.incubation_orders {
            1
        } else {
            0
        },
    )
}

impl State {
    /// Calendar: today's posts in each stage's group, to the members in the stage this morning.
    fn post(r: &mut Replicate<'_>) {
        let cfg = config(r);
        let day = r.world.day;
        let members: Vec<(u32, usize)> = r
            .state::<Self>()
            .joined
            .iter()
            .filter_map(|&m| stage_of(r, m).map(|k| (m, k)))
            .collect();
        for k in 0..STAGES.len() {
            let posts = cfg.posts(k);
            let (before, today) = cadence(day, posts.posts_per_day);
            for p in 0..today {
                let channel = post_channel(before + p, posts.promo_share);
                let post = (k as u32) << 16 | p as u32;
                let read = r.world.draws.day(Stream::MatrixRead { post }, day);
                let buy = r.world.draws.day(Stream::MatrixPurchase { post }, day);
                for &(m, _) in members.iter().filter(|&&(_, s)| s == k) {
                    if read.chance(posts.p_read, m, 0) {
                        r.interact(m);
                        r.expose(m, channel, NONE, 1.0, buy, 0);
                    }
                }
            }
        }
    }
}

impl Mechanism for State {
    fn build(init: &Init<'_>) -> Option<Self> {
        init.scenario.group_matrix.as_ref()?;
        Some(State {
            joined: Vec::new(),
            is_joined: vec![false; init.members as usize],
        })
    }

    fn check(s: &Scenario, p: &mut Problems) {
        let Some(g) = &s.group_matrix else {
            return;
        };
        p.prob("group_matrix.p_join", g.p_join);
        p.range_u(
            "group_matrix.incubation_orders",
            g.incubation_orders.into(),
            1,
            1000,
        );
        for (k, name) in STAGES.iter().enumerate() {
            let posts = g.posts(k);
            if !(posts.posts_per_day >= 0.0 && posts.posts_per_day <= 100.0) {
                p.add(
                    &format!("group_matrix.{name}.posts_per_day"),
                    format!("{} is out of range; allowed: [0, 100]", posts.posts_per_day),
                );
            }
            p.prob(
                &format!("group_matrix.{name}.promo_share"),
                posts.promo_share,
            );
            p.prob(&format!("group_matrix.{name}.p_read"), posts.p_read);
        }
        let tiers = super::tier_count(s);
        if g.high_value_tier as usize > tiers {
            p.add(
                "group_matrix.high_value_tier",
                format!(
                    "{} needs at least {} tiers ([[contribution.tiers]] or [[points.tiers]]); \
                     there are {tiers}; allowed: 0 (no high-value group) to {tiers}",
                    g.high_value_tier, g.high_value_tier
                ),
            );
        }
    }

    fn calendar(r: &mut Replicate<'_>) {
        Self::post(r);
    }

    /// Records the order under the stage its buyer is in (before the order counts).
    fn book(r: &mut Replicate<'_>, member: u32, _offer: &Offer) -> i64 {
        if let Some(k) = stage_of(r, member) {
            r.world.row_mut().matrix_orders[k] += 1;
        }
        0
    }

    /// A new customer joins the onboarding group.
    fn on_order(r: &mut Replicate<'_>, order: &crate::engine::Order) {
        if !order.first {
            return;
        }
        let p = config(r).p_join;
        let join = r.world.draws.day(Stream::MatrixJoin, r.world.day);
        if join.chance(p, order.buyer, 0) {
            let st = r.state_mut::<Self>();
            st.is_joined[order.buyer as usize] = true;
            st.joined.push(order.buyer);
        }
    }

    fn end_day(r: &mut Replicate<'_>) {
        let mut counts = [0u32; 3];
        for &m in &r.state::<Self>().joined {
            if let Some(k) = stage_of(r, m) {
                counts[k] += 1;
            }
        }
        r.world.row_mut().matrix_members = counts;
    }
}
