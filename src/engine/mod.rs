//! The simulation of one replicate, one day at a time, in the fixed order of DESIGN §2.2:
//! calendar (ads) → member actions (shares) with exposure resolution → retention (repurchase
//! needs, silence, churn) → observe. Day 0 is the seeding day and is observed before the first step.

mod calendar;
mod campaign;
mod check;
mod coupon;
mod exposure;
mod offer;
mod red_packet;
mod referral;
mod retention;
mod rewards;
mod setup;
mod share;
mod team;

pub use calendar::{Calendar, Event, EventKind};
pub use setup::Setup;

use crate::graph::SocialGraph;
use crate::metrics::DayRow;
use crate::metrics::run::RunRecord;
use crate::model::member::{MemberFlags, NONE};
use crate::model::schemes::group_buy::Team;
use crate::model::schemes::{Budget, Scheme};
use crate::model::{Channel, Community, Customer, Population, Stage};
use crate::rng::Draws;
use crate::scenario::Scenario;
use crate::scenario::SchemeWindow;

/// Sees the state after every observed day (day 0 included); used by tests and recorders.
pub trait Observer {
    /// Called once per day with the replicate's state and the day's row.
    fn observe(&mut self, replicate: &Replicate<'_>, row: &DayRow);
}

impl Observer for () {
    fn observe(&mut self, _: &Replicate<'_>, _: &DayRow) {}
}

/// The state of one replicate: members (structure of arrays), customers, the calendar and today's row.
pub struct Replicate<'a> {
    scenario: &'a Scenario,
    graph: &'a SocialGraph,
    population: Population,
    draws: Draws,
    day: u32,
    /// Customers' stages (non-customers keep `Unaware` here; see `flags`).
    stage: Vec<Stage>,
    flags: MemberFlags,
    /// Set when a friend's share converts with the same probability for every friend (no
    /// receiver-dependent factor is on): shares then skip ahead from buyer to buyer.
    skip_ahead: Option<SkipAhead>,
    /// Index into `customers`, or `NONE`.
    customer_of: Vec<u32>,
    customers: Vec<Customer>,
    /// Fatigue at the end of `fatigue_day` (before that day's decay); empty when fatigue is off.
    fatigue: Vec<f32>,
    fatigue_day: Vec<u32>,
    /// Friends who are customers; empty when `behaviour.herd = 0`.
    customer_friends: Vec<u32>,
    retention: Calendar,
    actions: Calendar,
    bought_yesterday: Vec<u32>,
    bought_today: Vec<u32>,
    stage_counts: [u32; 5],
    total_fatigue: f64,
    ad_impressions: u64,
    row: DayRow,
    /// Today's sharers, ascending.
    shared_today: Vec<u32>,
    /// Groups and hired KOLs.
    community: &'a Community,
    /// The incentive schemes' running state.
    schemes: Schemes,
}

/// The running state of the incentive schemes in one replicate.
struct Schemes {
    /// What is left of each scheme's budget ([`Scheme`] order; coupons use `coupon_budgets`).
    budgets: [Budget; Scheme::ALL.len()],
    /// Budget of each `[[coupon]]` schedule.
    coupon_budgets: Vec<Budget>,
    /// Does any scheme change prices (so offers must be worked out)?
    prices: bool,
    /// No offer's price term `(π / list)^(−ε)` exceeds this (1 when no scheme changes prices):
    /// an exposure whose purchase draw is above the list-price probability times this bound is
    /// rejected without working out the offer.
    price_bound: f64,
    /// The coupon schedule (1-based) each member holds, 0 = none; empty without coupons.
    coupon_of: Vec<u16>,
    /// Last day each held coupon is valid.
    coupon_until: Vec<u32>,
    /// Every team ever opened.
    teams: Vec<Team>,
    /// Teams still open, by index into `teams`.
    open_teams: Vec<u32>,
    /// Teams opened today (their leaders invite tomorrow).
    opened_today: Vec<u32>,
    /// Teams opened yesterday.
    opened_yesterday: Vec<u32>,
    /// The open team each member is in, or `NONE`; empty without group buy.
    team_of: Vec<u32>,
    /// Buyers whose red packet goes out tomorrow.
    packets_today: Vec<u32>,
    /// Buyers whose red packet goes out today.
    packets_yesterday: Vec<u32>,
    /// Shares rewarded today by `share_reward`.
    rewarded_shares_today: u32,
    /// Commission payouts due: `(day, member, cents)`, in day order.
    payouts: std::collections::VecDeque<(u32, u32, i64)>,
    /// KOC picks of each KOL campaign (empty for KOL campaigns).
    kocs: Vec<Vec<u32>>,
}

impl Schemes {
    fn new(s: &Scenario, population: &Population, n: u32, draws: &Draws) -> Self {
        let budget_of =
            |w: Option<&dyn SchemeWindow>| Budget::new(w.and_then(|w| w.budget_cents()));
        let mut budgets = [Budget::new(None); Scheme::ALL.len()];
        budgets[Scheme::Referral as usize] = budget_of(s.referral.as_ref().map(|x| x as _));
        budgets[Scheme::GroupBuy as usize] = budget_of(s.group_buy.as_ref().map(|x| x as _));
        budgets[Scheme::ShareReward as usize] = budget_of(s.share_reward.as_ref().map(|x| x as _));
        budgets[Scheme::RedPacket as usize] = budget_of(s.red_packet.as_ref().map(|x| x as _));
        budgets[Scheme::Commission as usize] = budget_of(s.commission.as_ref().map(|x| x as _));
        let coupons = !s.coupon.is_empty();
        let prices = s.referral.is_some() || s.group_buy.is_some() || coupons || s.points.is_some();
        let kocs = s
            .kol_campaign
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if c.koc {
                    campaign::pick_kocs(population, n, c.count, draws, i as u32)
                } else {
                    Vec::new()
                }
            })
            .collect();
        Schemes {
            price_bound: if prices {
                offer::price_bound(s, population.price_elasticity.max())
            } else {
                1.0
            },
            budgets,
            coupon_budgets: s
                .coupon
                .iter()
                .map(|c| Budget::new(c.budget_cents))
                .collect(),
            prices,
            coupon_of: if coupons {
                vec![0; n as usize]
            } else {
                Vec::new()
            },
            coupon_until: if coupons {
                vec![0; n as usize]
            } else {
                Vec::new()
            },
            teams: Vec::new(),
            open_teams: Vec::new(),
            opened_today: Vec::new(),
            opened_yesterday: Vec::new(),
            team_of: if s.group_buy.is_some() {
                vec![NONE; n as usize]
            } else {
                Vec::new()
            },
            packets_today: Vec::new(),
            packets_yesterday: Vec::new(),
            rewarded_shares_today: 0,
            payouts: std::collections::VecDeque::new(),
            kocs,
        }
    }
}

/// The uniform friend-share conversion probability and `ln(1 − p)` for geometric skips.
#[derive(Debug, Clone, Copy)]
struct SkipAhead {
    p: f64,
    ln_miss: f64,
}

/// The friend-share conversion probability if no receiver-dependent factor is on: constant
/// activity, no herd effect, no fatigue, no churn (so every friend is reachable), one tie
/// multiplier, and shares that reach every friend.
fn uniform_friend_p(s: &Scenario, graph: &SocialGraph, population: &Population) -> Option<f64> {
    let b = &s.behaviour;
    use crate::model::population::Attribute;
    let Attribute::Constant(activity) = population.activity else {
        return None;
    };
    // The price term must not depend on the receiver either (it changes only with discounts).
    if let Attribute::PerMember(_) = population.price_elasticity {
        return None;
    }
    let one_tie = b.tie_strong == b.tie_weak || graph.strong_edge_count() == 0;
    // Team leaders, coupon holders and pending team members make conversion member-specific
    // (a scheme whose window starts after the horizon never does).
    let runs = |w: &dyn SchemeWindow| w.start_day() <= s.days;
    let plain = !s.group_buy.as_ref().is_some_and(|g| runs(g))
        && !s.coupon.iter().any(|c| runs(c))
        && s.share.k.is_none()
        && s.share.reach >= 1.0
        && b.herd == 0.0
        && s.fatigue.per_message == 0.0
        && s.churn.base == 0.0
        && s.churn.fatigue_weight == 0.0
        && one_tie;
    plain.then(|| (b.p_buy.friend * b.tie_weak * activity).min(1.0))
}

impl<'a> Replicate<'a> {
    /// A fresh replicate with everybody unaware, before seeding.
    pub fn new(
        scenario: &'a Scenario,
        graph: &'a SocialGraph,
        community: &'a Community,
        replicate: u64,
    ) -> Self {
        let n = graph.node_count();
        let draws = Draws::new(scenario.seed, replicate);
        let fatigue_on = scenario.fatigue.per_message > 0.0
            || scenario.fatigue.per_promo_message.is_some_and(|f| f > 0.0);
        let population = Population::draw(scenario, n, &draws);
        let skip_ahead = uniform_friend_p(scenario, graph, &population).map(|p| SkipAhead {
            p,
            ln_miss: (-p).ln_1p(),
        });
        Replicate {
            scenario,
            graph,
            draws,
            day: 0,
            stage: vec![Stage::Unaware; n as usize],
            flags: MemberFlags::new(n),
            skip_ahead,
            customer_of: vec![NONE; n as usize],
            customers: Vec::new(),
            fatigue: if fatigue_on {
                vec![0.0; n as usize]
            } else {
                Vec::new()
            },
            fatigue_day: if fatigue_on {
                vec![0; n as usize]
            } else {
                Vec::new()
            },
            customer_friends: if scenario.behaviour.herd > 0.0 {
                vec![0; n as usize]
            } else {
                Vec::new()
            },
            retention: Calendar::new(scenario.days),
            actions: Calendar::new(scenario.days),
            bought_yesterday: Vec::new(),
            bought_today: Vec::new(),
            stage_counts: [n, 0, 0, 0, 0],
            total_fatigue: 0.0,
            ad_impressions: 0,
            row: DayRow::default(),
            shared_today: Vec::new(),
            community,
            schemes: Schemes::new(scenario, &population, n, &draws),
            population,
        }
    }

    /// Places the seed customers on day 0 (booked as orders at list price).
    pub fn seed(&mut self, members: &[u32]) {
        for &m in members {
            if self.customer_of[m as usize] == NONE {
                self.purchase(m, Channel::Seed, NONE, offer::Offer::default());
            }
        }
    }

    /// Runs every day, observing day 0 and each day after it; returns the daily rows.
    pub fn run(&mut self, observer: &mut impl Observer) -> Vec<DayRow> {
        let mut rows = Vec::with_capacity(self.scenario.days as usize + 1);
        self.finish_day();
        observer.observe(self, &self.row);
        rows.push(self.row.clone());
        while self.day < self.scenario.days {
            self.step();
            observer.observe(self, &self.row);
            rows.push(self.row.clone());
        }
        rows
    }

    /// Simulates the next day.
    fn step(&mut self) {
        self.day += 1;
        self.row = DayRow {
            day: self.day,
            ..DayRow::default()
        };
        self.bought_yesterday = std::mem::take(&mut self.bought_today);
        self.schemes.opened_yesterday = std::mem::take(&mut self.schemes.opened_today);
        self.schemes.packets_yesterday = std::mem::take(&mut self.schemes.packets_today);
        self.schemes.rewarded_shares_today = 0;
        // 1. Calendar: KOC seeding and KOL posts, coupon drops, group posts, ads.
        self.run_kol_campaigns();
        self.drop_coupons();
        self.run_group_posts();
        self.run_ads();
        // 2–3. Member actions with their exposures: shares, red packets, team invites.
        self.run_shares();
        self.send_red_packets();
        self.send_team_invites();
        // 4. Settlement: teams fill or expire; commission falls due.
        self.settle_teams();
        self.pay_due_commission();
        // 5. Retention.
        self.run_retention();
        self.total_fatigue *= self.scenario.fatigue.decay;
        self.finish_day();
    }

    fn finish_day(&mut self) {
        // dau = |buyers ∪ sharers|, both sorted; no per-member bookkeeping in the hot path.
        self.bought_today.sort_unstable();
        self.bought_today.dedup();
        self.row.dau = sorted_union_len(&self.bought_today, &self.shared_today);
        self.row.stages = self.stage_counts;
        self.row.customers = self.customers.len() as u32;
        let n = self.graph.node_count();
        self.row.mean_fatigue = if n > 0 {
            self.total_fatigue / f64::from(n)
        } else {
            0.0
        };
    }

    /// Marks `member` as reached: an unaware non-customer becomes aware. Unaware and Aware live
    /// in the exposed bitset only; the stage array holds customers' stages.
    #[inline]
    fn mark_exposed(&mut self, member: u32) {
        if !self.flags.is_exposed(member) {
            self.flags.set_exposed(member);
            self.stage_counts[Stage::Unaware as usize] -= 1;
            self.stage_counts[Stage::Aware as usize] += 1;
        }
    }

    /// Moves a customer from one customer stage to another.
    #[inline]
    fn set_stage(&mut self, member: u32, stage: Stage) {
        let old = std::mem::replace(&mut self.stage[member as usize], stage);
        self.stage_counts[old as usize] -= 1;
        self.stage_counts[stage as usize] += 1;
    }

    /// The current day.
    pub fn day(&self) -> u32 {
        self.day
    }

    /// Number of members.
    pub fn member_count(&self) -> u32 {
        self.graph.node_count()
    }

    /// The social graph.
    pub fn graph(&self) -> &SocialGraph {
        self.graph
    }

    /// Stage of `member`.
    pub fn stage(&self, member: u32) -> Stage {
        if self.flags.is_customer(member) {
            self.stage[member as usize]
        } else if self.flags.is_exposed(member) {
            Stage::Aware
        } else {
            Stage::Unaware
        }
    }

    /// The customer record of `member`, if they ever bought.
    pub fn customer(&self, member: u32) -> Option<&Customer> {
        self.customers
            .get(self.customer_of[member as usize] as usize)
    }

    /// Position of `member` in [`Replicate::customers`], if they ever bought.
    pub fn customer_index(&self, member: u32) -> Option<usize> {
        let c = self.customer_of[member as usize];
        (c != NONE).then_some(c as usize)
    }

    /// Every customer, in order of first purchase.
    pub fn customers(&self) -> &[Customer] {
        &self.customers
    }

    /// Members who shared today, ascending.
    pub fn shared_today(&self) -> &[u32] {
        &self.shared_today
    }

    /// Members who bought today (they may share tomorrow).
    pub fn bought_today(&self) -> &[u32] {
        &self.bought_today
    }

    /// The scenario being simulated.
    pub fn scenario(&self) -> &Scenario {
        self.scenario
    }

    /// What the metrics read of this replicate.
    pub fn record(&self) -> RunRecord<'_> {
        RunRecord {
            scenario: self.scenario,
            customers: &self.customers,
            customer_of: &self.customer_of,
            population: &self.population,
            members: self.graph.node_count(),
        }
    }
}

/// Size of the union of two ascending, duplicate-free lists.
fn sorted_union_len(a: &[u32], b: &[u32]) -> u32 {
    let (mut i, mut j, mut n) = (0, 0, 0u32);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
        n += 1;
    }
    n + (a.len() - i + b.len() - j) as u32
}

#[cfg(test)]
mod tests {
    use super::sorted_union_len;

    #[test]
    fn union_counts_common_members_once() {
        assert_eq!(sorted_union_len(&[1, 3, 5], &[2, 3, 6, 7]), 6);
        assert_eq!(sorted_union_len(&[], &[2]), 1);
        assert_eq!(sorted_union_len(&[4], &[]), 1);
    }
}
