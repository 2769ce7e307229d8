//! Reviews and UGC (评价 / 晒单 / 笔记): every order's experience is drawn with the order —
//! good when the product satisfied (`quality`) and the delivery went well
//! (`1 − p_delivery_problem`, or the shock's rate for orders inside
//! `[reviews.delivery_shock]`'s days) — and falls due `delay_days` later, when the buyer posts a
//! review with `p_review` (`p_review_rewarded` while a review reward is paid), independently of
//! the experience: positive reviews are a `quality · (1 − p)` share. A bad experience is a bad
//! experience for `[negative_wom]` whether reviewed or not.
//!
//! A positive review is an exposure on the `review` channel to each friend with `reach`
//! (times the tie multiplier and `positive_lift`) and to each member of the reviewer's group
//! who reads it (`p_read_group`); a negative review converts nobody, and with `[negative_wom]`
//! the same readers hear of the bad experience — without that table it only fails to help.
//! `[reviews.leaderboard]`: every `every_days` the `top` reviewers by positive reviews in the
//! period are featured until the next ranking; a featured reviewer's positive review also
//! reaches `extra_reach` members drawn from everybody.

use serde::{Deserialize, Serialize};

use super::{Budget, Init, Mechanism, negative_wom};
use crate::engine::{Order, Replicate};
use crate::model::Channel;
use crate::model::ledger::Scheme;
use crate::rng::Stream;
use crate::scenario::Scenario;
use crate::scenario::schema::defaults;
use crate::scenario::validate::Problems;

/// `[reviews]`: customers review their orders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reviews {
    /// Probability that a buyer reviews an order.
    pub p_review: f64,
    /// Cash paid for each review posted (晒单返现); 0 = no reward.
    #[serde(default)]
    pub reward_cents: i64,
    /// Probability of a review while the reward is paid (≥ `p_review`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_review_rewarded: Option<f64>,
    /// Money for review rewards; a review it cannot pay ends the reward.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_cents: Option<i64>,
    /// Days from the order to its review (delivery and first use).
    #[serde(default = "defaults::one_u32")]
    pub delay_days: u32,
    /// Probability that the product satisfies the buyer.
    #[serde(default = "defaults::one")]
    pub quality: f64,
    /// Probability that an order arrives late or damaged.
    #[serde(default)]
    pub p_delivery_problem: f64,
    /// A delivery shock: orders placed within its days have its own problem rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_shock: Option<DeliveryShock>,
    /// Probability that a review reaches each friend of the reviewer.
    #[serde(default = "defaults::one")]
    pub reach: f64,
    /// Probability that a member of the reviewer's group reads it (0 = not posted in groups).
    #[serde(default)]
    pub p_read_group: f64,
    /// Multiplier on `p_buy.review` of a positive review (the reviewer's credibility).
    #[serde(default = "defaults::one")]
    pub positive_lift: f64,
    /// The UGC leaderboard, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leaderboard: Option<Leaderboard>,
}

/// `[reviews.delivery_shock]`: a stretch of days with more late or damaged orders.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveryShock {
    /// First day of the shock.
    pub start_day: u32,
    /// Last day of the shock.
    pub end_day: u32,
    /// Probability that an order placed during the shock arrives late or damaged.
    pub p_delivery_problem: f64,
}

/// `[reviews.leaderboard]`: the best reviewers featured platform-wide.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Leaderboard {
    /// Days between rankings (the first on day `every_days`).
    pub every_days: u32,
    /// Reviewers featured per ranking.
    pub top: u32,
    /// Members a featured reviewer's positive review reaches beyond friends and group.
    pub extra_reach: u32,
}

impl Reviews {
    /// Probability that an order placed on `day` arrives late or damaged.
    fn p_problem(&self, day: u32) -> f64 {
        match self.delivery_shock {
            Some(s) if (s.start_day..=s.end_day).contains(&day) => s.p_delivery_problem,
            _ => self.p_delivery_problem,
        }
    }

    /// The share of reviews of orders placed on `day` that are positive.
    pub fn positive_share(&self, day: u32) -> f64 {
        self.quality * (1.0 - self.p_problem(day))
    }
}

/// An order's experience falling due (delivered and used), with its review if the buyer
/// writes one.
#[derive(Debug, Clone, Copy)]
struct Pending {
    day: u32,
    reviewer: u32,
    /// The product satisfied and the delivery went well.
    positive: bool,
    /// The buyer writes a review.
    review: bool,
    rewarded: bool,
}

/// Reviews to post, the budget and the leaderboard.
pub struct State {
    budget: Budget,
    /// Reviews in the order they fall due (a fixed delay keeps them sorted by day).
    queue: std::collections::VecDeque<Pending>,
    /// Positive reviews per member in the current ranking period (leaderboard only).
    period_positive: Vec<u32>,
    /// Members with a positive review this period.
    period_reviewers: Vec<u32>,
    /// Featured reviewers, ascending.
    featured: Vec<u32>,
}

impl State {
    /// Ranks this period's reviewers and features the best (most positive reviews, then the
    /// lower member number).
    fn rank(&mut self, top: u32) {
        let mut ranked = std::mem::take(&mut self.period_reviewers);
        ranked.sort_unstable_by_key(|&m| (std::cmp::Reverse(self.period_positive[m as usize]), m));
        for &m in &ranked {
            self.period_positive[m as usize] = 0;
        }
        ranked.truncate(top as usize);
        ranked.sort_unstable();
        self.featured = ranked;
    }

    /// An order's experience today: a bad one is a bad experience for `[negative_wom]`; a
    /// review, if written, is posted.
    fn post(r: &mut Replicate<'_>, cfg: &Reviews, review: Pending) {
        let m = review.reviewer;
        if !review.positive {
            negative_wom::bad_experience(r, m);
        }
        if !review.review {
            return;
        }
        if review.rewarded && r.state_mut::<Self>().budget.spend(cfg.reward_cents) {
            r.world
                .row_mut()
                .ledger
                .book_incentive(Scheme::Review, cfg.reward_cents);
        }
        let day = r.world.day;
        let draws = r.world.draws;
        if !review.positive {
            r.world.row_mut().reviews_negative += 1;
            Self::spread_negative(r, cfg, m);
            return;
        }
        r.world.row_mut().reviews_positive += 1;
        negative_wom::good_review(r, m);
        let lift = cfg.positive_lift;
        let reach = draws.day(Stream::ReviewReach, day);
        let buy = draws.day(Stream::ReviewPurchase, day);
        let graph = r.world.graph;
        for (slot, &f) in graph.neighbours(m).iter().enumerate() {
            if cfg.reach >= 1.0 || reach.chance(cfg.reach, f, m) {
                let tie = r.world.tie(m, slot) * lift;
                r.expose(f, Channel::Review, m, tie, buy, m);
            }
        }
        if cfg.p_read_group > 0.0
            && let Some(g) = r.world.community.group_of(m)
        {
            let read = draws.day(Stream::ReviewGroupRead, day);
            let buy = draws.day(Stream::ReviewGroupPurchase, day);
            let community = r.world.community;
            for &u in community.members(g) {
                if u != m && read.chance(cfg.p_read_group, u, m) {
                    r.expose(u, Channel::Review, m, lift, buy, m);
                }
            }
        }
        let st = r.state_mut::<Self>();
        if let Some(board) = cfg.leaderboard {
            if st.period_positive[m as usize] == 0 {
                st.period_reviewers.push(m);
            }
            st.period_positive[m as usize] += 1;
            if st.featured.binary_search(&m).is_ok() {
                r.world.row_mut().reviews_featured += 1;
                let n = r.world.member_count();
                let pick = draws.day(Stream::ReviewFeatured, day);
                let buy = draws.day(Stream::ReviewFeaturedPurchase, day);
                for i in 0..board.extra_reach {
                    let u = pick.index(n, m, i);
                    if u != m {
                        r.expose(u, Channel::Review, m, lift, buy, m);
                    }
                }
            }
        }
    }
}

impl State {
    /// A negative review by `m` read: its friends (with `reach`) and group readers hear of the
    /// bad experience (`[negative_wom]`; nothing without it).
    fn spread_negative(r: &mut Replicate<'_>, cfg: &Reviews, m: u32) {
        if r.world.scenario.negative_wom.is_none() {
            return;
        }
        let day = r.world.day;
        let reach = r.world.draws.day(Stream::ReviewReach, day);
        let graph = r.world.graph;
        for &f in graph.neighbours(m) {
            if cfg.reach >= 1.0 || reach.chance(cfg.reach, f, m) {
                negative_wom::hear(r, f);
            }
        }
        if cfg.p_read_group > 0.0
            && let Some(g) = r.world.community.group_of(m)
        {
            let read = r.world.draws.day(Stream::ReviewGroupRead, day);
            let community = r.world.community;
            for &u in community.members(g) {
                if u != m && read.chance(cfg.p_read_group, u, m) {
                    negative_wom::hear(r, u);
                }
            }
        }
    }
}

impl Mechanism for State {
    const COST_LINE: Option<Scheme> = Some(Scheme::Review);

    fn build(init: &Init<'_>) -> Option<Self> {
        let cfg = init.scenario.reviews.as_ref()?;
        let board = cfg.leaderboard.is_some();
        Some(State {
            budget: Budget::new(cfg.budget_cents),
            queue: Default::default(),
            period_positive: if board {
                vec![0; init.members as usize]
            } else {
                Vec::new()
            },
            period_reviewers: Vec::new(),
            featured: Vec::new(),
        })
    }

    fn check(s: &Scenario, p: &mut Problems) {
        let Some(c) = &s.reviews else {
            return;
        };
        p.prob("reviews.p_review", c.p_review);
        p.cents("reviews.reward_cents", c.reward_cents);
        if let Some(q) = c.p_review_rewarded {
            p.prob("reviews.p_review_rewarded", q);
            if q < c.p_review {
                p.add(
                    "reviews.p_review_rewarded",
                    format!(
                        "must be at least p_review ({}): a reward does not make reviews rarer",
                        c.p_review
                    ),
                );
            }
        }
        if c.reward_cents > 0 && c.p_review_rewarded.is_none() {
            p.add(
                "reviews.p_review_rewarded",
                "set the review probability while the reward is paid (reward_cents > 0)".into(),
            );
        }
        if let Some(b) = c.budget_cents {
            p.cents("reviews.budget_cents", b);
        }
        if c.delay_days == 0 {
            p.add(
                "reviews.delay_days",
                "must be ≥ 1 (a review follows delivery)".into(),
            );
        }
        p.prob("reviews.quality", c.quality);
        p.prob("reviews.p_delivery_problem", c.p_delivery_problem);
        if let Some(d) = &c.delivery_shock {
            p.prob(
                "reviews.delivery_shock.p_delivery_problem",
                d.p_delivery_problem,
            );
            p.day_window("reviews.delivery_shock", d.start_day, Some(d.end_day));
        }
        p.prob("reviews.reach", c.reach);
        p.prob("reviews.p_read_group", c.p_read_group);
        p.non_negative("reviews.positive_lift", c.positive_lift);
        if c.p_read_group > 0.0 && s.groups.is_none() {
            p.add(
                "reviews.p_read_group",
                "needs a [groups] table (reviews are posted in the reviewer's group)".into(),
            );
        }
        if let Some(b) = &c.leaderboard {
            if b.every_days == 0 {
                p.add("reviews.leaderboard.every_days", "must be ≥ 1".into());
            }
            if b.top == 0 {
                p.add("reviews.leaderboard.top", "must be ≥ 1".into());
            }
        }
    }

    fn lint(s: &Scenario, w: &mut Problems) {
        let Some(c) = &s.reviews else {
            return;
        };
        if c.p_review > 0.0 || c.reward_cents > 0 {
            w.silent_channel(
                "behaviour.p_buy.review",
                s.behaviour.p_buy.review,
                "positive reviews convert nobody",
            );
        }
        w.budget_below(
            "reviews.budget_cents",
            c.budget_cents,
            c.reward_cents,
            "the review reward",
        );
    }

    fn budget_cents(s: &Scenario) -> Option<i64> {
        s.reviews.as_ref().and_then(|c| c.budget_cents)
    }

    fn budget_out(&self) -> bool {
        self.budget.exhausted()
    }

    fn calendar(r: &mut Replicate<'_>) {
        let day = r.world.day;
        if let Some(board) = r
            .world
            .scenario
            .reviews
            .as_ref()
            .and_then(|c| c.leaderboard)
            && day.is_multiple_of(board.every_days)
        {
            r.state_mut::<Self>().rank(board.top);
        }
    }

    fn member_actions(r: &mut Replicate<'_>) {
        let Some(cfg) = r.world.scenario.reviews.as_ref() else {
            return;
        };
        let day = r.world.day;
        let mut today = Vec::new();
        let st = r.state_mut::<Self>();
        while st.queue.front().is_some_and(|p| p.day <= day) {
            today.extend(st.queue.pop_front());
        }
        // One experience per buyer a day (a review first, then the earliest order's): keys
        // are (reader, reviewer).
        today.sort_by_key(|p| (p.reviewer, !p.review));
        today.dedup_by_key(|p| p.reviewer);
        for review in today {
            Self::post(r, cfg, review);
        }
    }

    fn on_order(r: &mut Replicate<'_>, order: &Order) {
        let Some(cfg) = r.world.scenario.reviews.as_ref() else {
            return;
        };
        let day = r.world.day;
        let m = order.buyer;
        let generation = r.customer(m).map_or(0, |c| c.orders);
        let rewarded = cfg.reward_cents > 0 && !r.state::<Self>().budget.exhausted();
        let p = match cfg.p_review_rewarded {
            Some(q) if rewarded => q,
            _ => cfg.p_review,
        };
        let draws = r.world.draws;
        let review = draws.day(Stream::ReviewPost, day).chance(p, m, generation);
        let positive =
            draws
                .day(Stream::ReviewValence, day)
                .chance(cfg.positive_share(day), m, generation);
        // A bad experience matters without a review once negative word of mouth is modelled.
        if review || (!positive && r.world.scenario.negative_wom.is_some()) {
            r.state_mut::<Self>().queue.push_back(Pending {
                day: day + cfg.delay_days,
                reviewer: m,
                positive,
                review,
                rewarded,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{DeliveryShock, Reviews};

    #[test]
    fn positive_share_is_quality_times_good_delivery() {
        let r = Reviews {
            p_review: 0.1,
            reward_cents: 0,
            p_review_rewarded: None,
            budget_cents: None,
            delay_days: 1,
            quality: 0.9,
            p_delivery_problem: 0.1,
            delivery_shock: Some(DeliveryShock {
                start_day: 10,
                end_day: 12,
                p_delivery_problem: 0.5,
            }),
            reach: 1.0,
            p_read_group: 0.0,
            positive_lift: 1.0,
            leaderboard: None,
        };
        assert!((r.positive_share(9) - 0.81).abs() < 1e-12);
        assert!((r.positive_share(10) - 0.45).abs() < 1e-12);
        assert!((r.positive_share(12) - 0.45).abs() < 1e-12);
        assert!((r.positive_share(13) - 0.81).abs() < 1e-12);
    }
}
