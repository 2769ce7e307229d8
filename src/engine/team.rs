//! Group buying (拼团) in the engine: a member who decides to buy while the scheme runs opens a
//! team (with `p_open`) instead of buying; the next day the leader invites friends, who join with
//! the purchase rule at the group price (`team` channel); strangers may fill slots from the open
//! pool each day; at the end of each day full teams buy at the group price and teams past their
//! window expire (members then buy alone at list with `p_fallback_solo`).

use super::Replicate;
use crate::model::member::NONE;
use crate::model::schemes::Scheme;
use crate::model::schemes::group_buy::{Settlement, Team, group_discount};
use crate::model::{Channel, Stage};
use crate::rng::{DayDraws, Stream};

impl Replicate<'_> {
    /// Is `member` waiting in an open team?
    #[inline]
    pub(super) fn in_team(&self, member: u32) -> bool {
        // An L2-resident bitset, so the common "no" costs no cache miss.
        self.flags.is_pending(member)
    }

    /// Puts `member` into team `t`, or (with `NONE`) out of any team.
    fn set_team(&mut self, member: u32, t: u32) {
        self.schemes.team_of[member as usize] = t;
        self.flags.set_pending(member, t != NONE);
    }

    /// Would `member` open a team on an exposure today (scheme running, budget able to reserve a
    /// team, and the `p_open` draw)? The draw follows the exposure's purchase draw (`key`, `b`).
    pub(super) fn opens_team(&self, key: DayDraws, member: u32, b: u32) -> bool {
        let Some(g) = &self.scenario.group_buy else {
            return false;
        };
        self.scheme_runs(Scheme::GroupBuy, g)
            && self.schemes.budgets[Scheme::GroupBuy as usize].can_spend(self.team_cost())
            && key.then(Stream::TeamOpen).chance(g.p_open, member, b)
    }

    /// The most a team can cost: the group discount for every member plus the success bonus.
    fn team_cost(&self) -> i64 {
        let g = self
            .scenario
            .group_buy
            .as_ref()
            .expect("group buy configured");
        let each = group_discount(self.scenario.product.list_price_cents, g.discount_pct);
        each * i64::from(g.team_size) + g.success_bonus_cents
    }

    /// `leader`, reached on `channel` from `referrer`, opens a team today.
    pub(super) fn open_team(&mut self, leader: u32, channel: Channel, referrer: u32) {
        let cost = self.team_cost();
        if !self.schemes.budgets[Scheme::GroupBuy as usize].spend(cost) {
            return;
        }
        let t = self.schemes.teams.len() as u32;
        self.schemes.teams.push(Team {
            leader_channel: channel,
            opened_day: self.day,
            members: vec![leader],
            referrers: vec![referrer],
            reserved_cents: cost,
        });
        self.set_team(leader, t);
        self.schemes.open_teams.push(t);
        self.schemes.opened_today.push(t);
        self.row.teams_opened += 1;
        self.mark_exposed(leader);
    }

    /// Member actions: leaders of teams opened yesterday invite `invites` random friends.
    pub(super) fn send_team_invites(&mut self) {
        let Some(g) = &self.scenario.group_buy else {
            return;
        };
        let (size, invites) = (g.team_size, g.invites);
        let day = self.day;
        let pick = self.draws.day(Stream::TeamInvite, day);
        let join = self.draws.day(Stream::TeamJoin, day);
        let graph = self.graph;
        for t in std::mem::take(&mut self.schemes.opened_yesterday) {
            let leader = self.schemes.teams[t as usize].leader();
            if self.schemes.team_of[leader as usize] != t {
                continue; // already settled
            }
            let friends = graph.neighbours(leader);
            let ties = graph.strong_ties(leader);
            let mut slots: Vec<u32> = (0..friends.len() as u32).collect();
            let take = (invites as usize).min(slots.len());
            for i in 0..take {
                let j = i + pick.index((slots.len() - i) as u32, leader, i as u32) as usize;
                slots.swap(i, j);
            }
            let b = &self.scenario.behaviour;
            for &slot in &slots[..take] {
                if self.schemes.teams[t as usize].missing(size) == 0 {
                    break;
                }
                let f = friends[slot as usize];
                let stage = self.stage(f);
                if stage == Stage::Churned {
                    continue;
                }
                let fatigue = self.receive(f, stage, Channel::Team);
                if self.in_team(f) {
                    continue;
                }
                let tie = if ties.is_some_and(|s| s[slot as usize]) {
                    b.tie_strong
                } else {
                    b.tie_weak
                };
                let offer = self.offer(f, Channel::Team, true, true);
                let p = self.conversion(f, Channel::Team, tie, offer.total(), fatigue);
                if join.chance(p, f, leader) {
                    self.join_team(t, f, leader);
                } else {
                    self.mark_exposed(f);
                }
            }
        }
    }

    fn join_team(&mut self, t: u32, member: u32, referrer: u32) {
        let team = &mut self.schemes.teams[t as usize];
        team.members.push(member);
        team.referrers.push(referrer);
        self.set_team(member, t);
        self.mark_exposed(member);
    }

    /// Settlement: strangers fill open slots, full teams buy, teams past their window expire.
    pub(super) fn settle_teams(&mut self) {
        let Some(g) = self.scenario.group_buy.clone() else {
            return;
        };
        let day = self.day;
        let n = self.graph.node_count();
        let fill = self.draws.day(Stream::StrangerFill, day);
        let fallback = self.draws.day(Stream::Fallback, day);
        let open = std::mem::take(&mut self.schemes.open_teams);
        let mut still_open = Vec::with_capacity(open.len());
        for t in open {
            if g.p_stranger_fill > 0.0 && self.schemes.teams[t as usize].opened_day < day {
                for slot in 0..self.schemes.teams[t as usize].missing(g.team_size) {
                    if !fill.chance(g.p_stranger_fill, t, 2 * slot) {
                        continue;
                    }
                    let stranger = fill.index(n, t, 2 * slot + 1);
                    if !self.flags.is_customer(stranger) && !self.in_team(stranger) {
                        self.row.exposures[Channel::Team as usize] += 1;
                        self.join_team(t, stranger, NONE);
                    }
                }
            }
            match self.schemes.teams[t as usize].settle(g.team_size, g.window_days, day) {
                Settlement::Open => still_open.push(t),
                Settlement::Filled => self.complete_team(t, &g),
                Settlement::Expired => {
                    self.row.teams_expired += 1;
                    let team = self.schemes.teams[t as usize].clone();
                    self.schemes.budgets[Scheme::GroupBuy as usize].refund(team.reserved_cents);
                    for (i, (&m, &r)) in team.members.iter().zip(&team.referrers).enumerate() {
                        self.set_team(m, NONE);
                        if fallback.chance(g.p_fallback_solo, m, t)
                            && self.stage(m) != Stage::Churned
                        {
                            let channel = if i == 0 {
                                team.leader_channel
                            } else {
                                Channel::Team
                            };
                            let offer = self.offer(m, channel, r != NONE, false);
                            self.purchase(m, channel, r, offer);
                        }
                    }
                }
            }
        }
        self.schemes.open_teams = still_open;
    }

    /// A full team: everybody buys at the group price; the leader earns the success bonus; what
    /// the reservation did not need returns to the budget.
    fn complete_team(&mut self, t: u32, g: &crate::scenario::GroupBuy) {
        self.row.teams_filled += 1;
        let team = self.schemes.teams[t as usize].clone();
        let mut used = 0;
        for (i, (&m, &r)) in team.members.iter().zip(&team.referrers).enumerate() {
            self.set_team(m, NONE);
            let channel = if i == 0 {
                team.leader_channel
            } else {
                Channel::Team
            };
            let mut offer = self.offer(m, channel, r != NONE, true);
            offer.reserved = true;
            used += offer.by_scheme[Scheme::GroupBuy as usize];
            self.purchase(m, channel, r, offer);
        }
        let bonus = g.success_bonus_cents;
        if bonus > 0 {
            used += bonus;
            self.row.ledger.book_incentive(Scheme::GroupBuy, bonus);
        }
        self.schemes.budgets[Scheme::GroupBuy as usize].refund(team.reserved_cents - used);
    }
}
