//! Member actions: yesterday's buyers (with `p_share`) and daily sharers (`p_share_daily`) share
//! with their friends, in ascending member order; each share's exposures are resolved at once.

use super::calendar::{Event, EventKind};
use super::{Replicate, SkipAhead};
use crate::mechanism::hooks;
use crate::model::{Channel, Stage};
use crate::rng::Stream;

impl Replicate<'_> {
    /// `p_share` times the mechanisms' multipliers (tier benefits), lifted by the reward
    /// `member` expects from one share today: `1 − (1 − p)·exp(−κ · reward / list price)`.
    pub(super) fn share_probability(&self, member: u32) -> f64 {
        let w = &self.world;
        let p = (w.population.p_share.of(member) * hooks::share_multiplier(self, member)).min(1.0);
        let kappa = w.scenario.share.kappa;
        if kappa == 0.0 {
            return p;
        }
        let list = w.list_price() as f64;
        let reward = hooks::expected_share_reward(self, member);
        1.0 - (1.0 - p) * (-kappa * reward / list).exp()
    }

    /// Phase 2 and 3 of the day: who shares, whom the shares reach, and what they buy.
    pub(super) fn run_shares(&mut self) {
        let day = self.world.day;
        let decide = self.world.draws.day(Stream::ShareDecision, day);
        let mut sharers = std::mem::take(&mut self.world.shared_today);
        sharers.clear();
        for &m in &self.world.bought_yesterday {
            if self.world.stage[m as usize] == Stage::Active
                && decide.chance(self.share_probability(m), m, 0)
            {
                sharers.push(m);
            }
        }
        let daily = self.world.scenario.share.p_share_daily;
        for Event {
            member, generation, ..
        } in self.world.actions.take(day)
        {
            let w = &mut self.world;
            let Some(c) = w.customer(member) else {
                continue;
            };
            if c.orders != generation || w.stage[member as usize] != Stage::Active {
                continue; // stale chain, or no longer active
            }
            sharers.push(member);
            let gap = w
                .draws
                .day(Stream::DailyShareAgain, day)
                .geometric(daily, member, generation);
            let next = u64::from(day) + 1 + u64::from(gap);
            w.actions.push(
                next,
                Event {
                    kind: EventKind::DailyShare,
                    member,
                    generation,
                },
            );
        }
        sharers.sort_unstable();
        sharers.dedup();
        for &s in &sharers {
            self.share(s);
        }
        self.world.shared_today = sharers;
    }

    /// One share by `sharer` today.
    fn share(&mut self, sharer: u32) {
        self.world.row.shares += 1;
        self.interact(sharer);
        hooks::on_share(self, sharer);
        let graph = self.world.graph;
        let friends = graph.neighbours(sharer);
        let ties = graph.strong_ties(sharer);
        if let Some(SkipAhead { p, ln_miss }) = self.skip_ahead {
            // Same probability for every friend: mark all reached, then jump from buyer to
            // buyer with geometric skips (work ∝ buyers, not friends, for the random draws).
            self.world.row.exposures[Channel::Friend as usize] += friends.len() as u64;
            for &f in friends {
                self.world.mark_exposed(f);
            }
            // A running invite discount raises the probability (the same for every friend who
            // has not bought: no mechanism is receiver-dependent here, and elasticity is
            // constant); the offer to the first such friend bounds the jumps, and each candidate
            // is accepted with p_now / bound in case a budget ran out during this share.
            let prospect = self
                .prices
                .then(|| friends.iter().find(|&&f| !self.world.is_customer(f)))
                .flatten();
            let bound_discount =
                prospect.map_or(0, |&f| self.offer(f, Channel::Friend, true, false).total());
            let (bound, ln_bound) = if bound_discount == 0 {
                (p, ln_miss)
            } else {
                let b = (p * self.world.price_factor(sharer, bound_discount)).min(1.0);
                (b, (-b).ln_1p())
            };
            let jumps = self.world.draws.day(Stream::ShareBuyers, self.world.day);
            let mut draw = 0;
            let mut slot = jumps.geometric_ln(bound, ln_bound, sharer, draw) as usize;
            while slot < friends.len() {
                let f = friends[slot];
                if !self.world.is_customer(f) {
                    let offer = self.offer(f, Channel::Friend, true, false);
                    let now = (p * self.world.price_factor(f, offer.total())).min(1.0);
                    if now >= bound || jumps.chance(now / bound, sharer, draw | 1 << 31) {
                        self.purchase(f, Channel::Friend, sharer, offer);
                    }
                }
                draw += 1;
                slot = slot
                    .saturating_add(1 + jumps.geometric_ln(bound, ln_bound, sharer, draw) as usize);
            }
            return;
        }
        let b = &self.world.scenario.behaviour;
        let (strong, weak) = (b.tie_strong, b.tie_weak);
        let tie = |slot: usize| {
            if ties.is_some_and(|t| t[slot]) {
                strong
            } else {
                weak
            }
        };
        let buy = self.world.draws.day(Stream::FriendPurchase, self.world.day);
        let reach = self.world.draws.day(Stream::ShareReach, self.world.day);
        let share = &self.world.scenario.share;
        match share.k {
            None => {
                let p = share.reach;
                for (slot, &f) in friends.iter().enumerate() {
                    if p >= 1.0 || reach.chance(p, f, sharer) {
                        self.expose(f, Channel::Friend, sharer, tie(slot), buy, sharer);
                    }
                }
            }
            Some(k) => {
                let mut slots: Vec<u32> = (0..friends.len() as u32).collect();
                if share.prefer_strong {
                    // Strong ties first (stable), then the draw picks within each class.
                    slots.sort_by_key(|&s| !ties.is_some_and(|t| t[s as usize]));
                }
                let strong_count = slots
                    .iter()
                    .filter(|&&s| ties.is_some_and(|t| t[s as usize]))
                    .count();
                let take = (k as usize).min(slots.len());
                // Partial Fisher–Yates, within the strong block first when preferring strong ties.
                for i in 0..take {
                    let end = if share.prefer_strong && i < strong_count {
                        strong_count
                    } else {
                        slots.len()
                    };
                    let j = i + reach.index((end - i) as u32, sharer, i as u32) as usize;
                    slots.swap(i, j);
                }
                for &slot in &slots[..take] {
                    let f = friends[slot as usize];
                    self.expose(f, Channel::Friend, sharer, tie(slot as usize), buy, sharer);
                }
            }
        }
    }
}
