//! Member actions: yesterday's buyers (with `p_share`) and daily sharers (`p_share_daily`) share
//! with their friends, in ascending member order; each share's exposures are resolved at once.

use super::calendar::{Event, EventKind};
use super::{Replicate, SkipAhead};
use crate::model::{Channel, Stage};
use crate::rng::Stream;

impl Replicate<'_> {
    /// Phase 2 and 3 of the day: who shares, whom the shares reach, and what they buy.
    pub(super) fn run_shares(&mut self) {
        let day = self.day;
        let decide = self.draws.day(Stream::ShareDecision, day);
        let mut sharers = std::mem::take(&mut self.shared_today);
        sharers.clear();
        for &m in &self.bought_yesterday {
            if self.stage[m as usize] == Stage::Active
                && decide.chance(self.share_probability(m), m, 0)
            {
                sharers.push(m);
            }
        }
        let daily = self.scenario.share.p_share_daily;
        for Event {
            member, generation, ..
        } in self.actions.take(day)
        {
            let Some(c) = self.customer(member) else {
                continue;
            };
            if c.orders != generation || self.stage[member as usize] != Stage::Active {
                continue; // stale chain, or no longer active
            }
            sharers.push(member);
            let gap = self
                .draws
                .day(Stream::DailyShareAgain, day)
                .geometric(daily, member, generation);
            let next = u64::from(day) + 1 + u64::from(gap);
            self.actions.push(
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
        self.shared_today = sharers;
    }

    /// One share by `sharer` today.
    fn share(&mut self, sharer: u32) {
        self.row.shares += 1;
        self.reward_share(sharer);
        let graph = self.graph;
        let friends = graph.neighbours(sharer);
        let ties = graph.strong_ties(sharer);
        if let Some(SkipAhead { p, ln_miss }) = self.skip_ahead {
            // Same probability for every friend: mark all reached, then jump from buyer to
            // buyer with geometric skips (work ∝ buyers, not friends, for the random draws).
            self.row.exposures[Channel::Friend as usize] += friends.len() as u64;
            for &f in friends {
                self.mark_exposed(f);
            }
            // A running invite discount raises the probability (same for every friend, since
            // elasticity is constant here); it bounds the jumps, and each candidate is accepted
            // with p_now / bound in case the budget ran out during this share.
            let bound_discount = self.invite_discount();
            let (bound, ln_bound) = if bound_discount == 0 {
                (p, ln_miss)
            } else {
                let b = (p * self.price_factor(sharer, bound_discount)).min(1.0);
                (b, (-b).ln_1p())
            };
            let jumps = self.draws.day(Stream::ShareBuyers, self.day);
            let mut draw = 0;
            let mut slot = jumps.geometric_ln(bound, ln_bound, sharer, draw) as usize;
            while slot < friends.len() {
                let f = friends[slot];
                if !self.flags.is_customer(f) {
                    let now = (p * self.price_factor(f, self.invite_discount())).min(1.0);
                    if now >= bound || jumps.chance(now / bound, sharer, draw | 1 << 31) {
                        let offer = self.offer(f, Channel::Friend, true, false);
                        self.purchase(f, Channel::Friend, sharer, offer);
                    }
                }
                draw += 1;
                slot = slot
                    .saturating_add(1 + jumps.geometric_ln(bound, ln_bound, sharer, draw) as usize);
            }
            return;
        }
        let b = &self.scenario.behaviour;
        let (strong, weak) = (b.tie_strong, b.tie_weak);
        let tie = |slot: usize| {
            if ties.is_some_and(|t| t[slot]) {
                strong
            } else {
                weak
            }
        };
        let buy = self.draws.day(Stream::FriendPurchase, self.day);
        let reach = self.draws.day(Stream::ShareReach, self.day);
        let share = &self.scenario.share;
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
