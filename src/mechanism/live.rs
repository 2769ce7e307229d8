//! Live-stream selling (直播带货): scheduled streams on given days, hosted by the brand or by the
//! members of a `[[kol_campaign]]` (a KOL or KOC host).
//!
//! On a stream day the audience is drawn from up to four sources, each member attending with
//! `1 − Π(1 − p_source)`: community-group members (`p_attend_group`, times `preview_lift` for a
//! member who read one of the community previews posted on the `preview_days` days before), the
//! brand's customers (`p_attend_customer`), the host's friends (`p_attend_follower`, KOL or KOC
//! host only), and then friends invited by attending customers (each with `p_invite`, attending
//! for sure). Beyond `capacity` the room admits attendees first come in keyed arrival order.
//! Each attendee is one `live` exposure at the live-only price (`price_cents`) with the impulse
//! multiplier (`impulse`, +18% `[source]`) and the host campaign's credibility as tie multiplier.
//! With `recap = true` the day after the stream a recap post reaches group members who did not
//! attend (`recap_p_read`), a second `live` wave at the live price without the impulse. The host
//! fee (`host_fee_cents`, per stream) and the live discount are booked on the `live` cost line
//! and paid from `budget_cents`; a stream whose fee the budget cannot pay does not happen, and
//! stops the entry's later streams.

use serde::{Deserialize, Serialize};

use super::{Budget, Init, Mechanism};
use crate::engine::{Offer, OfferQuery, Order, Replicate};
use crate::model::Channel;
use crate::model::ledger::Scheme;
use crate::model::member::NONE;
use crate::rng::Stream;
use crate::scenario::Scenario;
use crate::scenario::schema::defaults;
use crate::scenario::validate::Problems;

fn impulse() -> f64 {
    1.18
}
fn preview_lift() -> f64 {
    2.0
}
fn brand() -> String {
    "brand".into()
}

/// One `[[live_stream]]` (直播): a stream on each of `days`, its audience, price and host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiveStream {
    /// Name, used in messages.
    pub name: String,
    /// Days with a stream (days after the horizon never come).
    pub days: Vec<u32>,
    /// `"brand"`, or the name of a `[[kol_campaign]]` whose members host.
    #[serde(default = "brand")]
    pub host: String,
    /// Probability that a community-group member attends.
    #[serde(default)]
    pub p_attend_group: f64,
    /// Probability that a customer (the brand's followers) attends.
    #[serde(default)]
    pub p_attend_customer: f64,
    /// Probability that a friend of a host attends (KOL or KOC host).
    #[serde(default)]
    pub p_attend_follower: f64,
    /// Probability that an attending customer invites each friend (who then attends).
    #[serde(default)]
    pub p_invite: f64,
    /// Most attendees a stream admits (default: no limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u32>,
    /// The live-only price (default: the list price).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_cents: Option<i64>,
    /// Multiplier on conversion while watching (1.18 = +18% `[source]`).
    #[serde(default = "impulse")]
    pub impulse: f64,
    /// Days before each stream with a community preview post.
    #[serde(default)]
    pub preview_days: u32,
    /// Probability that a group member reads a preview post.
    #[serde(default = "defaults::one")]
    pub preview_p_read: f64,
    /// Multiplier on `p_attend_group` for a member who read a preview.
    #[serde(default = "preview_lift")]
    pub preview_lift: f64,
    /// A recap post in the groups the day after each stream.
    #[serde(default)]
    pub recap: bool,
    /// Probability that a group member who did not attend reads the recap.
    #[serde(default = "defaults::one")]
    pub recap_p_read: f64,
    /// Fee per stream (host, studio), booked on the `live` line.
    #[serde(default)]
    pub host_fee_cents: i64,
    /// Money for fees and the live discount; a fee it cannot pay stops the entry's streams.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_cents: Option<i64>,
}

impl LiveStream {
    /// Cents the live price takes off the list price.
    fn discount(&self, list: i64) -> i64 {
        self.price_cents.map_or(0, |p| (list - p).max(0))
    }

    /// The stream this entry's day `day` is the recap day of, if any.
    fn recaps_on(&self, day: u32) -> bool {
        self.recap && day >= 2 && self.days.contains(&(day - 1))
    }
}

/// Which wave an exposure on the `live` channel belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wave {
    Stream,
    Recap,
}

/// Each entry's budget and last attendees, and the wave being exposed now.
pub struct State {
    budgets: Vec<Budget>,
    /// Each entry's attendees of its latest stream, ascending (the recap skips them).
    attended: Vec<Vec<u32>>,
    /// The entry and wave of the `live` exposures being made (the price to offer).
    current: Option<(usize, Wave)>,
}

impl State {
    /// Calendar: today's previews, streams and recaps, entry by entry.
    fn act(r: &mut Replicate<'_>) {
        let s = r.world.scenario;
        let day = r.world.day;
        for (k, ls) in s.live_stream.iter().enumerate() {
            if ls
                .days
                .iter()
                .any(|&d| d > day && d - day <= ls.preview_days)
            {
                Self::preview(r, k, day);
            }
            if ls.recaps_on(day) {
                Self::recap(r, k, day);
            }
            if ls.days.contains(&day) {
                Self::stream(r, k, day);
            }
        }
    }

    /// Did `member` read entry `k`'s preview on `day`? (A keyed draw, so the stream can ask
    /// again without storing who read.)
    fn read_preview(r: &Replicate<'_>, k: usize, day: u32, member: u32) -> bool {
        let p = r.world.scenario.live_stream[k].preview_p_read;
        r.world
            .draws
            .day(Stream::LivePreview { stream: k as u32 }, day)
            .chance(p, member, 0)
    }

    /// A preview post in every group: each reader interacts and is exposed to brand content.
    fn preview(r: &mut Replicate<'_>, k: usize, day: u32) {
        let community = r.world.community;
        let key = r
            .world
            .draws
            .day(Stream::LivePreviewPurchase { stream: k as u32 }, day);
        for g in 0..community.group_count() {
            for &m in community.members(g) {
                if Self::read_preview(r, k, day, m) {
                    r.interact(m);
                    r.expose(m, Channel::Operator, NONE, 1.0, key, 0);
                }
            }
        }
    }

    /// The hosts of entry `k` (empty for the brand).
    fn hosts(r: &Replicate<'_>, k: usize) -> (Vec<u32>, f64) {
        let s = r.world.scenario;
        let ls = &s.live_stream[k];
        match s.kol_campaign.iter().position(|c| c.name == ls.host) {
            Some(c) => (
                super::kol::State::hosts(r, c),
                s.kol_campaign[c].credibility,
            ),
            None => (Vec::new(), 1.0),
        }
    }

    /// Entry `k`'s audience today, in arrival order.
    fn audience(r: &Replicate<'_>, k: usize, day: u32, hosts: &[u32]) -> Vec<u32> {
        let w = &r.world;
        let ls = &w.scenario.live_stream[k];
        let stream = k as u32;
        // (member, probability of not attending from this source).
        let mut pool: Vec<(u32, f64)> = Vec::new();
        if ls.p_attend_group > 0.0 {
            let community = w.community;
            for g in 0..community.group_count() {
                for &m in community.members(g) {
                    let previewed = (1..=ls.preview_days)
                        .filter(|&b| b < day)
                        .any(|b| Self::read_preview(r, k, day - b, m));
                    let lift = if previewed { ls.preview_lift } else { 1.0 };
                    pool.push((m, 1.0 - (ls.p_attend_group * lift).min(1.0)));
                }
            }
        }
        if ls.p_attend_customer > 0.0 {
            pool.extend(w.private_domain().map(|m| (m, 1.0 - ls.p_attend_customer)));
        }
        if ls.p_attend_follower > 0.0 {
            for &h in hosts {
                for &f in w.graph.neighbours(h) {
                    pool.push((f, 1.0 - ls.p_attend_follower));
                }
            }
        }
        pool.sort_unstable_by_key(|&(m, _)| m);
        let attend = w.draws.day(Stream::LiveAttend { stream }, day);
        let mut people: Vec<u32> = Vec::new();
        let mut i = 0;
        while i < pool.len() {
            let m = pool[i].0;
            let mut miss = 1.0;
            while i < pool.len() && pool[i].0 == m {
                miss *= pool[i].1;
                i += 1;
            }
            if !hosts.contains(&m) && attend.chance(1.0 - miss, m, 0) {
                people.push(m);
            }
        }
        if ls.p_invite > 0.0 {
            let invite = w.draws.day(Stream::LiveInvite { stream }, day);
            let mut invited = Vec::new();
            for &a in &people {
                if !w.is_customer(a) {
                    continue;
                }
                for &f in w.graph.neighbours(a) {
                    if invite.chance(ls.p_invite, f, a) {
                        invited.push(f);
                    }
                }
            }
            people.extend(invited.into_iter().filter(|f| !hosts.contains(f)));
            people.sort_unstable();
            people.dedup();
        }
        // First come: keyed arrival order; the room admits the first `capacity`.
        let arrival = w.draws.day(Stream::LiveArrival { stream }, day);
        people.sort_unstable_by_key(|&m| (arrival.bits(m, 0), m));
        if let Some(cap) = ls.capacity {
            people.truncate(cap as usize);
        }
        people
    }

    /// Entry `k`'s stream today: the fee, the audience, one impulse exposure per attendee.
    fn stream(r: &mut Replicate<'_>, k: usize, day: u32) {
        let ls = &r.world.scenario.live_stream[k];
        let fee = ls.host_fee_cents;
        if !r.state_mut::<Self>().budgets[k].spend(fee) {
            return;
        }
        if fee > 0 {
            r.world.row_mut().ledger.book_incentive(Scheme::Live, fee);
        }
        let (hosts, credibility) = Self::hosts(r, k);
        let people = Self::audience(r, k, day, &hosts);
        let sender = hosts.first().copied().unwrap_or(NONE);
        let tie = ls.impulse * credibility;
        let key = r
            .world
            .draws
            .day(Stream::LivePurchase { stream: k as u32 }, day);
        r.state_mut::<Self>().current = Some((k, Wave::Stream));
        for &m in &people {
            r.world.row_mut().live_attendees += 1;
            r.interact(m);
            r.expose(m, Channel::Live, sender, tie, key, 0);
        }
        let st = r.state_mut::<Self>();
        st.current = None;
        let mut sorted = people;
        sorted.sort_unstable();
        st.attended[k] = sorted;
    }

    /// Entry `k`'s recap today (the day after a stream): group members who did not attend read
    /// it and see the live offer again.
    fn recap(r: &mut Replicate<'_>, k: usize, day: u32) {
        let ls = &r.world.scenario.live_stream[k];
        if r.state::<Self>().budgets[k].exhausted() {
            return;
        }
        let key = r
            .world
            .draws
            .day(Stream::LiveRecap { stream: k as u32 }, day);
        let p = ls.recap_p_read;
        let community = r.world.community;
        let attended = std::mem::take(&mut r.state_mut::<Self>().attended[k]);
        r.state_mut::<Self>().current = Some((k, Wave::Recap));
        for g in 0..community.group_count() {
            for &m in community.members(g) {
                if attended.binary_search(&m).is_err() && key.chance(p, m, 0) {
                    r.interact(m);
                    r.expose(m, Channel::Live, NONE, 1.0, key, 1);
                }
            }
        }
        r.state_mut::<Self>().current = None;
    }
}

impl Mechanism for State {
    const COST_LINE: Option<Scheme> = Some(Scheme::Live);

    fn build(init: &Init<'_>) -> Option<Self> {
        let s = init.scenario;
        if s.live_stream.is_empty() {
            return None;
        }
        Some(State {
            budgets: s
                .live_stream
                .iter()
                .map(|l| Budget::new(l.budget_cents))
                .collect(),
            attended: vec![Vec::new(); s.live_stream.len()],
            current: None,
        })
    }

    fn check(s: &Scenario, p: &mut Problems) {
        for (k, ls) in s.live_stream.iter().enumerate() {
            let key = |f: &str| format!("live_stream[{k}].{f}");
            if ls.name.is_empty() || s.live_stream[..k].iter().any(|o| o.name == ls.name) {
                p.add(
                    &key("name"),
                    format!("`{}` must be non-empty and unique", ls.name),
                );
            }
            if ls.days.is_empty() {
                p.add(
                    &key("days"),
                    "needs at least one day, e.g. [7, 14, 21]".into(),
                );
            }
            if ls.days.iter().any(|&d| d < 1) {
                p.add(
                    &key("days"),
                    "days start at 1 (day 0 is the seeding day)".into(),
                );
            }
            if ls.host != "brand" && !s.kol_campaign.iter().any(|c| c.name == ls.host) {
                let names: Vec<&str> = s.kol_campaign.iter().map(|c| c.name.as_str()).collect();
                p.add(
                    &key("host"),
                    format!(
                        "`{}` is neither \"brand\" nor a [[kol_campaign]] name; allowed: brand{}",
                        ls.host,
                        names.iter().map(|n| format!(", {n}")).collect::<String>()
                    ),
                );
            }
            for (f, x) in [
                ("p_attend_group", ls.p_attend_group),
                ("p_attend_customer", ls.p_attend_customer),
                ("p_attend_follower", ls.p_attend_follower),
                ("p_invite", ls.p_invite),
                ("preview_p_read", ls.preview_p_read),
                ("recap_p_read", ls.recap_p_read),
            ] {
                p.prob(&key(f), x);
            }
            p.non_negative(&key("impulse"), ls.impulse);
            p.non_negative(&key("preview_lift"), ls.preview_lift);
            p.cents(&key("host_fee_cents"), ls.host_fee_cents);
            if let Some(b) = ls.budget_cents {
                p.cents(&key("budget_cents"), b);
            }
            if let Some(price) = ls.price_cents
                && !(0..=s.product.list_price_cents).contains(&price)
            {
                p.add(
                    &key("price_cents"),
                    format!(
                        "{price} is out of range; allowed: 0..={} (the list price)",
                        s.product.list_price_cents
                    ),
                );
            }
            p.range_u(&key("preview_days"), ls.preview_days.into(), 0, 60);
            let needs_groups = ls.p_attend_group > 0.0 || ls.preview_days > 0 || ls.recap;
            if needs_groups && s.groups.is_none() {
                p.add(
                    &format!("live_stream[{k}]"),
                    "group attendance, previews and recaps happen in community groups; add a \
                     [groups] table"
                        .into(),
                );
            }
        }
    }

    fn lint(s: &Scenario, w: &mut Problems) {
        if s.live_stream.is_empty() {
            return;
        }
        w.silent_channel(
            "behaviour.p_buy.live",
            s.behaviour.p_buy.live,
            "live streams never make anybody buy",
        );
        for (k, ls) in s.live_stream.iter().enumerate() {
            w.budget_below(
                &format!("live_stream[{k}].budget_cents"),
                ls.budget_cents,
                ls.host_fee_cents.max(1),
                "stream",
            );
        }
    }

    fn budget_cents(s: &Scenario) -> Option<i64> {
        if s.live_stream.is_empty() {
            return None;
        }
        s.live_stream
            .iter()
            .map(|l| l.budget_cents)
            .sum::<Option<i64>>()
    }

    fn budget_out(&self) -> bool {
        self.budgets.iter().all(Budget::exhausted)
    }

    /// The live price is offered on the `live` channel only.
    fn discount_bound(s: &Scenario, channel: Channel) -> Option<i64> {
        if channel != Channel::Live {
            return None;
        }
        let list = s.product.list_price_cents;
        s.live_stream
            .iter()
            .map(|l| l.discount(list))
            .filter(|&d| d > 0)
            .max()
    }

    fn calendar(r: &mut Replicate<'_>) {
        Self::act(r);
    }

    /// The live price, on `live` exposures of a running entry.
    fn discount(&self, r: &Replicate<'_>, q: &OfferQuery, offer: &mut Offer) {
        if q.channel != Channel::Live {
            return;
        }
        if let Some((k, _)) = self.current
            && !self.budgets[k].exhausted()
        {
            let list = r.world.list_price();
            offer.give(Scheme::Live, r.world.scenario.live_stream[k].discount(list));
        }
    }

    fn book(r: &mut Replicate<'_>, _member: u32, offer: &Offer) -> i64 {
        let cents = offer.by_scheme[Scheme::Live as usize];
        if cents == 0 {
            return 0;
        }
        let st = r.state_mut::<Self>();
        let Some((k, _)) = st.current else {
            return 0;
        };
        if !st.budgets[k].spend(cents) {
            return 0;
        }
        r.world.row_mut().ledger.book_discount(Scheme::Live, cents);
        cents
    }

    fn on_order(r: &mut Replicate<'_>, order: &Order) {
        if order.channel != Channel::Live {
            return;
        }
        match r.state::<Self>().current {
            Some((_, Wave::Stream)) => r.world.row_mut().live_orders += 1,
            Some((_, Wave::Recap)) => r.world.row_mut().recap_orders += 1,
            None => {}
        }
    }
}
