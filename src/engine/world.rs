//! The world state of one replicate that every mechanism acts on: the graph and groups, the
//! members (structure of arrays) and their stages, the customers, fatigue, the deadline
//! calendars, and today's row (exposures, orders, the ledger). Its methods are the world's own
//! rules: stages, fatigue and the purchase probability; placing an order and resolving an
//! exposure need the mechanisms too and live on [`super::Replicate`].

use super::calendar::Calendar;
use crate::graph::SocialGraph;
use crate::metrics::DayRow;
use crate::model::member::{MemberFlags, NONE};
use crate::model::{Channel, Community, Customer, Population, Stage};
use crate::rng::Draws;
use crate::scenario::Scenario;

/// The state of one replicate, mechanisms aside.
pub struct World<'a> {
    /// The scenario being simulated.
    pub scenario: &'a Scenario,
    /// The social graph.
    pub graph: &'a SocialGraph,
    /// Groups and hired KOLs.
    pub community: &'a Community,
    /// Members' attributes.
    pub population: Population,
    /// The replicate's random draws.
    pub draws: Draws,
    /// The current day.
    pub day: u32,
    /// Customers' stages (non-customers keep `Unaware` here; see `flags`).
    pub(crate) stage: Vec<Stage>,
    /// Customer, exposed and pending bits per member.
    pub(crate) flags: MemberFlags,
    /// Index into `customers`, or `NONE`.
    pub(crate) customer_of: Vec<u32>,
    /// Every customer, in order of first purchase.
    pub(crate) customers: Vec<Customer>,
    /// Fatigue at the end of `fatigue_day` (before that day's decay); empty when fatigue is off.
    pub(crate) fatigue: Vec<f32>,
    pub(crate) fatigue_day: Vec<u32>,
    /// Friends who are customers; empty when `behaviour.herd = 0`.
    pub(crate) customer_friends: Vec<u32>,
    /// Needs, silence checks and churn candidates falling due.
    pub(crate) retention: Calendar,
    /// Daily shares falling due.
    pub(crate) actions: Calendar,
    pub(crate) bought_yesterday: Vec<u32>,
    pub(crate) bought_today: Vec<u32>,
    pub(crate) stage_counts: [u32; 5],
    pub(crate) total_fatigue: f64,
    /// Today's row.
    pub(crate) row: DayRow,
    /// Today's sharers, ascending.
    pub(crate) shared_today: Vec<u32>,
    /// What a customer is worth by acquisition channel.
    pub(crate) value: AcquisitionValue,
    /// Cents per exposure on each channel (`[touch_cost]`; all 0 without it).
    pub(crate) touch_cents: [i64; Channel::ALL.len()],
}

/// `[customer_value]` resolved per acquisition channel ([`Channel`] order): the multipliers on
/// churn and repurchase, and each order's list value and cost of goods in cents.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AcquisitionValue {
    pub churn: [f64; Channel::ALL.len()],
    pub repurchase: [f64; Channel::ALL.len()],
    pub list_cents: [i64; Channel::ALL.len()],
    pub cost_cents: [i64; Channel::ALL.len()],
}

impl AcquisitionValue {
    fn new(s: &Scenario) -> Self {
        let (list, cost) = (s.product.list_price_cents, s.product.unit_cost_cents);
        let mut v = Self {
            churn: [1.0; Channel::ALL.len()],
            repurchase: [1.0; Channel::ALL.len()],
            list_cents: [list; Channel::ALL.len()],
            cost_cents: [cost; Channel::ALL.len()],
        };
        if let Some(cv) = &s.customer_value {
            for (ch, entry) in cv.entries() {
                if let Some(e) = entry {
                    let i = ch as usize;
                    v.churn[i] = e.churn;
                    v.repurchase[i] = e.repurchase;
                    v.list_cents[i] = (list as f64 * e.order_value).round() as i64;
                    v.cost_cents[i] = (cost as f64 * e.order_value).round() as i64;
                }
            }
        }
        v
    }
}

impl<'a> World<'a> {
    /// A world with everybody unaware, before seeding.
    pub(super) fn new(
        scenario: &'a Scenario,
        graph: &'a SocialGraph,
        community: &'a Community,
        population: Population,
        draws: Draws,
    ) -> Self {
        let n = graph.node_count() as usize;
        let fatigue_on = scenario.fatigue.per_message > 0.0
            || scenario.fatigue.per_promo_message.is_some_and(|f| f > 0.0);
        let per_member = |on: bool| if on { vec![0; n] } else { Vec::new() };
        World {
            scenario,
            graph,
            community,
            population,
            draws,
            day: 0,
            stage: vec![Stage::Unaware; n],
            flags: MemberFlags::new(n as u32),
            customer_of: vec![NONE; n],
            customers: Vec::new(),
            fatigue: if fatigue_on { vec![0.0; n] } else { Vec::new() },
            fatigue_day: per_member(fatigue_on),
            customer_friends: per_member(scenario.behaviour.herd > 0.0),
            retention: Calendar::new(scenario.days),
            actions: Calendar::new(scenario.days),
            bought_yesterday: Vec::new(),
            bought_today: Vec::new(),
            stage_counts: [n as u32, 0, 0, 0, 0],
            total_fatigue: 0.0,
            row: DayRow::default(),
            shared_today: Vec::new(),
            value: AcquisitionValue::new(scenario),
            touch_cents: scenario
                .touch_cost
                .map_or([0; Channel::ALL.len()], |t| t.by_channel()),
        }
    }

    /// Number of members.
    pub fn member_count(&self) -> u32 {
        self.graph.node_count()
    }

    /// The list price of the product, in cents.
    #[inline]
    pub fn list_price(&self) -> i64 {
        self.scenario.product.list_price_cents
    }

    /// Stage of `member`.
    #[inline]
    pub fn stage(&self, member: u32) -> Stage {
        if self.flags.is_customer(member) {
            self.stage[member as usize]
        } else if self.flags.is_exposed(member) {
            Stage::Aware
        } else {
            Stage::Unaware
        }
    }

    /// Has `member` ever bought?
    #[inline]
    pub fn is_customer(&self, member: u32) -> bool {
        self.flags.is_customer(member)
    }

    /// Is `member` waiting for a pending order (a group-buy team) to settle? Such a member's
    /// exposures decide nothing: the order is already decided.
    #[inline]
    pub fn is_pending(&self, member: u32) -> bool {
        // An L2-resident bitset, so the common "no" costs no cache miss.
        self.flags.is_pending(member)
    }

    /// Marks `member` as waiting for a pending order (`true`) or not.
    pub fn set_pending(&mut self, member: u32, pending: bool) {
        self.flags.set_pending(member, pending);
    }

    /// The customer record of `member`, if they ever bought.
    #[inline]
    pub fn customer(&self, member: u32) -> Option<&Customer> {
        self.customers
            .get(self.customer_of[member as usize] as usize)
    }

    /// The customers still in the private domain (active or silent), in order of first
    /// purchase: whom a check-in, a customers-only flash sale or a stream to followers reaches.
    pub fn private_domain(&self) -> impl Iterator<Item = u32> + '_ {
        self.customers
            .iter()
            .map(|c| c.member)
            .filter(|&m| matches!(self.stage(m), Stage::Active | Stage::Silent))
    }

    /// Position of `member` among the customers, if they ever bought.
    #[inline]
    pub fn customer_index(&self, member: u32) -> Option<usize> {
        let c = self.customer_of[member as usize];
        (c != NONE).then_some(c as usize)
    }

    /// Today's row, for mechanisms to count what they did.
    #[inline]
    pub fn row_mut(&mut self) -> &mut DayRow {
        &mut self.row
    }

    /// Marks `member` as reached: an unaware non-customer becomes aware. Unaware and Aware live
    /// in the exposed bitset only; the stage array holds customers' stages.
    #[inline]
    pub fn mark_exposed(&mut self, member: u32) {
        if !self.flags.is_exposed(member) {
            self.flags.set_exposed(member);
            self.stage_counts[Stage::Unaware as usize] -= 1;
            self.stage_counts[Stage::Aware as usize] += 1;
        }
    }

    /// Moves a customer from one customer stage to another.
    #[inline]
    pub(super) fn set_stage(&mut self, member: u32, stage: Stage) {
        let old = std::mem::replace(&mut self.stage[member as usize], stage);
        self.stage_counts[old as usize] -= 1;
        self.stage_counts[stage as usize] += 1;
    }

    /// Fatigue of `member` today, before any message still to come.
    #[inline]
    pub fn fatigue_of(&self, member: u32) -> f64 {
        if self.fatigue.is_empty() {
            return 0.0;
        }
        let i = member as usize;
        let age = self.day - self.fatigue_day[i];
        f64::from(self.fatigue[i]) * self.scenario.fatigue.decay.powi(age as i32)
    }

    /// Adds one marketing message worth `amount` to `member`'s fatigue; returns the fatigue
    /// before it.
    #[inline]
    fn add_message(&mut self, member: u32, amount: f64) -> f64 {
        let before = self.fatigue_of(member);
        self.fatigue[member as usize] = (before + amount) as f32;
        self.fatigue_day[member as usize] = self.day;
        self.total_fatigue += amount;
        before
    }

    /// The fatigue one message on `channel` adds.
    #[inline]
    fn message_weight(&self, channel: Channel) -> f64 {
        let f = &self.scenario.fatigue;
        match channel {
            Channel::Group => f.per_promo_message.unwrap_or(f.per_message),
            _ => f.per_message,
        }
    }

    /// Records one marketing message to a reachable `member` on `channel`; returns their fatigue
    /// before it.
    #[inline]
    pub fn receive(&mut self, member: u32, stage: Stage, channel: Channel) -> f64 {
        self.row.exposures[channel as usize] += 1;
        if !self.fatigue.is_empty() && stage != Stage::Churned {
            let w = self.message_weight(channel);
            self.add_message(member, w)
        } else {
            0.0
        }
    }

    /// The price term `(π / list)^(−ε)` of `member` for an order `discount` cents off list
    /// (π is at least one cent, so a free order is the most attractive price, not a division by 0).
    #[inline]
    pub fn price_factor(&self, member: u32, discount: i64) -> f64 {
        if discount == 0 {
            return 1.0;
        }
        let list = self.scenario.product.list_price_cents as f64;
        ((list - discount as f64).max(1.0) / list)
            .powf(-self.population.price_elasticity.of(member))
    }

    /// The purchase probability of `member` on `channel` at `discount` cents off, with tie (or
    /// credibility) multiplier `tie` and fatigue `fatigue` before this message:
    /// `p_buy[c] · tie · (π / list)^(−ε) · (1 + herd · k) · activity · (1 − min(fatigue, 1))`.
    #[inline]
    pub fn conversion(
        &self,
        member: u32,
        channel: Channel,
        tie: f64,
        discount: i64,
        fatigue: f64,
    ) -> f64 {
        let b_cfg = &self.scenario.behaviour;
        let p = &b_cfg.p_buy;
        let base = match channel {
            Channel::Friend => p.friend,
            Channel::Ad => p.ad,
            Channel::Group => p.group,
            Channel::Operator => p.operator,
            Channel::Kol => p.kol,
            Channel::Team => p.team,
            Channel::Coupon => p.coupon,
            Channel::Live => p.live,
            Channel::Flash => p.flash,
            Channel::Review => p.review,
            Channel::Seed => 1.0,
        };
        let herd = if self.customer_friends.is_empty() {
            1.0
        } else {
            1.0 + b_cfg.herd * f64::from(self.customer_friends[member as usize])
        };
        base * tie
            * self.price_factor(member, discount)
            * herd
            * self.population.activity.of(member)
            * (1.0 - fatigue.min(1.0))
    }

    /// The tie multiplier of the friend in `slot` of `member`'s neighbour list.
    #[inline]
    pub fn tie(&self, member: u32, slot: usize) -> f64 {
        let b = &self.scenario.behaviour;
        if self.graph.strong_ties(member).is_some_and(|s| s[slot]) {
            b.tie_strong
        } else {
            b.tie_weak
        }
    }
}
