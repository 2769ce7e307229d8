//! Exposures and purchases: resolving one marketing touch with the purchase rule
//! ([`World::conversion`]) and the mechanisms' offers, and placing an order (acquisition, the
//! ledger, the mechanisms' reactions, the next needs and shares).

use super::calendar::{Event, EventKind};
use super::offer::Offer;
use super::{Replicate, World};
use crate::mechanism::hooks;
use crate::model::member::NONE;
use crate::model::{Channel, Customer, Stage};
use crate::rng::{DayDraws, Stream};

/// An order just placed, as the mechanisms see it.
#[derive(Debug, Clone, Copy)]
pub struct Order {
    /// Who bought.
    pub buyer: u32,
    /// The channel the order came through (the acquisition channel of a first order).
    pub channel: Channel,
    /// The customer whose share or invite brought it, or `NONE`.
    pub referrer: u32,
    /// The buyer's first order.
    pub first: bool,
    /// Brought by an invite (a friend's share or a team invite) of a customer.
    pub referred: bool,
    /// Cents paid.
    pub paid: i64,
    /// The discounts it was placed at.
    pub offer: Offer,
}

impl Replicate<'_> {
    /// Can purchase draw `u` convert under any offer? `false` only when `u` is at or above the
    /// probability at the best price any mechanism could give, so the offer need not be worked
    /// out (the decision is the same as `u < conversion(offer)`).
    #[inline]
    fn may_buy(&self, u: f64, member: u32, channel: Channel, tie: f64, fatigue: f64) -> bool {
        u < self.conversion(member, channel, tie, 0, fatigue) * self.price_bound[channel as usize]
    }

    /// The offer `member` gets on an exposure, checked against the price bound the quick
    /// rejection relies on.
    #[inline]
    fn bounded_offer(&self, member: u32, channel: Channel, invited: bool, team: bool) -> Offer {
        let offer = self.offer(member, channel, invited, team);
        debug_assert!(
            self.world.price_factor(member, offer.total())
                <= self.price_bound[channel as usize] * (1.0 + 1e-12),
            "an offer beats price_bound: a mechanism's discount_bound misses a discount it gives"
        );
        offer
    }

    /// One exposure of `member` on `channel` from `sender` (`NONE` for ads and posts); the
    /// purchase draw is `key.bits(member, b)`. `tie` is the tie multiplier of a friend exposure
    /// or the credibility of a KOL (1 otherwise).
    #[inline(always)]
    pub(crate) fn expose(
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
        let stage = self.world.stage(member);
        if stage == Stage::Churned && channel != Channel::Ad {
            return; // left the private domain
        }
        let touch = self.world.touch_cents[channel as usize];
        if touch != 0 {
            self.world.row.ledger.book_touch(touch); // every message that reaches a member
        }
        let fatigue = self.world.receive(member, stage, channel);
        match stage {
            Stage::Unaware | Stage::Aware => {
                if self.world.is_pending(member) {
                    return; // waiting for a team to fill: the order is already decided
                }
                let u = key.unit(member, b);
                if !self.may_buy(u, member, channel, tie, fatigue) {
                    self.world.mark_exposed(member);
                    return;
                }
                let divert = hooks::divert(self, key, member, b);
                let offer = self.bounded_offer(member, channel, sender != NONE, divert.is_some());
                if u < self.conversion(member, channel, tie, offer.total(), fatigue) {
                    match divert {
                        Some(divert) => divert(self, member, channel, sender),
                        None => self.purchase(member, channel, sender, offer),
                    }
                } else {
                    self.world.mark_exposed(member);
                }
            }
            Stage::Active | Stage::Silent => {
                let u = key.unit(member, b);
                if channel.reaches_customers()
                    && !self.world.is_pending(member)
                    && self.may_buy(u, member, channel, tie, fatigue)
                {
                    let offer = self.bounded_offer(member, channel, false, false);
                    if u < self.conversion(member, channel, tie, offer.total(), fatigue) {
                        self.purchase(member, channel, sender, offer);
                    }
                }
                if !self.world.fatigue.is_empty() && self.world.scenario.churn.fatigue_weight > 0.0
                {
                    let w = &self.world;
                    let c = w.customer_of[member as usize];
                    let from = w.day.max(w.customers[c as usize].first_day + 1);
                    self.schedule_churn(c, from);
                }
            }
            Stage::Churned => {}
        }
    }

    /// `member` places an order today at `offer`. A first purchase makes them a customer
    /// acquired via `channel` (referred by `referrer`, or `NONE`); later ones are repeat orders.
    pub(crate) fn purchase(&mut self, member: u32, channel: Channel, referrer: u32, offer: Offer) {
        let w = &mut self.world;
        let day = w.day;
        // Only a customer refers (a KOL who never bought reaches people but brings no referral).
        let referrer = if referrer != NONE && w.flags.is_customer(referrer) {
            referrer
        } else {
            NONE
        };
        let mut c = w.customer_of[member as usize];
        let repeat = c != NONE;
        if repeat {
            if w.stage[member as usize] == Stage::Silent {
                w.set_stage(member, Stage::Active);
            }
        } else {
            c = new_customer(w, member, channel, referrer);
            let churn = &w.scenario.churn;
            if churn.base > 0.0 || churn.fatigue_weight > 0.0 {
                self.schedule_churn(c, day + 1);
            }
        }
        let via = self.world.customers[c as usize].acquired_via as usize;
        let (list, cost) = (
            self.world.value.list_cents[via],
            self.world.value.cost_cents[via],
        );
        self.world.row.ledger.book_order(list, cost, repeat);
        let discount = self.book_offer(member, &offer);
        let paid = list - discount;
        let w = &mut self.world;
        let record = &mut w.customers[c as usize];
        record.orders += 1;
        record.spent_cents += paid;
        record.last_purchase_day = day;
        let generation = record.orders;
        w.bought_today.push(member);
        let invited = matches!(channel, Channel::Friend | Channel::Team);
        let order = Order {
            buyer: member,
            channel,
            referrer,
            first: !repeat,
            referred: invited && referrer != NONE,
            paid,
            offer,
        };
        hooks::on_order(self, &order);
        let delivered = hooks::delivery_day(self, &order).map_or(day, |d| d.max(day));
        self.interact(member);
        self.schedule_after_order(member, generation, delivered);
    }

    /// After an order by `member` (their `generation`-th), delivered on day `delivered`: the
    /// next need (counted from delivery), the silence check and the first daily share.
    fn schedule_after_order(&mut self, member: u32, generation: u32, delivered: u32) {
        let w = &mut self.world;
        let day = w.day;
        let next = u64::from(day);
        if let Some(r) = &w.scenario.repurchase {
            let gap = need_interval(w, r, member, generation);
            w.retention.push(
                u64::from(delivered) + gap,
                Event {
                    kind: EventKind::Need,
                    member,
                    generation,
                },
            );
        }
        let silent = w.scenario.churn.silent_after_days;
        if silent > 0 {
            w.retention.push(
                next + u64::from(silent),
                Event {
                    kind: EventKind::Silence,
                    member,
                    generation,
                },
            );
        }
        let daily = w.scenario.share.p_share_daily;
        if daily > 0.0 {
            // Tomorrow's share is decided by p_share; later days by p_share_daily.
            let gap = w
                .draws
                .day(Stream::DailyShareStart, day)
                .geometric(daily, member, generation);
            w.actions.push(
                next + 2 + u64::from(gap),
                Event {
                    kind: EventKind::DailyShare,
                    member,
                    generation,
                },
            );
        }
    }
}

/// Makes `member` a customer acquired today via `channel` (brought by `referrer` or `NONE`);
/// returns their customer index.
fn new_customer(w: &mut World<'_>, member: u32, channel: Channel, referrer: u32) -> u32 {
    let c = w.customers.len() as u32;
    w.customer_of[member as usize] = c;
    w.customers.push(Customer {
        member,
        first_day: w.day,
        last_purchase_day: w.day,
        churn_day: NONE,
        orders: 0,
        spent_cents: 0,
        acquired_via: channel,
        referrer,
        qualified_invites: 0,
        churn_generation: 0,
        churn_bound: 0.0,
    });
    w.mark_exposed(member);
    w.flags.set_customer(member);
    w.stage[member as usize] = Stage::Active;
    w.stage_counts[Stage::Aware as usize] -= 1;
    w.stage_counts[Stage::Active as usize] += 1;
    w.row.new_customers[channel as usize] += 1;
    if !w.customer_friends.is_empty() {
        for &f in w.graph.neighbours(member) {
            w.customer_friends[f as usize] += 1;
        }
    }
    c
}

/// Days from today to `member`'s next need (≥ 1).
pub(super) fn need_interval(
    w: &World<'_>,
    r: &crate::scenario::Repurchase,
    member: u32,
    generation: u32,
) -> u64 {
    use crate::scenario::dist::{Domain, NamedDist};
    use crate::scenario::{Dist, IntervalKind};
    let key = w.draws.day(Stream::NeedInterval, w.day);
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
