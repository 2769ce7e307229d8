//! Bargaining (砍一刀 / 砍价; not in the source documents: an ASSUMPTION modelled on the
//! well-known Pinduoduo design): a member who decides to buy opens a bargain with `p_open`
//! instead, aiming at `target_cents`. On each of the next `window_days` days they ask
//! `asks_per_day` friends they have not asked yet (in keyed order); each helps with `p_help`, and
//! a helper sees the product (an invite: a `team` exposure from the initiator, converting with
//! `p_buy.team`, so helpers may buy and open bargains of their own). The k-th helper cuts `cuts_pct[k]` percent of the gap between list
//! and target, a decreasing schedule summing to 100: once every cut is in, the initiator buys at
//! the target price (the gap booked on the `bargain` cost line); a bargain still short when its
//! window ends fails, and the initiator buys at the usual offer with `p_fallback`.

use serde::{Deserialize, Serialize};

use super::{Budget, Divert, Init, Mechanism};
use crate::engine::{Offer, Replicate};
use crate::model::Channel;
use crate::model::ledger::Scheme;
use crate::model::member::NONE;
use crate::rng::{DayDraws, Stream};
use crate::scenario::Scenario;
use crate::scenario::schema::defaults;
use crate::scenario::validate::Problems;

fn three() -> u32 {
    3
}
fn cuts() -> Vec<f64> {
    vec![50.0, 25.0, 12.5, 6.25, 3.125, 3.125]
}

/// `[bargain]` (砍价): the buyer's friends cut the price to a target within a window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bargain {
    /// Probability that a member who decides to buy opens a bargain instead.
    pub p_open: f64,
    /// The price a completed bargain buys at.
    #[serde(default)]
    pub target_cents: i64,
    /// Percent of the gap each helper cuts, in order (decreasing; sums to 100).
    #[serde(default = "cuts")]
    pub cuts_pct: Vec<f64>,
    /// Days the initiator has to collect every cut.
    #[serde(default = "three")]
    pub window_days: u32,
    /// Friends asked each day.
    #[serde(default = "three")]
    pub asks_per_day: u32,
    /// Probability that an asked friend helps.
    pub p_help: f64,
    /// Probability that an initiator whose bargain failed buys at the usual offer.
    #[serde(default)]
    pub p_fallback: f64,
    /// Money for completed bargains; a bargain it cannot pay fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_cents: Option<i64>,
    /// First day bargains can open.
    #[serde(default = "defaults::one_u32")]
    pub start_day: u32,
    /// Last day bargains can open (default: the last day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_day: Option<u32>,
}

super::window::scheme_window!(Bargain);

/// One open bargain.
struct Open {
    initiator: u32,
    channel: Channel,
    /// The friend whose share or invite brought the initiator (`NONE` otherwise).
    referrer: u32,
    opened: u32,
    helpers: u32,
    /// The initiator's friends in the keyed order they are asked in.
    friends: Vec<u32>,
    /// Friends asked so far (a prefix of `friends`).
    asked: usize,
}

/// The budget and the open bargains.
pub struct State {
    budget: Budget,
    open: Vec<Open>,
}

/// The scenario's bargain table (the hooks run only when it is there).
fn config<'s>(r: &Replicate<'s>) -> &'s Bargain {
    r.world
        .scenario
        .bargain
        .as_ref()
        .expect("bargain configured")
}

impl State {
    /// `member`, reached on `channel`, opens a bargain today.
    fn open(r: &mut Replicate<'_>, member: u32, channel: Channel, sender: u32) {
        let day = r.world.day;
        let order = r.world.draws.day(Stream::BargainAsk, 0);
        let mut friends: Vec<u32> = r.world.graph.neighbours(member).to_vec();
        friends.sort_unstable_by_key(|&f| (order.bits(member, f), f));
        r.world.set_pending(member, true);
        r.world.row_mut().bargains_opened += 1;
        r.state_mut::<Self>().open.push(Open {
            initiator: member,
            channel,
            referrer: sender,
            opened: day,
            helpers: 0,
            friends,
            asked: 0,
        });
    }

    /// Member actions: every open bargain asks today's friends; complete and expired ones settle.
    fn ask(r: &mut Replicate<'_>) {
        let cfg = config(r);
        let day = r.world.day;
        let needed = cfg.cuts_pct.len() as u32;
        let help = r.world.draws.day(Stream::BargainHelp, day);
        let see = r.world.draws.day(Stream::BargainHelperPurchase, day);
        let open = std::mem::take(&mut r.state_mut::<Self>().open);
        let mut still = Vec::with_capacity(open.len());
        for mut b in open {
            if day > b.opened {
                let end = (b.asked + cfg.asks_per_day as usize).min(b.friends.len());
                for &f in &b.friends[b.asked..end] {
                    if help.chance(cfg.p_help, f, b.initiator) {
                        b.helpers += 1;
                        r.world.row_mut().bargain_helps += 1;
                        r.interact(f);
                        r.expose(f, Channel::Team, b.initiator, 1.0, see, b.initiator);
                    }
                }
                b.asked = end;
            }
            if b.helpers >= needed {
                Self::settle(r, &b, true);
            } else if day >= b.opened + cfg.window_days {
                Self::settle(r, &b, false);
            } else {
                still.push(b);
            }
        }
        let st = r.state_mut::<Self>();
        still.append(&mut st.open); // bargains opened by helpers today
        st.open = still;
    }

    /// Ends bargain `b`: the initiator buys at the target price if it `complete`d (and the
    /// budget pays the gap), else at the usual offer with `p_fallback`.
    fn settle(r: &mut Replicate<'_>, b: &Open, complete: bool) {
        let cfg = config(r);
        let m = b.initiator;
        r.world.set_pending(m, false);
        let list = r.world.list_price();
        let gap = (list - cfg.target_cents).max(0);
        if complete && r.state_mut::<Self>().budget.can_spend(gap) {
            r.world.row_mut().bargains_completed += 1;
            let mut offer = Offer::at_list(list);
            offer.give(Scheme::Bargain, gap);
            r.purchase(m, b.channel, b.referrer, offer);
            return;
        }
        let fallback = r.world.draws.day(Stream::BargainFallback, r.world.day);
        if fallback.chance(cfg.p_fallback, m, 0) {
            let offer = r.offer(m, b.channel, b.referrer != NONE, false);
            r.purchase(m, b.channel, b.referrer, offer);
        }
    }
}

impl Mechanism for State {
    const COST_LINE: Option<Scheme> = Some(Scheme::Bargain);

    fn build(init: &Init<'_>) -> Option<Self> {
        let b = init.scenario.bargain.as_ref()?;
        Some(State {
            budget: Budget::new(b.budget_cents),
            open: Vec::new(),
        })
    }

    fn check(s: &Scenario, p: &mut Problems) {
        let Some(b) = &s.bargain else {
            return;
        };
        p.prob("bargain.p_open", b.p_open);
        p.prob("bargain.p_help", b.p_help);
        p.prob("bargain.p_fallback", b.p_fallback);
        let list = s.product.list_price_cents;
        if b.target_cents < 0 || b.target_cents >= list {
            p.add(
                "bargain.target_cents",
                format!("{} must be in [0, list price {list})", b.target_cents),
            );
        }
        let total: f64 = b.cuts_pct.iter().sum();
        let decreasing = b.cuts_pct.windows(2).all(|w| w[0] >= w[1]);
        if b.cuts_pct.is_empty()
            || b.cuts_pct.iter().any(|&c| c <= 0.0)
            || !decreasing
            || (total - 100.0).abs() > 1e-6
        {
            p.add(
                "bargain.cuts_pct",
                format!(
                    "{:?} must be positive, non-increasing and sum to 100 (e.g. [50, 25, 12.5, 6.25, 3.125, 3.125])",
                    b.cuts_pct
                ),
            );
        }
        p.range_u("bargain.window_days", b.window_days.into(), 1, 365);
        p.range_u("bargain.asks_per_day", b.asks_per_day.into(), 1, 10_000);
        p.window("bargain", b);
        if s.group_buy.is_some() {
            p.add(
                "bargain",
                "a buyer can open a group-buy team or a bargain, not both: keep one of [group_buy] and [bargain]"
                    .into(),
            );
        }
    }

    fn budget_cents(s: &Scenario) -> Option<i64> {
        s.bargain.as_ref().and_then(|b| b.budget_cents)
    }

    fn budget_out(&self) -> bool {
        self.budget.exhausted()
    }

    fn member_actions(r: &mut Replicate<'_>) {
        Self::ask(r);
    }

    fn book(r: &mut Replicate<'_>, _member: u32, offer: &Offer) -> i64 {
        let cents = offer.by_scheme[Scheme::Bargain as usize];
        if cents == 0 || !r.state_mut::<Self>().budget.spend(cents) {
            return 0;
        }
        r.world
            .row_mut()
            .ledger
            .book_discount(Scheme::Bargain, cents);
        cents
    }

    fn divert(&self, r: &Replicate<'_>, key: DayDraws, member: u32, b: u32) -> Option<Divert> {
        let cfg = self.budget.running(Some(config(r)), r.world.day)?;
        let opens = key.then(Stream::BargainOpen).chance(cfg.p_open, member, b);
        opens.then_some(Self::open as Divert)
    }
}
