//! Group buying (拼团): a member who decides to buy while the scheme runs opens a team (with
//! `p_open`) instead of buying; the next day the leader invites friends, who join with the
//! purchase rule at the group price (`team` channel); strangers may fill slots from the open pool
//! each day; at the end of each day full teams buy at the group price and teams past their window
//! expire (members then buy alone at list with `p_fallback_solo`). A team reserves its whole cost
//! from the budget when it opens; what it does not need returns.

mod team;

pub use team::{Settlement, Team};

use serde::{Deserialize, Serialize};

use super::{Budget, Divert, Init, Mechanism, percent_of};
use crate::engine::{Offer, OfferQuery, Replicate};
use crate::model::ledger::Scheme;
use crate::model::member::NONE;
use crate::model::{Channel, Stage};
use crate::rng::{DayDraws, Stream};
use crate::scenario::Scenario;
use crate::scenario::schema::defaults;
use crate::scenario::validate::Problems;

/// `[group_buy]` (拼团): a buyer opens a team at the group price and invites friends; the team
/// buys only if it fills within its window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupBuy {
    /// Members a team needs, leader included.
    pub team_size: u32,
    /// Group price discount, percent of the list price.
    pub discount_pct: f64,
    /// Days a team stays open after the day it is opened.
    #[serde(default = "defaults::one_u32")]
    pub window_days: u32,
    /// Friends the leader invites the day after opening (all friends if fewer).
    #[serde(default = "default_invites")]
    pub invites: u32,
    /// Probability that a member who decides to buy opens a team rather than buying solo.
    #[serde(default = "defaults::one")]
    pub p_open: f64,
    /// Probability per missing slot per day that a stranger from the open pool fills it.
    #[serde(default)]
    pub p_stranger_fill: f64,
    /// Probability that a member of an expired team buys alone at the list price.
    #[serde(default)]
    pub p_fallback_solo: f64,
    /// Paid to the leader when the team fills.
    #[serde(default)]
    pub success_bonus_cents: i64,
    /// Money for group discounts and bonuses; a team reserves its full cost when it opens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_cents: Option<i64>,
    /// First day teams can open.
    #[serde(default = "defaults::one_u32")]
    pub start_day: u32,
    /// Last day teams can open (default: the last day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_day: Option<u32>,
}

super::window::scheme_window!(GroupBuy);

fn default_invites() -> u32 {
    5
}

/// The group price discount of a `list_cents` order at `pct` percent off, in whole cents.
pub fn group_discount(list_cents: i64, pct: f64) -> i64 {
    percent_of(list_cents, pct)
}

/// Group buying in one replicate: the budget and every team.
pub struct State {
    budget: Budget,
    /// Every team ever opened.
    teams: Vec<Team>,
    /// Teams still open, by index into `teams`.
    open: Vec<u32>,
    /// Teams opened today (their leaders invite tomorrow).
    opened_today: Vec<u32>,
    /// Teams opened yesterday.
    opened_yesterday: Vec<u32>,
    /// The open team each member is in, or `NONE`.
    team_of: Vec<u32>,
}

/// The scenario's group-buy table (the hooks run only when it is there).
fn config<'s>(r: &Replicate<'s>) -> &'s GroupBuy {
    r.world
        .scenario
        .group_buy
        .as_ref()
        .expect("group buy configured")
}

impl State {
    /// The most a team can cost: the group discount for every member plus the success bonus.
    fn team_cost(r: &Replicate<'_>) -> i64 {
        let g = config(r);
        group_discount(r.world.list_price(), g.discount_pct) * i64::from(g.team_size)
            + g.success_bonus_cents
    }

    /// Puts `member` into team `t`, or (with `NONE`) out of any team.
    fn set_team(r: &mut Replicate<'_>, member: u32, t: u32) {
        r.state_mut::<Self>().team_of[member as usize] = t;
        r.world.set_pending(member, t != NONE);
    }

    /// `leader`, reached on `channel` from `referrer`, opens a team today.
    fn open_team(r: &mut Replicate<'_>, leader: u32, channel: Channel, referrer: u32) {
        let cost = Self::team_cost(r);
        let day = r.world.day;
        let st = r.state_mut::<Self>();
        if !st.budget.spend(cost) {
            return;
        }
        let t = st.teams.len() as u32;
        st.teams.push(Team {
            leader_channel: channel,
            opened_day: day,
            members: vec![leader],
            referrers: vec![referrer],
            reserved_cents: cost,
        });
        st.open.push(t);
        st.opened_today.push(t);
        Self::set_team(r, leader, t);
        r.world.row.teams_opened += 1;
        r.world.mark_exposed(leader);
    }

    fn join_team(r: &mut Replicate<'_>, t: u32, member: u32, referrer: u32) {
        let team = &mut r.state_mut::<Self>().teams[t as usize];
        team.members.push(member);
        team.referrers.push(referrer);
        Self::set_team(r, member, t);
        r.world.mark_exposed(member);
    }

    /// Member actions: leaders of teams opened yesterday invite `invites` random friends.
    fn send_invites(r: &mut Replicate<'_>) {
        let g = config(r);
        let (size, invites) = (g.team_size, g.invites);
        let day = r.world.day;
        let pick = r.world.draws.day(Stream::TeamInvite, day);
        let join = r.world.draws.day(Stream::TeamJoin, day);
        let graph = r.world.graph;
        for t in std::mem::take(&mut r.state_mut::<Self>().opened_yesterday) {
            let st = r.state::<Self>();
            let leader = st.teams[t as usize].leader();
            if st.team_of[leader as usize] != t {
                continue; // already settled
            }
            let friends = graph.neighbours(leader);
            let mut slots: Vec<u32> = (0..friends.len() as u32).collect();
            let take = (invites as usize).min(slots.len());
            for i in 0..take {
                let j = i + pick.index((slots.len() - i) as u32, leader, i as u32) as usize;
                slots.swap(i, j);
            }
            for &slot in &slots[..take] {
                if r.state::<Self>().teams[t as usize].missing(size) == 0 {
                    break;
                }
                let f = friends[slot as usize];
                let stage = r.world.stage(f);
                if stage == Stage::Churned {
                    continue;
                }
                let fatigue = r.world.receive(f, stage, Channel::Team);
                if r.world.is_pending(f) {
                    continue;
                }
                let tie = r.world.tie(leader, slot as usize);
                let offer = r.offer(f, Channel::Team, true, true);
                let p = r.conversion(f, Channel::Team, tie, offer.total(), fatigue);
                if join.chance(p, f, leader) {
                    Self::join_team(r, t, f, leader);
                } else {
                    r.world.mark_exposed(f);
                }
            }
        }
    }

    /// Settlement: strangers fill open slots, full teams buy, teams past their window expire.
    fn settle_teams(r: &mut Replicate<'_>) {
        let g = config(r);
        let day = r.world.day;
        let n = r.world.member_count();
        let fill = r.world.draws.day(Stream::StrangerFill, day);
        let fallback = r.world.draws.day(Stream::Fallback, day);
        let open = std::mem::take(&mut r.state_mut::<Self>().open);
        let mut still_open = Vec::with_capacity(open.len());
        for t in open {
            let team = &r.state::<Self>().teams[t as usize];
            let (opened_day, missing) = (team.opened_day, team.missing(g.team_size));
            if g.p_stranger_fill > 0.0 && opened_day < day {
                for slot in 0..missing {
                    if !fill.chance(g.p_stranger_fill, t, 2 * slot) {
                        continue;
                    }
                    let stranger = fill.index(n, t, 2 * slot + 1);
                    if !r.world.is_customer(stranger) && !r.world.is_pending(stranger) {
                        r.world.row.exposures[Channel::Team as usize] += 1;
                        Self::join_team(r, t, stranger, NONE);
                    }
                }
            }
            let settlement =
                r.state::<Self>().teams[t as usize].settle(g.team_size, g.window_days, day);
            match settlement {
                Settlement::Open => still_open.push(t),
                Settlement::Filled => Self::complete_team(r, t, g),
                Settlement::Expired => {
                    r.world.row.teams_expired += 1;
                    let st = r.state_mut::<Self>();
                    let team = st.teams[t as usize].clone();
                    st.budget.refund(team.reserved_cents);
                    for (i, (&m, &referrer)) in team.members.iter().zip(&team.referrers).enumerate()
                    {
                        Self::set_team(r, m, NONE);
                        crate::mechanism::negative_wom::expired_team(r, m);
                        if fallback.chance(g.p_fallback_solo, m, t)
                            && r.world.stage(m) != Stage::Churned
                        {
                            let channel = if i == 0 {
                                team.leader_channel
                            } else {
                                Channel::Team
                            };
                            let offer = r.offer(m, channel, referrer != NONE, false);
                            r.purchase(m, channel, referrer, offer);
                        }
                    }
                }
            }
        }
        r.state_mut::<Self>().open = still_open;
    }

    /// A full team: everybody buys at the group price; the leader earns the success bonus; what
    /// the reservation did not need returns to the budget.
    fn complete_team(r: &mut Replicate<'_>, t: u32, g: &GroupBuy) {
        r.world.row.teams_filled += 1;
        let team = r.state::<Self>().teams[t as usize].clone();
        let mut used = 0;
        for (i, (&m, &referrer)) in team.members.iter().zip(&team.referrers).enumerate() {
            Self::set_team(r, m, NONE);
            let channel = if i == 0 {
                team.leader_channel
            } else {
                Channel::Team
            };
            let mut offer = r.offer(m, channel, referrer != NONE, true);
            offer.reserved = true;
            used += offer.by_scheme[Scheme::GroupBuy as usize];
            r.purchase(m, channel, referrer, offer);
        }
        let bonus = g.success_bonus_cents;
        if bonus > 0 {
            used += bonus;
            r.world.row.ledger.book_incentive(Scheme::GroupBuy, bonus);
        }
        r.state_mut::<Self>()
            .budget
            .refund(team.reserved_cents - used);
    }
}

impl Mechanism for State {
    const COST_LINE: Option<Scheme> = Some(Scheme::GroupBuy);

    fn budget_cents(s: &Scenario) -> Option<i64> {
        s.group_buy.as_ref()?.budget_cents
    }

    fn budget_out(&self) -> bool {
        self.budget.exhausted()
    }

    fn build(init: &Init<'_>) -> Option<Self> {
        let g = init.scenario.group_buy.as_ref()?;
        Some(State {
            budget: Budget::new(g.budget_cents),
            teams: Vec::new(),
            open: Vec::new(),
            opened_today: Vec::new(),
            opened_yesterday: Vec::new(),
            team_of: vec![NONE; init.members as usize],
        })
    }

    fn check(s: &Scenario, p: &mut Problems) {
        let Some(g) = &s.group_buy else {
            return;
        };
        p.range_u("group_buy.team_size", g.team_size.into(), 2, 50);
        p.pct("group_buy.discount_pct", g.discount_pct);
        p.range_u("group_buy.window_days", g.window_days.into(), 1, 365);
        p.prob("group_buy.p_open", g.p_open);
        p.prob("group_buy.p_stranger_fill", g.p_stranger_fill);
        p.prob("group_buy.p_fallback_solo", g.p_fallback_solo);
        p.cents("group_buy.success_bonus_cents", g.success_bonus_cents);
        p.window("group_buy", g);
    }

    fn lint(s: &Scenario, w: &mut Problems) {
        let Some(g) = &s.group_buy else {
            return;
        };
        w.silent_channel(
            "behaviour.p_buy.team",
            s.behaviour.p_buy.team,
            "no invited friend ever joins a team (teams fill from strangers only)",
        );
        w.percent_like_fraction("group_buy.discount_pct", g.discount_pct);
        let team = group_discount(s.product.list_price_cents, g.discount_pct)
            * i64::from(g.team_size)
            + g.success_bonus_cents;
        w.budget_below(
            "group_buy.budget_cents",
            g.budget_cents,
            team,
            "team reservation",
        );
    }

    fn discount_bound(s: &Scenario, _channel: Channel) -> Option<i64> {
        let g = s.group_buy.as_ref()?;
        Some(group_discount(s.product.list_price_cents, g.discount_pct))
    }

    /// Team leaders and pending team members convert differently from everybody else (a scheme
    /// whose window starts after the horizon never does).
    fn receiver_dependent(s: &Scenario) -> bool {
        s.group_buy.as_ref().is_some_and(|g| g.start_day <= s.days)
    }

    fn start_day(&mut self) {
        self.opened_yesterday = std::mem::take(&mut self.opened_today);
    }

    fn member_actions(r: &mut Replicate<'_>) {
        Self::send_invites(r);
    }

    fn settle(r: &mut Replicate<'_>) {
        Self::settle_teams(r);
    }

    fn discount(&self, r: &Replicate<'_>, q: &OfferQuery, offer: &mut Offer) {
        if q.team {
            let g = config(r);
            offer.give(
                Scheme::GroupBuy,
                group_discount(r.world.list_price(), g.discount_pct),
            );
        }
    }

    fn book(r: &mut Replicate<'_>, _member: u32, offer: &Offer) -> i64 {
        let cents = offer.by_scheme[Scheme::GroupBuy as usize];
        if cents == 0 || !(offer.reserved || r.state_mut::<Self>().budget.spend(cents)) {
            return 0;
        }
        r.world.row.ledger.book_discount(Scheme::GroupBuy, cents);
        cents
    }

    /// A member who decides to buy while the scheme runs, and whose team the budget can
    /// reserve, opens a team with `p_open` (the draw follows the exposure's purchase draw).
    fn divert(&self, r: &Replicate<'_>, key: DayDraws, member: u32, b: u32) -> Option<Divert> {
        let g = self.budget.running(Some(config(r)), r.world.day)?;
        let opens = self.budget.can_spend(Self::team_cost(r))
            && key.then(Stream::TeamOpen).chance(g.p_open, member, b);
        opens.then_some(Self::open_team as Divert)
    }
}

#[cfg(test)]
mod tests {
    use super::group_discount;

    #[test]
    fn group_discount_rounds_down_to_whole_cents() {
        assert_eq!(group_discount(9_999, 30.0), 2_999);
        assert_eq!(group_discount(10_000, 0.0), 0);
    }
}
