//! Red packets (红包) in the engine: an order while the scheme runs gives the buyer a packet; the
//! next day it goes into their group (or to their friends if they are in no group); members who
//! see it in time (`p_claim`) claim in the order they saw it; the first `split_n` get a share of
//! the money (the double-mean split) and an exposure (`group` channel in a group, `friend`
//! otherwise). The packet reserves its total from the budget; unclaimed money returns.

use super::Replicate;
use crate::model::schemes::{Scheme, red_packet};
use crate::model::{Channel, Stage};
use crate::rng::Stream;
use crate::scenario::RedPacketTrigger;

impl Replicate<'_> {
    /// An order by `buyer` (their first if `first`): queue a packet if the scheme gives one.
    pub(super) fn red_packet_for(&mut self, buyer: u32, first: bool) {
        if let Some(cfg) = &self.scenario.red_packet
            && (first || cfg.trigger == RedPacketTrigger::Purchase)
            && self.scheme_runs(Scheme::RedPacket, cfg)
        {
            self.schemes.packets_today.push(buyer);
        }
    }

    /// Member actions: yesterday's buyers send their packets, in ascending member order.
    pub(super) fn send_red_packets(&mut self) {
        let s = self.scenario;
        let Some(cfg) = &s.red_packet else {
            return;
        };
        let day = self.day;
        let mut senders = std::mem::take(&mut self.schemes.packets_yesterday);
        senders.sort_unstable();
        senders.dedup();
        let claim = self.draws.day(Stream::RedPacketClaim, day);
        let split = self.draws.day(Stream::RedPacketSplit, day);
        let buy = self.draws.day(Stream::RedPacketPurchase, day);
        for sender in senders {
            if self.stage(sender) == Stage::Churned
                || !self.schemes.budgets[Scheme::RedPacket as usize].spend(cfg.total_cents)
            {
                continue;
            }
            let (audience, channel): (Vec<u32>, Channel) = match self.community.group_of(sender) {
                Some(g) => (self.community.members(g).to_vec(), Channel::Group),
                None => (self.graph.neighbours(sender).to_vec(), Channel::Friend),
            };
            // Who saw it in time, in the order they saw it (their draw), ties by id.
            let mut claimers: Vec<(u64, u32)> = audience
                .into_iter()
                .filter(|&m| m != sender && self.stage(m) != Stage::Churned)
                .filter_map(|m| {
                    let bits = claim.bits(m, sender);
                    (crate::rng::to_unit(bits) < cfg.p_claim).then_some((bits, m))
                })
                .collect();
            claimers.sort_unstable();
            claimers.truncate(cfg.split_n as usize);
            let amounts =
                red_packet::split(cfg.total_cents, cfg.split_n, |i| split.unit(sender, i));
            let mut claimed = 0;
            for (&(_, m), &cents) in claimers.iter().zip(&amounts) {
                claimed += cents;
                self.row.packets_claimed += 1;
                self.row.ledger.book_incentive(Scheme::RedPacket, cents);
                self.expose(m, channel, sender, 1.0, buy, sender ^ 0x5EED_0000);
            }
            self.schemes.budgets[Scheme::RedPacket as usize].refund(cfg.total_cents - claimed);
        }
    }
}
