//! Exposures and purchases: the purchase rule, fatigue, acquisition and the order ledger.
//!
//! `p = min(1, p_buy[c] · tie · (π / list)^(−ε) · (1 + herd · k) · activity · (1 − min(fatigue, 1)))`
//! where π is the list price less any invitee discount of a running referral scheme.

use super::Replicate;
use super::calendar::{Event, EventKind};
use crate::model::member::NONE;
use crate::model::{Channel, Customer, Stage};
use crate::rng::{DayDraws, Purpose};

impl Replicate<'_> {
    /// Fatigue of `member` today, before any message still to come.
    #[inline]
    pub(super) fn fatigue_of(&self, member: u32) -> f64 {
        if self.fatigue.is_empty() {
            return 0.0;
        }
        let i = member as usize;
        let age = self.day - self.fatigue_day[i];
        f64::from(self.fatigue[i]) * self.scenario.fatigue.decay.powi(age as i32)
    }

    /// Adds one marketing message to `member`'s fatigue; returns the fatigue before it.
    #[inline]
    fn add_message(&mut self, member: u32) -> f64 {
        let before = self.fatigue_of(member);
        let per = self.scenario.fatigue.per_message;
        self.fatigue[member as usize] = (before + per) as f32;
        self.fatigue_day[member as usize] = self.day;
        self.total_fatigue += per;
        before
    }

    /// One exposure of `member` on `channel` from `sender` (`NONE` for ads); the purchase draw is
    /// `key.bits(member, b)`. `tie` is the tie multiplier of a friend exposure (1 otherwise).
    #[inline(always)]
    pub(super) fn expose(
        &mut self,
        member: u32,
        channel: Channel,
        sender: u32,
        tie: f64,
        key: DayDraws,
        b: u32,
    ) {
        // `stage()` answers the common case (a non-customer) from two L2-resident bitsets without
        // touching the larger stage array.
        let stage = self.stage(member);
        if stage == Stage::Churned && channel != Channel::Ad {
            return; // left the private domain
        }
        self.row.exposures[channel as usize] += 1;
        let fatigue_on = !self.fatigue.is_empty() && stage != Stage::Churned;
        let fatigue = if fatigue_on {
            self.add_message(member)
        } else {
            0.0
        };
        match stage {
            Stage::Unaware | Stage::Aware => {
                let b_cfg = &self.scenario.behaviour;
                let base = match channel {
                    Channel::Friend => b_cfg.p_buy.friend,
                    Channel::Ad => b_cfg.p_buy.ad,
                    Channel::Seed => 1.0,
                };
                let herd = if self.customer_friends.is_empty() {
                    1.0
                } else {
                    1.0 + b_cfg.herd * f64::from(self.customer_friends[member as usize])
                };
                let discount = if channel == Channel::Friend {
                    self.invite_discount()
                } else {
                    0
                };
                let p = base
                    * tie
                    * self.price_factor(member, discount)
                    * herd
                    * self.population.activity.of(member)
                    * (1.0 - fatigue.min(1.0));
                if key.chance(p, member, b) {
                    self.purchase(member, channel, sender);
                } else {
                    self.mark_exposed(member);
                }
            }
            Stage::Active | Stage::Silent => {
                if fatigue_on && self.scenario.churn.fatigue_weight > 0.0 {
                    let c = self.customer_of[member as usize];
                    let from = self.day.max(self.customers[c as usize].first_day + 1);
                    self.schedule_churn(c, from);
                }
            }
            Stage::Churned => {}
        }
    }

    /// `member` places an order today. A first purchase makes them a customer acquired via
    /// `channel` (referred by `referrer`, or `NONE`); later ones are repeat orders.
    pub(super) fn purchase(&mut self, member: u32, channel: Channel, referrer: u32) {
        let day = self.day;
        let mut c = self.customer_of[member as usize];
        let repeat = c != NONE;
        if repeat {
            if self.stage[member as usize] == Stage::Silent {
                self.set_stage(member, Stage::Active);
            }
        } else {
            c = self.customers.len() as u32;
            self.customer_of[member as usize] = c;
            self.customers.push(Customer {
                member,
                first_day: day,
                last_purchase_day: day,
                churn_day: NONE,
                orders: 0,
                spent_cents: 0,
                acquired_via: channel,
                referrer,
                qualified_invites: 0,
                churn_generation: 0,
                churn_bound: 0.0,
            });
            self.mark_exposed(member);
            self.flags.set_customer(member);
            self.stage[member as usize] = Stage::Active;
            self.stage_counts[Stage::Aware as usize] -= 1;
            self.stage_counts[Stage::Active as usize] += 1;
            self.row.new_customers[channel as usize] += 1;
            if !self.customer_friends.is_empty() {
                for &f in self.graph.neighbours(member) {
                    self.customer_friends[f as usize] += 1;
                }
            }
            if self.scenario.churn.base > 0.0 || self.scenario.churn.fatigue_weight > 0.0 {
                self.schedule_churn(c, day + 1);
            }
        }
        let discount = if !repeat && channel == Channel::Friend && referrer != NONE {
            self.qualify_referral(referrer)
        } else {
            0
        };
        let product = &self.scenario.product;
        self.row.ledger.book_order(
            product.list_price_cents,
            discount,
            product.unit_cost_cents,
            repeat,
        );
        let record = &mut self.customers[c as usize];
        record.orders += 1;
        record.spent_cents += product.list_price_cents - discount;
        record.last_purchase_day = day;
        let generation = record.orders;
        self.bought_today.push(member);

        let next = u64::from(day);
        if let Some(r) = &self.scenario.repurchase {
            let gap = self.need_interval(r, member, generation);
            self.retention.push(
                next + gap,
                Event {
                    kind: EventKind::Need,
                    member,
                    generation,
                },
            );
        }
        let silent = self.scenario.churn.silent_after_days;
        if silent > 0 {
            self.retention.push(
                next + u64::from(silent),
                Event {
                    kind: EventKind::Silence,
                    member,
                    generation,
                },
            );
        }
        let daily = self.scenario.share.p_share_daily;
        if daily > 0.0 {
            // Tomorrow's share is decided by p_share; later days by p_share_daily.
            let gap = self
                .draws
                .day(Purpose::DailyShare, day)
                .geometric(daily, member, generation);
            self.actions.push(
                next + 2 + u64::from(gap),
                Event {
                    kind: EventKind::DailyShare,
                    member,
                    generation,
                },
            );
        }
    }

    /// Runs today's paid ads: impressions on uniformly random members, cost at the CPM.
    pub(super) fn run_ads(&mut self) {
        let Some(ads) = &self.scenario.ads else {
            return;
        };
        let day = self.day;
        if day < ads.start_day || ads.end_day.is_some_and(|end| day > end) {
            return;
        }
        let n = self.graph.node_count();
        let target = self.draws.day(Purpose::AdTarget, day);
        let buy = self.draws.day(Purpose::AdPurchase, day);
        for j in 0..ads.impressions_per_day {
            let (hi, lo) = ((j >> 32) as u32, j as u32);
            let member = target.index(n, hi, lo);
            self.expose(member, Channel::Ad, NONE, 1.0, buy, lo ^ hi.rotate_left(16));
        }
        // Cost from cumulative impressions, so the daily costs sum exactly to the total.
        let cpm = ads.cpm_cents as u128;
        let before = u128::from(self.ad_impressions) * cpm / 1000;
        self.ad_impressions += ads.impressions_per_day;
        let after = u128::from(self.ad_impressions) * cpm / 1000;
        self.row.ledger.ad_cents += (after - before) as i64;
    }
}
