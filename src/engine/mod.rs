//! The simulation of one replicate, one day at a time, in the fixed order of DESIGN §2.2:
//! calendar (ads) → member actions (shares) with exposure resolution → retention (repurchase
//! needs, silence, churn) → observe. Day 0 is the seeding day and is observed before the first step.

mod calendar;
mod check;
mod exposure;
mod offer;
mod retention;
mod setup;
mod share;
mod world;

pub use calendar::{Calendar, Event, EventKind};
pub use exposure::Order;
pub use offer::{Offer, OfferQuery};
pub use setup::Setup;
pub use world::World;

use crate::graph::SocialGraph;
use crate::mechanism::{Init, Mechanisms, Slot, hooks};
use crate::metrics::DayRow;
use crate::metrics::run::RunRecord;
use crate::model::member::NONE;
use crate::model::{Channel, Community, Customer, Population, Stage};
use crate::rng::Draws;
use crate::scenario::Scenario;

/// Sees the state after every observed day (day 0 included); used by tests and recorders.
pub trait Observer {
    /// Called once before seeding; a test may switch a fast path off here
    /// ([`Replicate::without_quick_rejection`], [`Replicate::without_skip_ahead`]).
    fn start(&mut self, _replicate: &mut Replicate<'_>) {}

    /// Called once per day with the replicate's state and the day's row.
    fn observe(&mut self, replicate: &Replicate<'_>, row: &DayRow);
}

impl Observer for () {
    fn observe(&mut self, _: &Replicate<'_>, _: &DayRow) {}
}

/// One replicate: the world and the mechanisms acting on it, with the two fast paths the
/// mechanisms' declarations allow.
pub struct Replicate<'a> {
    /// Graph, members, customers, calendars, today's row.
    pub(crate) world: World<'a>,
    /// Every configured mechanism's running state.
    mechanisms: Mechanisms,
    /// Does any mechanism give discounts (so offers must be worked out)?
    prices: bool,
    /// By channel: no offer's price term `(π / list)^(−ε)` on it exceeds this (1 when no
    /// mechanism gives discounts there): an exposure whose purchase draw is above the
    /// list-price probability times this bound is rejected without working out the offer.
    price_bound: [f64; Channel::ALL.len()],
    /// Set when a friend's share converts with the same probability for every friend (no
    /// receiver-dependent factor is on): shares then skip ahead from buyer to buyer.
    skip_ahead: Option<SkipAhead>,
    /// Does any mechanism scale conversions (festivals, engagement)?
    adjusts_conversion: bool,
    /// Does any mechanism react to interactions (engagement, lotteries)?
    hears_interactions: bool,
}

/// The uniform friend-share conversion probability and `ln(1 − p)` for geometric skips.
#[derive(Debug, Clone, Copy)]
struct SkipAhead {
    p: f64,
    ln_miss: f64,
}

/// The friend-share conversion probability if no receiver-dependent factor is on: constant
/// activity, no herd effect, no fatigue, no churn (so every friend is reachable), one tie
/// multiplier, shares that reach every friend, and no mechanism that declares itself
/// receiver-dependent.
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
    let plain = !crate::mechanism::receiver_dependent(s)
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
        let population = Population::draw(scenario, n, &draws);
        let skip_ahead = uniform_friend_p(scenario, graph, &population).map(|p| SkipAhead {
            p,
            ln_miss: (-p).ln_1p(),
        });
        let mechanisms = Mechanisms::new(&Init {
            scenario,
            population: &population,
            members: n,
            draws: &draws,
        });
        let prices = Channel::ALL
            .iter()
            .any(|&c| crate::mechanism::stacked_discount_bound(scenario, c).is_some());
        let max_elasticity = population.price_elasticity.max();
        let price_bound =
            Channel::ALL.map(|c| crate::mechanism::price_bound(scenario, max_elasticity, c));
        Replicate {
            world: World::new(scenario, graph, community, population, draws),
            mechanisms,
            prices,
            price_bound,
            skip_ahead,
            adjusts_conversion: crate::mechanism::adjusts_conversion(scenario),
            hears_interactions: crate::mechanism::hears_interactions(scenario),
        }
    }

    /// The purchase probability of `member` on `channel` ([`World::conversion`]) times every
    /// mechanism's conversion multiplier.
    #[inline]
    pub(crate) fn conversion(
        &self,
        member: u32,
        channel: Channel,
        tie: f64,
        discount: i64,
        fatigue: f64,
    ) -> f64 {
        let p = self
            .world
            .conversion(member, channel, tie, discount, fatigue);
        if self.adjusts_conversion {
            p * hooks::conversion_multiplier(self, member, channel)
        } else {
            p
        }
    }

    /// Every mechanism's conversion multiplier for `member` on `channel` today (1 if none
    /// scales conversions).
    #[inline]
    pub(crate) fn multiplier(&self, member: u32, channel: Channel) -> f64 {
        if self.adjusts_conversion {
            hooks::conversion_multiplier(self, member, channel)
        } else {
            1.0
        }
    }

    /// Records an interaction of `member` today (a read, an attendance, a check-in, a lottery
    /// entry, a share, an order) for the mechanisms that listen.
    #[inline]
    pub(crate) fn interact(&mut self, member: u32) {
        self.world.row.interactions += 1;
        if self.hears_interactions {
            hooks::on_interaction(self, member);
        }
    }

    /// Turns the quick purchase rejection off: every exposure works out its offer. The outputs
    /// must not change (the rejection skips only offers that cannot convert); a test checks it.
    pub fn without_quick_rejection(&mut self) {
        self.price_bound = [f64::MAX; Channel::ALL.len()];
    }

    /// Turns the skip-ahead share path off: every friend a share reaches gets a purchase draw.
    /// The outputs change draw by draw (the paths use different streams) but not in
    /// distribution; a test checks it.
    pub fn without_skip_ahead(&mut self) {
        self.skip_ahead = None;
    }

    /// Every mechanism's running state.
    pub(crate) fn mechanisms(&self) -> &Mechanisms {
        &self.mechanisms
    }

    /// The running state of mechanism `M`; only its own hooks call this, which run only when
    /// it is configured.
    pub(crate) fn state<M: Slot>(&self) -> &M {
        M::get(&self.mechanisms).expect("a hook runs only for a configured mechanism")
    }

    /// The running state of mechanism `M`, mutably (see [`Replicate::state`]).
    pub(crate) fn state_mut<M: Slot>(&mut self) -> &mut M {
        M::get_mut(&mut self.mechanisms).expect("a hook runs only for a configured mechanism")
    }

    /// Places the seed customers on day 0 (booked as orders at list price).
    pub fn seed(&mut self, members: &[u32]) {
        for &m in members {
            if self.world.customer_of[m as usize] == NONE {
                self.purchase(m, Channel::Seed, NONE, Offer::default());
            }
        }
    }

    /// Runs every day, observing day 0 and each day after it; returns the daily rows.
    pub fn run(&mut self, observer: &mut impl Observer) -> Vec<DayRow> {
        let mut rows = Vec::with_capacity(self.world.scenario.days as usize + 1);
        self.finish_day();
        observer.observe(self, &self.world.row);
        rows.push(self.world.row.clone());
        while self.world.day < self.world.scenario.days {
            self.step();
            observer.observe(self, &self.world.row);
            rows.push(self.world.row.clone());
        }
        rows
    }

    /// Simulates the next day.
    fn step(&mut self) {
        let w = &mut self.world;
        w.day += 1;
        w.row = DayRow {
            day: w.day,
            ..DayRow::default()
        };
        w.bought_yesterday = std::mem::take(&mut w.bought_today);
        hooks::start_day(&mut self.mechanisms);
        // 1. Calendar: the mechanisms' scheduled actions (KOL posts, coupon drops, group
        //    posts, ads).
        hooks::calendar(self);
        // 2–3. Member actions with their exposures: shares, then the mechanisms' (red
        //    packets, team invites).
        self.run_shares();
        hooks::member_actions(self);
        // 4. Settlement: teams fill or expire; commission falls due.
        hooks::settle(self);
        // 5. Retention.
        self.run_retention();
        hooks::end_day(self);
        self.world.total_fatigue *= self.world.scenario.fatigue.decay;
        self.finish_day();
    }

    fn finish_day(&mut self) {
        let w = &mut self.world;
        // dau = |buyers ∪ sharers|, both sorted; no per-member bookkeeping in the hot path.
        w.bought_today.sort_unstable();
        w.bought_today.dedup();
        w.row.dau = sorted_union_len(&w.bought_today, &w.shared_today);
        w.row.stages = w.stage_counts;
        w.row.customers = w.customers.len() as u32;
        w.row.budgets_out = hooks::budgets_out(&self.mechanisms);
        let n = w.graph.node_count();
        w.row.mean_fatigue = if n > 0 {
            w.total_fatigue / f64::from(n)
        } else {
            0.0
        };
    }

    /// The current day.
    pub fn day(&self) -> u32 {
        self.world.day
    }

    /// Number of members.
    pub fn member_count(&self) -> u32 {
        self.world.member_count()
    }

    /// The social graph.
    pub fn graph(&self) -> &SocialGraph {
        self.world.graph
    }

    /// Stage of `member`.
    pub fn stage(&self, member: u32) -> Stage {
        self.world.stage(member)
    }

    /// The customer record of `member`, if they ever bought.
    pub fn customer(&self, member: u32) -> Option<&Customer> {
        self.world.customer(member)
    }

    /// Position of `member` in [`Replicate::customers`], if they ever bought.
    pub fn customer_index(&self, member: u32) -> Option<usize> {
        self.world.customer_index(member)
    }

    /// Every customer, in order of first purchase.
    pub fn customers(&self) -> &[Customer] {
        &self.world.customers
    }

    /// Members who shared today, ascending.
    pub fn shared_today(&self) -> &[u32] {
        &self.world.shared_today
    }

    /// Members who bought today (they may share tomorrow).
    pub fn bought_today(&self) -> &[u32] {
        &self.world.bought_today
    }

    /// The scenario being simulated.
    pub fn scenario(&self) -> &Scenario {
        self.world.scenario
    }

    /// What the metrics read of this replicate.
    pub fn record(&self) -> RunRecord<'_> {
        let w = &self.world;
        RunRecord {
            scenario: w.scenario,
            customers: &w.customers,
            customer_of: &w.customer_of,
            population: &w.population,
            members: w.graph.node_count(),
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
