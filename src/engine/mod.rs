//! The simulation of one replicate, one day at a time, in the fixed order of DESIGN §2.2:
//! calendar (ads) → member actions (shares) with exposure resolution → retention (repurchase
//! needs, silence, churn) → observe. Day 0 is the seeding day and is observed before the first step.

mod calendar;
mod exposure;
mod retention;
mod setup;
mod share;

pub use calendar::{Calendar, Event, EventKind};
pub use setup::Setup;

use crate::graph::SocialGraph;
use crate::metrics::DayRow;
use crate::model::member::{MemberFlags, NONE};
use crate::model::{Channel, Customer, Population, Stage};
use crate::rng::Draws;
use crate::scenario::Scenario;

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
    stage: Vec<Stage>,
    flags: MemberFlags,
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
    scratch: Vec<u32>,
}

impl<'a> Replicate<'a> {
    /// A fresh replicate with everybody unaware, before seeding.
    pub fn new(scenario: &'a Scenario, graph: &'a SocialGraph, replicate: u64) -> Self {
        let n = graph.node_count();
        let draws = Draws::new(scenario.seed, replicate);
        let fatigue_on = scenario.fatigue.per_message > 0.0;
        Replicate {
            scenario,
            graph,
            population: Population::draw(scenario, n, &draws),
            draws,
            day: 0,
            stage: vec![Stage::Unaware; n as usize],
            flags: MemberFlags::new(n),
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
            scratch: Vec::new(),
        }
    }

    /// Places the seed customers on day 0 (booked as orders at list price).
    pub fn seed(&mut self, members: &[u32]) {
        for &m in members {
            if self.customer_of[m as usize] == NONE {
                self.purchase(m, Channel::Seed, NONE);
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
        self.run_ads();
        self.run_shares();
        self.run_retention();
        self.total_fatigue *= self.scenario.fatigue.decay;
        self.finish_day();
    }

    fn finish_day(&mut self) {
        self.row.stages = self.stage_counts;
        self.row.customers = self.customers.len() as u32;
        let n = self.graph.node_count();
        self.row.mean_fatigue = if n > 0 {
            self.total_fatigue / f64::from(n)
        } else {
            0.0
        };
    }

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
        self.stage[member as usize]
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

    /// Members who bought today (they may share tomorrow).
    pub fn bought_today(&self) -> &[u32] {
        &self.bought_today
    }

    /// The scenario being simulated.
    pub fn scenario(&self) -> &Scenario {
        self.scenario
    }
}
