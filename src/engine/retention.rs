//! Retention: repurchase needs falling due, Active → Silent, churn by thinning.
//!
//! Churn hazard `h(t) = min(1, base + fatigue_weight · min(fatigue, 1))` only falls between
//! messages (fatigue decays), so a candidate day is drawn geometrically with the current hazard
//! as a bound and accepted with `h(day) / bound`; a new message redraws. This is exact for the
//! daily hazard and costs work per event, not per customer per day.

use super::Replicate;
use super::calendar::{Event, EventKind};
use super::exposure::need_interval;
use super::offer::Offer;
use crate::mechanism::hooks;
use crate::model::Stage;
use crate::model::member::NONE;
use crate::rng::Stream;

impl Replicate<'_> {
    /// Phase 5 of the day.
    pub(super) fn run_retention(&mut self) {
        let day = self.world.day;
        for Event {
            kind,
            member,
            generation,
        } in self.world.retention.take(day)
        {
            let w = &self.world;
            let c = w.customer_of[member as usize];
            let stage = w.stage[member as usize];
            let record = &w.customers[c as usize];
            let (orders, churn_generation, bound, acquired_via) = (
                record.orders,
                record.churn_generation,
                record.churn_bound,
                record.acquired_via,
            );
            match kind {
                EventKind::Need => {
                    let Some(r) = &w.scenario.repurchase else {
                        continue;
                    };
                    if orders != generation || !matches!(stage, Stage::Active | Stage::Silent) {
                        continue;
                    }
                    // Tier discounts, points and held coupons act through the price term.
                    let offer = self.offer(member, acquired_via, false, false);
                    let w = &self.world;
                    let p = r.p_buy
                        * w.value.repurchase[acquired_via as usize]
                        * self.multiplier(member, acquired_via)
                        * w.price_factor(member, offer.total())
                        * w.population.activity.of(member)
                        * (1.0 - w.fatigue_of(member).min(1.0));
                    if w.draws
                        .day(Stream::Repurchase, day)
                        .chance(p, member, generation)
                    {
                        self.purchase(member, acquired_via, NONE, offer);
                    } else {
                        let gap = need_interval(w, r, member, generation);
                        self.world.retention.push(
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
                        self.world.set_stage(member, Stage::Silent);
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
                        || self.world.draws.day(Stream::ChurnAccept, day).chance(
                            hazard / bound,
                            member,
                            generation,
                        );
                    if accept {
                        self.world.customers[c as usize].churn_day = day;
                        self.world.set_stage(member, Stage::Churned);
                    } else {
                        self.schedule_churn(c, day + 1);
                    }
                }
                EventKind::DailyShare => {}
            }
        }
    }

    /// Customers whose pending churn candidate falls on a day in `from..=to`, ascending: the
    /// churn the model itself has in store for the next days (what a churn warning scores).
    pub(crate) fn churn_candidates(&self, from: u32, to: u32) -> Vec<u32> {
        let w = &self.world;
        let mut due: Vec<u32> = (from..=to)
            .flat_map(|d| w.retention.on(d))
            .filter(|e| e.kind == EventKind::Churn)
            .filter(|e| {
                let c = &w.customers[w.customer_of[e.member as usize] as usize];
                c.churn_generation == e.generation
                    && matches!(w.stage[e.member as usize], Stage::Active | Stage::Silent)
            })
            .map(|e| e.member)
            .collect();
        due.sort_unstable();
        due.dedup();
        due
    }

    /// Cancels customer `member`'s pending churn candidate and draws the next from day `from`
    /// on (an intervention that keeps them until then).
    pub(crate) fn hold_churn(&mut self, member: u32, from: u32) {
        let c = self.world.customer_of[member as usize];
        self.schedule_churn(c, from);
    }

    /// Brings churned customer `member` back today: Active again, an order at `offer` on
    /// `channel`, and churn drawn anew from tomorrow.
    pub(crate) fn win_back(&mut self, member: u32, channel: crate::model::Channel, offer: Offer) {
        let c = self.world.customer_of[member as usize];
        self.world.customers[c as usize].churn_day = NONE;
        self.world.set_stage(member, Stage::Active);
        self.purchase(member, channel, NONE, offer);
        let day = self.world.day;
        self.schedule_churn(c, day + 1);
    }

    /// Today's churn hazard of `member` (less what the mechanisms protect).
    fn churn_hazard(&self, member: u32) -> f64 {
        self.hazard_less(member, hooks::churn_protection(self, member))
    }

    /// The churn hazard of customer `member` less `protect`.
    fn hazard_less(&self, member: u32, protect: f64) -> f64 {
        let w = &self.world;
        let churn = &w.scenario.churn;
        let via = w.customers[w.customer_of[member as usize] as usize].acquired_via;
        let raw = churn.base + churn.fatigue_weight * w.fatigue_of(member).min(1.0);
        (raw * w.value.churn[via as usize] - protect).clamp(0.0, 1.0)
    }

    /// Draws customer `c`'s next churn candidate from day `from` on, bounded by the hazard on the
    /// current day less only the protection sure to last (fatigue only decays until the next
    /// message, which redraws; a decaying protection may lapse before then).
    pub(super) fn schedule_churn(&mut self, c: u32, from: u32) {
        let member = self.world.customers[c as usize].member;
        let bound = self.hazard_less(member, hooks::lasting_churn_protection(self, member));
        let w = &mut self.world;
        let record = &mut w.customers[c as usize];
        record.churn_generation += 1;
        record.churn_bound = bound;
        if bound <= 0.0 {
            return;
        }
        let generation = record.churn_generation;
        let gap = w
            .draws
            .day(Stream::ChurnCandidate, from)
            .geometric(bound, member, generation);
        w.retention.push(
            u64::from(from) + u64::from(gap),
            Event {
                kind: EventKind::Churn,
                member,
                generation,
            },
        );
    }
}
