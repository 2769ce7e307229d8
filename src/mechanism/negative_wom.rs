//! Negative word of mouth, group sentiment and moderation (口碑 / 舆情 / 纠纷处理).
//!
//! A **bad experience** — a bad order (`[reviews]`: an unsatisfying product or a failed
//! delivery; its negative review, if written, is heard by its readers), an expired group-buy team
//! (`expired_team`), a dispute moderation did not resolve, or hearing of a trust shock (a scam
//! or fake-information incident on a given day) — *affects* the member for `memory_days`:
//! their conversion is cut by `conversion_cut`, their sharing by `share_cut`, and their daily
//! churn hazard rises by `churn_rise` (from the next day: their churn is drawn again with the
//! higher hazard as its bound, which only falls afterwards). The next day they tell each
//! friend with `p_tell`; a friend who hears is affected too and, if they were not already,
//! passes it on the day after with `p_retell` (an independent cascade of its own, each member
//! passing it on once per time they become affected).
//!
//! **Disputes**: each order turns into a dispute with `p_dispute`; moderation resolves it with
//! `p_resolve` (the sources report 92%) before it spreads; an unresolved one is a bad
//! experience. **Sentiment**: each group has a sentiment in [−1, 1], lowered by
//! `sentiment_per_bad` for each bad experience of a member, raised by `sentiment_per_good` for
//! each positive review, and pulled back toward 0 by `sentiment_recovery` a day; every
//! exposure of a group member converts × `(1 + sentiment_weight · sentiment)`.

use serde::{Deserialize, Serialize};

use super::{Init, Mechanism, SchemeWindow};
use crate::engine::{Order, Replicate};
use crate::model::{Channel, Stage};
use crate::rng::Stream;
use crate::scenario::Scenario;
use crate::scenario::schema::defaults;
use crate::scenario::validate::Problems;

/// `[negative_wom]`: bad experiences and how they spread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NegativeWom {
    /// Probability that a member with a bad experience tells each friend.
    pub p_tell: f64,
    /// Probability that a member who heard of it passes it on to each friend.
    #[serde(default)]
    pub p_retell: f64,
    /// Share of an affected member's conversion lost.
    #[serde(default)]
    pub conversion_cut: f64,
    /// Share of an affected member's sharing lost.
    #[serde(default)]
    pub share_cut: f64,
    /// Added to an affected customer's daily churn hazard.
    #[serde(default)]
    pub churn_rise: f64,
    /// Days a bad experience or what was heard affects a member.
    #[serde(default = "defaults::thirty_u32")]
    pub memory_days: u32,
    /// Probability that an order turns into a dispute.
    #[serde(default)]
    pub p_dispute: f64,
    /// Probability that moderation resolves a dispute before it spreads.
    #[serde(default = "default_resolve")]
    pub p_resolve: f64,
    /// Is an expired group-buy team a bad experience for its members?
    #[serde(default = "defaults::yes")]
    pub expired_team: bool,
    /// Fall of a group's sentiment per bad experience of a member.
    #[serde(default)]
    pub sentiment_per_bad: f64,
    /// Rise of a group's sentiment per positive review by a member.
    #[serde(default)]
    pub sentiment_per_good: f64,
    /// Share of a group's sentiment lost each day (back toward 0).
    #[serde(default)]
    pub sentiment_recovery: f64,
    /// Weight of a group's sentiment on its members' conversion.
    #[serde(default)]
    pub sentiment_weight: f64,
    /// Trust shocks: incidents that members hear of directly.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shocks: Vec<TrustShock>,
}

/// The moderation rate the sources report for disputes (92%).
fn default_resolve() -> f64 {
    0.92
}

/// `[[negative_wom.shocks]]`: a scam or fake-information incident on one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustShock {
    /// The incident's name (for people).
    #[serde(default)]
    pub name: String,
    /// The day it breaks.
    pub day: u32,
    /// Share of all members who hear of it directly that day (each a bad experience).
    pub share: f64,
}

/// Who is affected until when, who tells tomorrow, and the groups' sentiment.
pub struct State {
    /// First day each member is no longer affected (0 = never affected).
    until: Vec<u32>,
    /// Members who tell their friends tomorrow: `(member, 0)` after a bad experience,
    /// `(member, 1)` after hearing of one.
    tell_next: Vec<(u32, u8)>,
    /// Members who tell their friends today (yesterday's `tell_next`).
    telling: Vec<(u32, u8)>,
    /// Sentiment of each group.
    sentiment: Vec<f64>,
}

/// A bad experience of `member` today (a no-op without `[negative_wom]`).
pub fn bad_experience(r: &mut Replicate<'_>, member: u32) {
    if r.world.scenario.negative_wom.is_none() {
        return;
    }
    r.world.row_mut().bad_experiences += 1;
    affect(r, member);
    let st = r.state_mut::<State>();
    st.tell_next.push((member, 0));
    let per_bad = r
        .world
        .scenario
        .negative_wom
        .as_ref()
        .map_or(0.0, |c| c.sentiment_per_bad);
    move_sentiment(r, member, -per_bad);
}

/// `member` hears of a bad experience today (from a friend, a negative review, a rumour):
/// affected, and passing it on tomorrow with `p_retell` if they were not affected already.
pub fn hear(r: &mut Replicate<'_>, member: u32) {
    let Some(c) = r.world.scenario.negative_wom.as_ref() else {
        return;
    };
    r.world.row_mut().negative_heard += 1;
    if affect(r, member) && c.p_retell > 0.0 {
        r.state_mut::<State>().tell_next.push((member, 1));
    }
}

/// An expired group-buy team's `member`: a bad experience if `expired_team`.
pub fn expired_team(r: &mut Replicate<'_>, member: u32) {
    if r.world
        .scenario
        .negative_wom
        .as_ref()
        .is_some_and(|c| c.expired_team)
    {
        bad_experience(r, member);
    }
}

/// A positive review by `member` today: their group's sentiment rises.
pub fn good_review(r: &mut Replicate<'_>, member: u32) {
    let Some(c) = r.world.scenario.negative_wom.as_ref() else {
        return;
    };
    move_sentiment(r, member, c.sentiment_per_good);
}

/// Moves the sentiment of `member`'s group by `by`, within [−1, 1].
fn move_sentiment(r: &mut Replicate<'_>, member: u32, by: f64) {
    if by == 0.0 {
        return;
    }
    if let Some(g) = r.world.community.group_of(member)
        && let Some(s) = r.state_mut::<State>().sentiment.get_mut(g as usize)
    {
        *s = (*s + by).clamp(-1.0, 1.0);
    }
}

/// `member` is affected from today for `memory_days`; returns whether they were not already.
/// A customer's churn is drawn again from tomorrow with the raised hazard.
fn affect(r: &mut Replicate<'_>, member: u32) -> bool {
    let Some(c) = r.world.scenario.negative_wom.as_ref() else {
        return false;
    };
    let day = r.world.day;
    let (memory, rise) = (c.memory_days, c.churn_rise);
    let until = &mut r.state_mut::<State>().until[member as usize];
    let fresh = *until <= day;
    *until = day + memory;
    if rise > 0.0 && matches!(r.world.stage(member), Stage::Active | Stage::Silent) {
        r.hold_churn(member, day + 1);
    }
    fresh
}

/// Can anybody in scenario `s` have a bad experience (or a positive review move a group)? If
/// not, the table changes nothing and the fast paths stay on.
fn can_happen(s: &Scenario) -> bool {
    let Some(c) = &s.negative_wom else {
        return false;
    };
    let reviews = s.reviews.as_ref().is_some_and(|r| {
        r.p_review > 0.0
            || r.reward_cents > 0
            || r.quality < 1.0
            || r.p_delivery_problem > 0.0
            || r.delivery_shock.is_some()
    });
    !c.shocks.is_empty()
        || c.p_dispute > 0.0
        || reviews
        || (c.expired_team
            && s.group_buy
                .as_ref()
                .is_some_and(|g| g.start_day() <= s.days))
}

impl State {
    /// Is `member` affected today?
    fn affected(&self, r: &Replicate<'_>, member: u32) -> bool {
        self.until[member as usize] > r.world.day
    }
}

impl Mechanism for State {
    fn build(init: &Init<'_>) -> Option<Self> {
        init.scenario.negative_wom.as_ref()?;
        Some(State {
            until: vec![0; init.members as usize],
            tell_next: Vec::new(),
            telling: Vec::new(),
            sentiment: Vec::new(),
        })
    }

    fn check(s: &Scenario, p: &mut Problems) {
        let Some(c) = &s.negative_wom else {
            return;
        };
        p.prob("negative_wom.p_tell", c.p_tell);
        p.prob("negative_wom.p_retell", c.p_retell);
        p.prob("negative_wom.conversion_cut", c.conversion_cut);
        p.prob("negative_wom.share_cut", c.share_cut);
        p.prob("negative_wom.churn_rise", c.churn_rise);
        if c.memory_days == 0 {
            p.add("negative_wom.memory_days", "must be ≥ 1".into());
        }
        p.prob("negative_wom.p_dispute", c.p_dispute);
        p.prob("negative_wom.p_resolve", c.p_resolve);
        p.prob("negative_wom.sentiment_per_bad", c.sentiment_per_bad);
        p.prob("negative_wom.sentiment_per_good", c.sentiment_per_good);
        p.prob("negative_wom.sentiment_recovery", c.sentiment_recovery);
        p.prob("negative_wom.sentiment_weight", c.sentiment_weight);
        let moves = c.sentiment_per_bad > 0.0 || c.sentiment_per_good > 0.0;
        if moves && s.groups.is_none() {
            p.add(
                "negative_wom.sentiment_per_bad",
                "group sentiment needs a [groups] table".into(),
            );
        }
        for (i, shock) in c.shocks.iter().enumerate() {
            if shock.day == 0 || shock.day > s.days {
                p.add(
                    &format!("negative_wom.shocks[{i}].day"),
                    format!("must be a day in 1..={} (day 0 is the seeding day)", s.days),
                );
            }
            p.prob(&format!("negative_wom.shocks[{i}].share"), shock.share);
        }
    }

    fn receiver_dependent(s: &Scenario) -> bool {
        s.negative_wom.as_ref().is_some_and(|c| {
            can_happen(s)
                && (c.conversion_cut > 0.0 || c.sentiment_weight > 0.0 || c.churn_rise > 0.0)
        })
    }

    fn adjusts_conversion(s: &Scenario) -> bool {
        s.negative_wom
            .as_ref()
            .is_some_and(|c| can_happen(s) && (c.conversion_cut > 0.0 || c.sentiment_weight > 0.0))
    }

    fn start_day(&mut self) {
        std::mem::swap(&mut self.telling, &mut self.tell_next);
        self.tell_next.clear();
    }

    fn calendar(r: &mut Replicate<'_>) {
        let Some(c) = r.world.scenario.negative_wom.as_ref() else {
            return;
        };
        let day = r.world.day;
        if r.state::<Self>().sentiment.is_empty() {
            let groups = r.world.community.group_count() as usize;
            r.state_mut::<Self>().sentiment = vec![0.0; groups];
        }
        let keep = 1.0 - c.sentiment_recovery;
        if keep < 1.0 {
            for s in &mut r.state_mut::<Self>().sentiment {
                *s *= keep;
            }
        }
        for (i, shock) in c.shocks.iter().enumerate() {
            if shock.day != day {
                continue;
            }
            let hear = r
                .world
                .draws
                .day(Stream::ShockHear { shock: i as u32 }, day);
            for m in 0..r.world.member_count() {
                if hear.chance(shock.share, m, 0) {
                    bad_experience(r, m);
                }
            }
        }
    }

    fn member_actions(r: &mut Replicate<'_>) {
        let Some(c) = r.world.scenario.negative_wom.as_ref() else {
            return;
        };
        let day = r.world.day;
        let mut tellers = std::mem::take(&mut r.state_mut::<Self>().telling);
        // Tellers of yesterday's news, once each: a bad experience before hearsay.
        tellers.sort_unstable();
        tellers.dedup_by_key(|t| t.0);
        let tell = r.world.draws.day(Stream::NegativeTell, day);
        let graph = r.world.graph;
        for &(m, kind) in &tellers {
            let p = if kind == 0 { c.p_tell } else { c.p_retell };
            if p == 0.0 {
                continue;
            }
            for &f in graph.neighbours(m) {
                if tell.chance(p, f, m) {
                    hear(r, f);
                }
            }
        }
        let st = r.state_mut::<Self>();
        tellers.clear();
        st.telling = tellers;
    }

    fn on_order(r: &mut Replicate<'_>, order: &Order) {
        let Some(c) = r.world.scenario.negative_wom.as_ref() else {
            return;
        };
        let day = r.world.day;
        let m = order.buyer;
        // A member affected before their first order: their churn is drawn with the raise.
        if order.first && c.churn_rise > 0.0 && r.state::<Self>().affected(r, m) {
            r.hold_churn(m, day + 1);
        }
        if c.p_dispute == 0.0 || day == 0 {
            return; // seeding is not an order anybody disputes
        }
        let generation = r.customer(m).map_or(0, |c| c.orders);
        if !r
            .world
            .draws
            .day(Stream::Dispute, day)
            .chance(c.p_dispute, m, generation)
        {
            return;
        }
        r.world.row_mut().disputes += 1;
        if r.world
            .draws
            .day(Stream::DisputeResolve, day)
            .chance(c.p_resolve, m, generation)
        {
            r.world.row_mut().disputes_resolved += 1;
        } else {
            bad_experience(r, m);
        }
    }

    fn end_day(r: &mut Replicate<'_>) {
        let s = &r.state::<Self>().sentiment;
        let mean = if s.is_empty() {
            0.0
        } else {
            s.iter().sum::<f64>() / s.len() as f64
        };
        r.world.row_mut().sentiment = mean;
    }

    fn conversion_multiplier(&self, r: &Replicate<'_>, member: u32, _channel: Channel) -> f64 {
        let Some(c) = r.world.scenario.negative_wom.as_ref() else {
            return 1.0;
        };
        let mut x = if self.affected(r, member) {
            1.0 - c.conversion_cut
        } else {
            1.0
        };
        if c.sentiment_weight > 0.0
            && let Some(g) = r.world.community.group_of(member)
            && let Some(s) = self.sentiment.get(g as usize)
        {
            x *= 1.0 + c.sentiment_weight * s;
        }
        x
    }

    fn share_multiplier(&self, r: &Replicate<'_>, member: u32) -> f64 {
        match r.world.scenario.negative_wom.as_ref() {
            Some(c) if self.affected(r, member) => 1.0 - c.share_cut,
            _ => 1.0,
        }
    }

    fn churn_protection(&self, r: &Replicate<'_>, member: u32) -> f64 {
        match r.world.scenario.negative_wom.as_ref() {
            Some(c) if self.affected(r, member) => -c.churn_rise,
            _ => 0.0,
        }
    }
}
