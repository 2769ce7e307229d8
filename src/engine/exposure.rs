//! Exposures and purchases: the purchase rule, fatigue, acquisition and the order ledger.
//!
//! `p = min(1, p_buy[c] · tie · (π / list)^(−ε) · (1 + herd · k) · activity · (1 − min(fatigue, 1)))`
//! where π is the price of the member's offer (list price less every running scheme's discount).

use super::Replicate;
use super::calendar::{Event, EventKind};
use super::offer::Offer;
use crate::model::member::NONE;
use crate::model::schemes::Scheme;
use crate::model::{Channel, Customer, Stage};
use crate::rng::{DayDraws, Stream};

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

    /// The purchase probability of `member` on `channel` at `offer`, with tie (or credibility)
    /// multiplier `tie` and fatigue `fatigue` before this message.
    #[inline]
    pub(super) fn conversion(
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

    /// Can purchase draw `u` convert under any offer? `false` only when `u` is at or above the
    /// probability at the best price any scheme could give, so the offer need not be worked out
    /// (the decision is the same as `u < conversion(offer)`).
    #[inline]
    fn may_buy(&self, u: f64, member: u32, channel: Channel, tie: f64, fatigue: f64) -> bool {
        u < self.conversion(member, channel, tie, 0, fatigue) * self.schemes.price_bound
    }

    /// Records one marketing message to a reachable `member` on `channel`; returns their fatigue
    /// before it.
    #[inline]
    pub(super) fn receive(&mut self, member: u32, stage: Stage, channel: Channel) -> f64 {
        self.row.exposures[channel as usize] += 1;
        if !self.fatigue.is_empty() && stage != Stage::Churned {
            let w = self.message_weight(channel);
            self.add_message(member, w)
        } else {
            0.0
        }
    }

    /// One exposure of `member` on `channel` from `sender` (`NONE` for ads and posts); the
    /// purchase draw is `key.bits(member, b)`. `tie` is the tie multiplier of a friend exposure
    /// or the credibility of a KOL (1 otherwise).
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
        let fatigue = self.receive(member, stage, channel);
        match stage {
            Stage::Unaware | Stage::Aware => {
                if self.in_team(member) {
                    return; // waiting for a team to fill: the order is already decided
                }
                let u = key.unit(member, b);
                if !self.may_buy(u, member, channel, tie, fatigue) {
                    self.mark_exposed(member);
                    return;
                }
                let team = self.opens_team(key, member, b);
                let offer = self.offer(member, channel, sender != NONE, team);
                debug_assert!(
                    self.price_factor(member, offer.total())
                        <= self.schemes.price_bound * (1.0 + 1e-12),
                    "an offer beats price_bound: a scheme's discount is missing from it"
                );
                if u < self.conversion(member, channel, tie, offer.total(), fatigue) {
                    if team {
                        self.open_team(member, channel, sender);
                    } else {
                        self.purchase(member, channel, sender, offer);
                    }
                } else {
                    self.mark_exposed(member);
                }
            }
            Stage::Active | Stage::Silent => {
                let u = key.unit(member, b);
                if channel.reaches_customers()
                    && !self.in_team(member)
                    && self.may_buy(u, member, channel, tie, fatigue)
                {
                    let offer = self.offer(member, channel, false, false);
                    debug_assert!(
                        self.price_factor(member, offer.total())
                            <= self.schemes.price_bound * (1.0 + 1e-12),
                        "an offer beats price_bound: a scheme's discount is missing from it"
                    );
                    if u < self.conversion(member, channel, tie, offer.total(), fatigue) {
                        self.purchase(member, channel, sender, offer);
                    }
                }
                if !self.fatigue.is_empty() && self.scenario.churn.fatigue_weight > 0.0 {
                    let c = self.customer_of[member as usize];
                    let from = self.day.max(self.customers[c as usize].first_day + 1);
                    self.schedule_churn(c, from);
                }
            }
            Stage::Churned => {}
        }
    }

    /// `member` places an order today at `offer`. A first purchase makes them a customer
    /// acquired via `channel` (referred by `referrer`, or `NONE`); later ones are repeat orders.
    pub(super) fn purchase(&mut self, member: u32, channel: Channel, referrer: u32, offer: Offer) {
        let day = self.day;
        // Only a customer refers (a KOL who never bought reaches people but brings no referral).
        let referrer = if referrer != NONE && self.flags.is_customer(referrer) {
            referrer
        } else {
            NONE
        };
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
                points: 0.0,
                lifetime_points: 0.0,
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
        let product = &self.scenario.product;
        let (list, cost) = (product.list_price_cents, product.unit_cost_cents);
        self.row.ledger.book_order(list, cost, repeat);
        let discount = self.book_offer(member, &offer);
        let paid = list - discount;
        let record = &mut self.customers[c as usize];
        record.orders += 1;
        record.spent_cents += paid;
        record.last_purchase_day = day;
        let generation = record.orders;
        self.bought_today.push(member);
        let invite_discount = offer.by_scheme[Scheme::Referral as usize];
        self.reward_order(member, channel, referrer, !repeat, paid, invite_discount);
        if channel != Channel::Seed {
            self.red_packet_for(member, !repeat);
        }

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
                .day(Stream::DailyShareStart, day)
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
        let target = self.draws.day(Stream::AdTarget, day);
        let buy = self.draws.day(Stream::AdPurchase, day);
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
        self.row.ledger.book_ads((after - before) as i64);
    }
}
