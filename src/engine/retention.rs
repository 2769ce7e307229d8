//! Retention: repurchase needs falling due, Active → Silent, churn by thinning.
//!
//! Churn hazard `h(t) = min(1, base + fatigue_weight · min(fatigue, 1))` only falls between
//! messages (fatigue decays), so a candidate day is drawn geometrically with the current hazard
//! as a bound and accepted with `h(day) / bound`; a new message redraws. This is exact for the
//! daily hazard and costs work per event, not per customer per day.

use super::Replicate;
use super::calendar::{Event, EventKind};
use crate::model::Stage;
use crate::model::member::NONE;
use crate::model::schemes::points;
use crate::rng::Stream;
use crate::scenario::dist::{Domain, NamedDist};
use crate::scenario::{Dist, IntervalKind, Repurchase};

impl Replicate<'_> {
    /// Phase 5 of the day.
    pub(super) fn run_retention(&mut self) {
        let day = self.day;
        for Event {
            kind,
            member,
            generation,
        } in self.retention.take(day)
        {
            let c = self.customer_of[member as usize];
            let stage = self.stage[member as usize];
            let record = &self.customers[c as usize];
            let (orders, churn_generation, bound, acquired_via) = (
                record.orders,
                record.churn_generation,
                record.churn_bound,
                record.acquired_via,
            );
            match kind {
                EventKind::Need => {
                    let Some(r) = &self.scenario.repurchase else {
                        continue;
                    };
                    if orders != generation || !matches!(stage, Stage::Active | Stage::Silent) {
                        continue;
                    }
                    // Tier discounts, points and held coupons act through the price term.
                    let offer = self.offer(member, acquired_via, false, false);
                    let p = r.p_buy
                        * self.price_factor(member, offer.total())
                        * self.population.activity.of(member)
                        * (1.0 - self.fatigue_of(member).min(1.0));
                    if self
                        .draws
                        .day(Stream::Repurchase, day)
                        .chance(p, member, generation)
                    {
                        self.purchase(member, acquired_via, NONE, offer);
                    } else {
                        let gap = self.need_interval(r, member, generation);
                        self.retention.push(
                            u64::from(day) + gap,
                            Event {
                                kind,
                                member,
                                generation,
                            },
                        );
                    }
                }
                EventKind::Silence => {
                    if orders == generation && stage == Stage::Active {
                        self.set_stage(member, Stage::Silent);
                    }
                }
                EventKind::Churn => {
                    if churn_generation != generation
                        || !matches!(stage, Stage::Active | Stage::Silent)
                    {
                        continue;
                    }
                    let hazard = self.churn_hazard(member);
                    let accept = hazard >= bound
                        || self.draws.day(Stream::ChurnAccept, day).chance(
                            hazard / bound,
                            member,
                            generation,
                        );
                    if accept {
                        self.customers[c as usize].churn_day = day;
                        self.set_stage(member, Stage::Churned);
                    } else {
                        self.schedule_churn(c, day + 1);
                    }
                }
                EventKind::DailyShare => {}
            }
        }
    }

    /// Today's churn hazard of `member`.
    fn churn_hazard(&self, member: u32) -> f64 {
        let churn = &self.scenario.churn;
        let protect = self.scenario.points.as_ref().map_or(0.0, |cfg| {
            let lifetime = self.customer(member).map_or(0.0, |c| c.lifetime_points);
            points::benefits(&cfg.tiers, points::tier_of(&cfg.tiers, lifetime))
                .map_or(0.0, |t| t.churn_protect)
        });
        (churn.base + churn.fatigue_weight * self.fatigue_of(member).min(1.0) - protect)
            .clamp(0.0, 1.0)
    }

    /// Draws customer `c`'s next churn candidate from day `from` on, bounded by the hazard on the
    /// current day (fatigue only decays until the next message, which redraws).
    pub(super) fn schedule_churn(&mut self, c: u32, from: u32) {
        let member = self.customers[c as usize].member;
        let bound = self.churn_hazard(member);
        let record = &mut self.customers[c as usize];
        record.churn_generation += 1;
        record.churn_bound = bound;
        if bound <= 0.0 {
            return;
        }
        let generation = record.churn_generation;
        let gap = self
            .draws
            .day(Stream::ChurnCandidate, from)
            .geometric(bound, member, generation);
        self.retention.push(
            u64::from(from) + u64::from(gap),
            Event {
                kind: EventKind::Churn,
                member,
                generation,
            },
        );
    }

    /// Days from today to `member`'s next need (≥ 1).
    pub(super) fn need_interval(&self, r: &Repurchase, member: u32, generation: u32) -> u64 {
        let key = self.draws.day(Stream::NeedInterval, self.day);
        match r.interval {
            IntervalKind::Geometric => {
                1 + u64::from(key.geometric(1.0 / r.mean_interval_days, member, generation))
            }
            IntervalKind::Gamma => {
                let gamma = Dist::Named(NamedDist::Gamma {
                    shape: r.gamma_shape,
                    scale: r.mean_interval_days / r.gamma_shape,
                });
                (gamma
                    .sample(key.bits(member, generation), Domain::NonNegative)
                    .ceil() as u64)
                    .max(1)
            }
        }
    }
}
