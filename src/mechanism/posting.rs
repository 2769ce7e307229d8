//! Community posting (内容节奏): the brand's posts in every group on a cadence of
//! `posts_per_day` (fractions spread posts over days), a `promo_share` of them promotional
//! (`group` channel; the rest brand content on the `operator` channel); each member reads each
//! post with `p_read` (geometric skips, so work ∝ reads).

use serde::{Deserialize, Serialize};

use super::{Init, Mechanism};
use crate::engine::Replicate;
use crate::model::Channel;
use crate::model::member::NONE;
use crate::rng::Stream;
use crate::scenario::Scenario;
use crate::scenario::schema::defaults;
use crate::scenario::validate::Problems;

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

/// Posting keeps no state of its own: the cadence is a function of the day.
pub struct State;

impl State {
    /// Calendar: the brand's posts in every group today.
    fn post(r: &mut Replicate<'_>) {
        let s = r.world.scenario;
        let Some(policy) = &s.posting_policy else {
            return;
        };
        let day = r.world.day;
        if day < policy.start_day || policy.end_day.is_some_and(|end| day > end) {
            return;
        }
        let (posts_before, posts_today) = cadence(day - policy.start_day + 1, policy.posts_per_day);
        let ln_miss = (-policy.p_read).ln_1p();
        let community = r.world.community;
        for k in 0..posts_today {
            let channel = post_channel(posts_before + k, policy.promo_share);
            let post = k as u32;
            let read = r.world.draws.day(Stream::GroupRead { post }, day);
            let buy = r.world.draws.day(Stream::GroupPostPurchase { post }, day);
            for g in 0..community.group_count() {
                let members = community.members(g);
                let mut draw = 0u32;
                let mut slot = read.geometric_ln(policy.p_read, ln_miss, g, draw) as usize;
                while slot < members.len() {
                    let m = members[slot];
                    r.interact(m);
                    r.expose(m, channel, NONE, 1.0, buy, g);
                    draw += 1;
                    slot = slot.saturating_add(
                        1 + read.geometric_ln(policy.p_read, ln_miss, g, draw) as usize,
                    );
                }
            }
        }
    }
}

/// Posts before and on the `t`-th posting day (1-based) at `per_day` posts a day, spread
/// evenly: ⌊(t−1)·r⌋ before, ⌊t·r⌋ − ⌊(t−1)·r⌋ on it.
pub fn cadence(t: u32, per_day: f64) -> (u64, u64) {
    let t = f64::from(t);
    let before = ((t - 1.0) * per_day).floor() as u64;
    (before, (t * per_day).floor() as u64 - before)
}

/// The channel of the `j`-th post (0-based) when `promo_share` of posts are promotional: the
/// post is promotional (`group`) when it crosses a multiple of 1/`promo_share`, else brand
/// content (`operator`).
pub fn post_channel(j: u64, promo_share: f64) -> Channel {
    let j = j as f64;
    if ((j + 1.0) * promo_share).floor() > (j * promo_share).floor() {
        Channel::Group
    } else {
        Channel::Operator
    }
}

impl Mechanism for State {
    fn build(init: &Init<'_>) -> Option<Self> {
        init.scenario.posting_policy.as_ref().map(|_| State)
    }

    fn check(s: &Scenario, p: &mut Problems) {
        let Some(pp) = &s.posting_policy else {
            return;
        };
        if s.groups.is_none() {
            p.add(
                "posting_policy",
                "posts go to community groups; add a [groups] table".into(),
            );
        }
        if !(pp.posts_per_day >= 0.0 && pp.posts_per_day <= 100.0) {
            p.add(
                "posting_policy.posts_per_day",
                format!("{} is out of range; allowed: [0, 100]", pp.posts_per_day),
            );
        }
        p.prob("posting_policy.promo_share", pp.promo_share);
        p.prob("posting_policy.p_read", pp.p_read);
        p.day_window("posting_policy", pp.start_day, pp.end_day);
    }

    fn lint(s: &Scenario, w: &mut Problems) {
        let Some(pp) = &s.posting_policy else {
            return;
        };
        let b = &s.behaviour.p_buy;
        if pp.promo_share > 0.0 {
            w.silent_channel(
                "behaviour.p_buy.group",
                b.group,
                "promotional group posts never make anybody buy",
            );
        }
        if pp.promo_share < 1.0 {
            w.silent_channel(
                "behaviour.p_buy.operator",
                b.operator,
                "brand-content posts never make anybody buy",
            );
        }
    }

    fn calendar(r: &mut Replicate<'_>) {
        Self::post(r);
    }
}
