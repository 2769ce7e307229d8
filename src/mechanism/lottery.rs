//! Lotteries and blind boxes (抽奖 / 盲盒): while the scheme runs, each order, share or
//! interaction (`entry`) enters a draw with `p_enter`; an entry wins `prize_cents` with `p_win`,
//! paid from the budget (a prize the budget cannot pay stops the scheme). Entering is itself an
//! interaction, so with `[engagement]` the lottery raises members' activity. The number of wins
//! among `N` entries is Binomial(N, p_win), the payout `prize_cents` times it.

use serde::{Deserialize, Serialize};

use super::{Budget, Init, Mechanism};
use crate::engine::{Order, Replicate};
use crate::model::ledger::Scheme;
use crate::rng::Stream;
use crate::scenario::Scenario;
use crate::scenario::schema::defaults;
use crate::scenario::validate::Problems;

/// What enters the lottery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LotteryEntry {
    /// Every order (a blind box with each purchase).
    #[default]
    Order,
    /// Every share.
    Share,
    /// Every interaction (a post read, a live stream attended, a check-in, …).
    Interaction,
}

/// `[lottery]` (抽奖 / 盲盒): entries, odds and a prize.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lottery {
    /// What enters.
    #[serde(default)]
    pub entry: LotteryEntry,
    /// Probability that an order, share or interaction enters.
    #[serde(default = "defaults::one")]
    pub p_enter: f64,
    /// Probability that an entry wins.
    pub p_win: f64,
    /// Cash value of a prize.
    pub prize_cents: i64,
    /// Money for prizes; a prize it cannot pay stops the scheme.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_cents: Option<i64>,
    /// First day it runs.
    #[serde(default = "defaults::one_u32")]
    pub start_day: u32,
    /// Last day it runs (default: the last day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_day: Option<u32>,
}

super::window::scheme_window!(Lottery);

/// The budget, the running count of chances (each chance's draws are keyed by it), and whether
/// an entry is being made (its own interaction does not enter again).
pub struct State {
    budget: Budget,
    chances: u32,
    entering: bool,
}

impl State {
    /// One chance to enter for `member` (an order, share or interaction of the entry kind).
    fn chance(r: &mut Replicate<'_>, member: u32) {
        let day = r.world.day;
        let st = r.state::<Self>();
        let Some(cfg) = st.budget.running(r.world.scenario.lottery.as_ref(), day) else {
            return;
        };
        if st.entering {
            return;
        }
        let (p_enter, p_win, prize) = (cfg.p_enter, cfg.p_win, cfg.prize_cents);
        let st = r.state_mut::<Self>();
        let seq = st.chances;
        st.chances += 1;
        let draws = r.world.draws;
        if !draws
            .day(Stream::LotteryEntry, day)
            .chance(p_enter, member, seq)
        {
            return;
        }
        r.world.row_mut().lottery_entries += 1;
        r.state_mut::<Self>().entering = true;
        r.interact(member);
        r.state_mut::<Self>().entering = false;
        if draws
            .day(Stream::LotteryWin, day)
            .chance(p_win, member, seq)
            && r.state_mut::<Self>().budget.spend(prize)
        {
            let row = r.world.row_mut();
            row.lottery_wins += 1;
            row.ledger.book_incentive(Scheme::Lottery, prize);
        }
    }

    fn entry(r: &Replicate<'_>) -> LotteryEntry {
        r.world
            .scenario
            .lottery
            .as_ref()
            .map_or_else(Default::default, |l| l.entry)
    }
}

impl Mechanism for State {
    const COST_LINE: Option<Scheme> = Some(Scheme::Lottery);

    fn build(init: &Init<'_>) -> Option<Self> {
        let l = init.scenario.lottery.as_ref()?;
        Some(State {
            budget: Budget::new(l.budget_cents),
            chances: 0,
            entering: false,
        })
    }

    fn check(s: &Scenario, p: &mut Problems) {
        let Some(l) = &s.lottery else {
            return;
        };
        p.prob("lottery.p_enter", l.p_enter);
        p.prob("lottery.p_win", l.p_win);
        p.cents("lottery.prize_cents", l.prize_cents);
        p.window("lottery", l);
    }

    fn lint(s: &Scenario, w: &mut Problems) {
        if let Some(l) = &s.lottery {
            w.budget_below(
                "lottery.budget_cents",
                l.budget_cents,
                l.prize_cents.max(1),
                "prize",
            );
        }
    }

    fn budget_cents(s: &Scenario) -> Option<i64> {
        s.lottery.as_ref().and_then(|l| l.budget_cents)
    }

    fn budget_out(&self) -> bool {
        self.budget.exhausted()
    }

    fn hears_interactions(s: &Scenario) -> bool {
        s.lottery
            .as_ref()
            .is_some_and(|l| l.entry == LotteryEntry::Interaction)
    }

    fn on_interaction(r: &mut Replicate<'_>, member: u32) {
        if Self::entry(r) == LotteryEntry::Interaction {
            Self::chance(r, member);
        }
    }

    fn on_share(r: &mut Replicate<'_>, sharer: u32) {
        if Self::entry(r) == LotteryEntry::Share {
            Self::chance(r, sharer);
        }
    }

    fn on_order(r: &mut Replicate<'_>, order: &Order) {
        if Self::entry(r) == LotteryEntry::Order {
            Self::chance(r, order.buyer);
        }
    }
}
