//! Red packets (红包): an order while the scheme runs gives the buyer a packet of `total_cents`;
//! the next day it goes into their group (or to their friends if they are in no group); members
//! who see it in time (`p_claim`) claim in the order they saw it; the first `split_n` get a share
//! of the money and an exposure (`group` channel in a group, `friend` otherwise). The packet
//! reserves its total from the budget; unclaimed money returns.
//!
//! The split is the "double mean" rule of WeChat lucky money: each claimer in turn gets a uniform
//! amount in `[1, 2 · remaining / claimers left)`, the last gets what remains, so the amounts
//! always sum to the total and every claimer gets at least one cent.

use serde::{Deserialize, Serialize};

use super::{Budget, Init, Mechanism};
use crate::engine::{Order, Replicate};
use crate::model::ledger::Scheme;
use crate::model::{Channel, Stage};
use crate::rng::Stream;
use crate::scenario::Scenario;
use crate::scenario::schema::defaults;
use crate::scenario::validate::Problems;

/// What makes a red packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RedPacketTrigger {
    /// A customer's first order.
    #[default]
    FirstPurchase,
    /// Every order.
    Purchase,
}

/// `[red_packet]` (红包): after an order the buyer gets a packet of `total_cents` to share into
/// their group (or with their friends if they are in none); the first `split_n` claimers get a
/// random share of it and an exposure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedPacket {
    /// Money in one packet.
    pub total_cents: i64,
    /// Claimers who get a share.
    pub split_n: u32,
    /// Which orders make a packet.
    #[serde(default)]
    pub trigger: RedPacketTrigger,
    /// Probability that a group member or friend sees the packet in time to claim.
    #[serde(default = "defaults::one")]
    pub p_claim: f64,
    /// Money for packets; a packet reserves its total and unclaimed money returns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_cents: Option<i64>,
    /// First day packets are given.
    #[serde(default = "defaults::one_u32")]
    pub start_day: u32,
    /// Last day packets are given (default: the last day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_day: Option<u32>,
}

super::window::scheme_window!(RedPacket);

/// Red packets in one replicate: the budget and the packets waiting to go out.
pub struct State {
    budget: Budget,
    /// Buyers whose packet goes out tomorrow.
    today: Vec<u32>,
    /// Buyers whose packet goes out today.
    yesterday: Vec<u32>,
}

/// The scenario's red-packet table (the hooks run only when it is there).
fn config<'s>(r: &Replicate<'s>) -> &'s RedPacket {
    r.world
        .scenario
        .red_packet
        .as_ref()
        .expect("red packets configured")
}

impl State {
    /// Member actions: yesterday's buyers send their packets, in ascending member order.
    fn send(r: &mut Replicate<'_>) {
        let cfg = config(r);
        let day = r.world.day;
        let mut senders = std::mem::take(&mut r.state_mut::<Self>().yesterday);
        senders.sort_unstable();
        senders.dedup();
        let claim = r.world.draws.day(Stream::RedPacketClaim, day);
        let split_key = r.world.draws.day(Stream::RedPacketSplit, day);
        let buy = r.world.draws.day(Stream::RedPacketPurchase, day);
        for sender in senders {
            if r.world.stage(sender) == Stage::Churned
                || !r.state_mut::<Self>().budget.spend(cfg.total_cents)
            {
                continue;
            }
            let w = &r.world;
            let (audience, channel): (Vec<u32>, Channel) = match w.community.group_of(sender) {
                Some(g) => (w.community.members(g).to_vec(), Channel::Group),
                None => (w.graph.neighbours(sender).to_vec(), Channel::Friend),
            };
            // Who saw it in time, in the order they saw it (their draw), ties by id.
            let mut claimers: Vec<(u64, u32)> = audience
                .into_iter()
                .filter(|&m| m != sender && w.stage(m) != Stage::Churned)
                .filter_map(|m| {
                    let bits = claim.bits(m, sender);
                    (crate::rng::to_unit(bits) < cfg.p_claim).then_some((bits, m))
                })
                .collect();
            claimers.sort_unstable();
            claimers.truncate(cfg.split_n as usize);
            let amounts = split(cfg.total_cents, cfg.split_n, |i| split_key.unit(sender, i));
            let mut claimed = 0;
            for (&(_, m), &cents) in claimers.iter().zip(&amounts) {
                claimed += cents;
                r.world.row.packets_claimed += 1;
                r.world.row.ledger.book_incentive(Scheme::RedPacket, cents);
                r.expose(m, channel, sender, 1.0, buy, sender ^ 0x5EED_0000);
            }
            r.state_mut::<Self>()
                .budget
                .refund(cfg.total_cents - claimed);
        }
    }
}

impl Mechanism for State {
    const COST_LINE: Option<Scheme> = Some(Scheme::RedPacket);

    fn budget_cents(s: &Scenario) -> Option<i64> {
        s.red_packet.as_ref()?.budget_cents
    }

    fn budget_out(&self) -> bool {
        self.budget.exhausted()
    }

    fn build(init: &Init<'_>) -> Option<Self> {
        let cfg = init.scenario.red_packet.as_ref()?;
        Some(State {
            budget: Budget::new(cfg.budget_cents),
            today: Vec::new(),
            yesterday: Vec::new(),
        })
    }

    fn check(s: &Scenario, p: &mut Problems) {
        let Some(r) = &s.red_packet else {
            return;
        };
        p.range_u("red_packet.split_n", r.split_n.into(), 1, 10_000);
        if r.total_cents < i64::from(r.split_n) {
            p.add(
                "red_packet.total_cents",
                format!(
                    "{} must be at least one cent per claimer (split_n = {})",
                    r.total_cents, r.split_n
                ),
            );
        }
        p.prob("red_packet.p_claim", r.p_claim);
        p.window("red_packet", r);
    }

    fn lint(s: &Scenario, w: &mut Problems) {
        if let Some(r) = &s.red_packet {
            w.budget_below(
                "red_packet.budget_cents",
                r.budget_cents,
                r.total_cents,
                "packet",
            );
        }
    }

    fn start_day(&mut self) {
        self.yesterday = std::mem::take(&mut self.today);
    }

    fn member_actions(r: &mut Replicate<'_>) {
        Self::send(r);
    }

    /// An order (not a seed's) while the scheme runs queues a packet for tomorrow.
    fn on_order(r: &mut Replicate<'_>, order: &Order) {
        let running = r
            .state::<Self>()
            .budget
            .running(r.world.scenario.red_packet.as_ref(), r.world.day);
        if order.channel != Channel::Seed
            && running.is_some_and(|cfg| order.first || cfg.trigger == RedPacketTrigger::Purchase)
        {
            r.state_mut::<Self>().today.push(order.buyer);
        }
    }
}

/// Splits `total` cents among `n ≥ 1` claimers (`total ≥ n`); `unit(i)` is a uniform draw in
/// `[0, 1)` for claimer `i`.
pub fn split(total: i64, n: u32, mut unit: impl FnMut(u32) -> f64) -> Vec<i64> {
    let mut amounts = Vec::with_capacity(n as usize);
    let mut remaining = total;
    for i in 0..n {
        let left = i64::from(n - i);
        let amount = if left == 1 {
            remaining
        } else {
            // Keep a cent for each later claimer.
            let max = (2 * remaining / left).clamp(1, remaining - (left - 1));
            1 + ((unit(i) * max as f64) as i64).min(max - 1)
        };
        amounts.push(amount);
        remaining -= amount;
    }
    amounts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Draws, Stream};

    #[test]
    fn amounts_sum_to_the_total_and_everybody_gets_a_cent() {
        let key = Draws::new(1, 0).day(Stream::RedPacketSplit, 0);
        for (total, n) in [(1000, 5), (7, 7), (100_000, 20), (5, 1), (10, 3)] {
            for packet in 0..200 {
                let a = split(total, n, |i| key.unit(packet, i));
                assert_eq!(a.len(), n as usize);
                assert_eq!(a.iter().sum::<i64>(), total, "{total} among {n}");
                assert!(a.iter().all(|&x| x >= 1), "{a:?}");
            }
        }
    }

    #[test]
    fn each_claimer_gets_the_mean_on_average() {
        let key = Draws::new(2, 0).day(Stream::RedPacketSplit, 0);
        let (total, n, packets) = (10_000, 4, 20_000u32);
        let mut sums = [0f64; 4];
        for p in 0..packets {
            for (s, a) in sums.iter_mut().zip(split(total, n, |i| key.unit(p, i))) {
                *s += a as f64;
            }
        }
        for s in sums {
            // Every position has mean total/n = 2500; sd of one amount ≤ 2500, so 4 se ≈ 71.
            assert!((s / f64::from(packets) - 2500.0).abs() < 75.0, "{}", s);
        }
    }
}
