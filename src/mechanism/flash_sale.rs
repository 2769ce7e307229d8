//! Flash sales (限时秒杀): on its day a sale is announced to its audience (community groups, the
//! brand's customers, or every member), each reading the announcement with `p_read`; readers
//! arrive in keyed order and, while stock lasts, each is one `flash` exposure at the flash price.
//! Every order at the flash price takes one unit; once the stock is gone, later readers find it
//! sold out (counted as turned away) and are not exposed. The flash discount is booked on the
//! `flash_sale` cost line and paid from the sale's budget.

use serde::{Deserialize, Serialize};

use super::{Budget, Init, Mechanism, percent_of};
use crate::engine::{Offer, OfferQuery, Order, Replicate};
use crate::model::Channel;
use crate::model::ledger::Scheme;
use crate::model::member::NONE;
use crate::rng::Stream;
use crate::scenario::Scenario;
use crate::scenario::schema::defaults;
use crate::scenario::validate::Problems;

/// Who sees a flash sale's announcement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlashAudience {
    /// Members of the community groups.
    #[default]
    Groups,
    /// The brand's customers (active or silent).
    Customers,
    /// Every member (a platform-wide banner).
    All,
}

/// One `[[flash_sale]]` (限时秒杀): a deep discount on one day, limited stock, first come.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlashSale {
    /// Name, used in messages.
    pub name: String,
    /// The sale's day (a day after the horizon never comes).
    pub day: u32,
    /// Percent off the list price.
    pub discount_pct: f64,
    /// Units for sale.
    pub stock: u32,
    /// Who sees the announcement.
    #[serde(default)]
    pub audience: FlashAudience,
    /// Probability that a member of the audience reads the announcement.
    #[serde(default = "defaults::one")]
    pub p_read: f64,
    /// Money for the flash discount; an order it cannot pay is at the list price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_cents: Option<i64>,
    /// Members at this membership tier or above (1 = the first) get early access: they arrive
    /// before everybody else, in keyed order among themselves; 0 = no early access.
    #[serde(default)]
    pub early_access_tier: u32,
}

/// Each sale's stock left and budget, and the sale being exposed now.
pub struct State {
    stock: Vec<u32>,
    budgets: Vec<Budget>,
    /// The sale whose readers are being exposed (the price to offer, the stock to take).
    current: Option<usize>,
}

impl State {
    /// Calendar: today's sales.
    fn act(r: &mut Replicate<'_>) {
        let s = r.world.scenario;
        let day = r.world.day;
        for (k, sale) in s.flash_sale.iter().enumerate() {
            if sale.day == day {
                Self::sell(r, k, sale, day);
            }
        }
    }

    /// The audience of `sale` who read its announcement today, in arrival order.
    fn readers(r: &Replicate<'_>, k: usize, sale: &FlashSale, day: u32) -> Vec<u32> {
        let w = &r.world;
        let read = w.draws.day(Stream::FlashRead { sale: k as u32 }, day);
        let mut readers: Vec<u32> = match sale.audience {
            FlashAudience::Groups => {
                let c = w.community;
                (0..c.group_count())
                    .flat_map(|g| c.members(g).iter().copied())
                    .collect()
            }
            FlashAudience::Customers => w.private_domain().collect(),
            FlashAudience::All => (0..w.member_count()).collect(),
        };
        readers.retain(|&m| read.chance(sale.p_read, m, 0));
        let arrival = w.draws.day(Stream::FlashArrival { sale: k as u32 }, day);
        let early = sale.early_access_tier as usize;
        readers.sort_unstable_by_key(|&m| {
            let late = early == 0 || super::tier(r, m) < early;
            (late, arrival.bits(m, 0), m)
        });
        readers
    }

    /// Sale `k` today: readers in arrival order, exposed while stock lasts.
    fn sell(r: &mut Replicate<'_>, k: usize, sale: &FlashSale, day: u32) {
        let readers = Self::readers(r, k, sale, day);
        let key = r
            .world
            .draws
            .day(Stream::FlashPurchase { sale: k as u32 }, day);
        r.state_mut::<Self>().current = Some(k);
        for (i, &m) in readers.iter().enumerate() {
            if r.state::<Self>().stock[k] == 0 {
                r.world.row_mut().flash_turned_away += (readers.len() - i) as u32;
                break;
            }
            r.interact(m);
            r.expose(m, Channel::Flash, NONE, 1.0, key, 0);
        }
        r.state_mut::<Self>().current = None;
    }
}

impl Mechanism for State {
    const COST_LINE: Option<Scheme> = Some(Scheme::FlashSale);

    fn build(init: &Init<'_>) -> Option<Self> {
        let s = init.scenario;
        if s.flash_sale.is_empty() {
            return None;
        }
        Some(State {
            stock: s.flash_sale.iter().map(|f| f.stock).collect(),
            budgets: s
                .flash_sale
                .iter()
                .map(|f| Budget::new(f.budget_cents))
                .collect(),
            current: None,
        })
    }

    fn check(s: &Scenario, p: &mut Problems) {
        for (k, f) in s.flash_sale.iter().enumerate() {
            let key = |x: &str| format!("flash_sale[{k}].{x}");
            if f.name.is_empty() || s.flash_sale[..k].iter().any(|o| o.name == f.name) {
                p.add(
                    &key("name"),
                    format!("`{}` must be non-empty and unique", f.name),
                );
            }
            if f.day < 1 {
                p.add(&key("day"), "must be ≥ 1 (day 0 is the seeding day)".into());
            }
            p.pct(&key("discount_pct"), f.discount_pct);
            p.range_u(&key("stock"), f.stock.into(), 1, 100_000_000);
            p.prob(&key("p_read"), f.p_read);
            if let Some(b) = f.budget_cents {
                p.cents(&key("budget_cents"), b);
            }
            let tiers = super::tier_count(s);
            if f.early_access_tier as usize > tiers {
                p.add(
                    &key("early_access_tier"),
                    format!(
                        "{} needs at least that many tiers ([[contribution.tiers]] or \
                         [[points.tiers]]); there are {tiers}; allowed: 0 (none) to {tiers}",
                        f.early_access_tier
                    ),
                );
            }
            if f.audience == FlashAudience::Groups && s.groups.is_none() {
                p.add(
                    &key("audience"),
                    "\"groups\" needs a [groups] table; allowed without one: \"customers\", \"all\""
                        .into(),
                );
            }
        }
    }

    fn lint(s: &Scenario, w: &mut Problems) {
        if s.flash_sale.is_empty() {
            return;
        }
        w.silent_channel(
            "behaviour.p_buy.flash",
            s.behaviour.p_buy.flash,
            "flash sales never make anybody buy",
        );
        for (k, f) in s.flash_sale.iter().enumerate() {
            w.percent_like_fraction(&format!("flash_sale[{k}].discount_pct"), f.discount_pct);
            let each = percent_of(s.product.list_price_cents, f.discount_pct).max(1);
            w.budget_below(
                &format!("flash_sale[{k}].budget_cents"),
                f.budget_cents,
                each,
                "unit",
            );
        }
    }

    fn budget_cents(s: &Scenario) -> Option<i64> {
        if s.flash_sale.is_empty() {
            return None;
        }
        s.flash_sale
            .iter()
            .map(|f| f.budget_cents)
            .sum::<Option<i64>>()
    }

    fn budget_out(&self) -> bool {
        self.budgets.iter().all(Budget::exhausted)
    }

    /// The flash price is offered on the `flash` channel only.
    fn discount_bound(s: &Scenario, channel: Channel) -> Option<i64> {
        if channel != Channel::Flash {
            return None;
        }
        let list = s.product.list_price_cents;
        s.flash_sale
            .iter()
            .map(|f| percent_of(list, f.discount_pct))
            .filter(|&d| d > 0)
            .max()
    }

    fn calendar(r: &mut Replicate<'_>) {
        Self::act(r);
    }

    /// The flash price, on `flash` exposures of the sale being sold.
    fn discount(&self, r: &Replicate<'_>, q: &OfferQuery, offer: &mut Offer) {
        if q.channel != Channel::Flash {
            return;
        }
        if let Some(k) = self.current
            && !self.budgets[k].exhausted()
        {
            let pct = r.world.scenario.flash_sale[k].discount_pct;
            offer.give(Scheme::FlashSale, percent_of(r.world.list_price(), pct));
        }
    }

    fn book(r: &mut Replicate<'_>, _member: u32, offer: &Offer) -> i64 {
        let cents = offer.by_scheme[Scheme::FlashSale as usize];
        let st = r.state_mut::<Self>();
        let Some(k) = st.current else {
            return 0;
        };
        if cents == 0 || !st.budgets[k].spend(cents) {
            return 0;
        }
        r.world
            .row_mut()
            .ledger
            .book_discount(Scheme::FlashSale, cents);
        cents
    }

    /// Every order of the sale takes a unit.
    fn on_order(r: &mut Replicate<'_>, order: &Order) {
        if order.channel != Channel::Flash {
            return;
        }
        let st = r.state_mut::<Self>();
        if let Some(k) = st.current {
            st.stock[k] -= 1;
            r.world.row_mut().flash_sold += 1;
        }
    }
}
