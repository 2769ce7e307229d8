//! KOL and KOC campaigns (KOL/KOC 合作): on each post day every hired member posts to their
//! friends and to `extra_followers` weak followers drawn once per replicate (`kol` channel
//! exposures, with the campaign's credibility as tie multiplier), for a fee per post. KOLs are
//! chosen once per graph by the community layer (`selection`); KOCs are the ordinary members
//! with the highest activity in each replicate, who first get the product free (an order at a
//! 100% discount on the campaign's first post day, booked on the `koc` cost line).

use serde::{Deserialize, Serialize};

use super::{Init, Mechanism};
use crate::engine::{Offer, Replicate};
use crate::model::ledger::Scheme;
use crate::model::member::NONE;
use crate::model::{Channel, Population};
use crate::rng::{Draws, Stream};
use crate::scenario::Scenario;
use crate::scenario::schema::defaults;
use crate::scenario::validate::Problems;

/// How a campaign picks its KOLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KolSelection {
    /// Uniformly at random.
    Random,
    /// Highest degree.
    #[default]
    Degree,
    /// Highest k-core number (ties by degree).
    KCore,
    /// Highest PageRank.
    Pagerank,
    /// The best-connected member of each of the largest communities in turn.
    CommunitySpread,
}

/// One `[[kol_campaign]]` (KOL/KOC 合作): members chosen by `selection` post on `post_days` to
/// their friends and `extra_followers` weak followers (`kol` channel exposures). With `koc = true`
/// the chosen members are ordinary members with the highest activity who first get the product free.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KolCampaign {
    /// Campaign name, used in outputs.
    pub name: String,
    /// Members hired or seeded.
    pub count: u32,
    /// How KOLs are chosen (ignored for KOCs).
    #[serde(default)]
    pub selection: KolSelection,
    /// Fee per post per member.
    #[serde(default)]
    pub fee_cents: i64,
    /// Days they post.
    pub post_days: Vec<u32>,
    /// Multiplier on `p_buy.kol`.
    #[serde(default = "defaults::one")]
    pub credibility: f64,
    /// Followers beyond their friends, drawn at random once per replicate.
    #[serde(default)]
    pub extra_followers: u32,
    /// KOC seeding: ordinary members chosen by activity, given the product free on the first post day.
    #[serde(default)]
    pub koc: bool,
}

/// The `count` members with the highest activity (ties in a keyed random order): the KOCs of
/// campaign `campaign` in this replicate.
pub fn pick_kocs(
    population: &Population,
    n: u32,
    count: u32,
    draws: &Draws,
    campaign: u32,
) -> Vec<u32> {
    let key = draws.day(Stream::KocPick { campaign }, 0);
    let mut ids: Vec<u32> = (0..n).collect();
    let order = |&u: &u32| {
        (
            std::cmp::Reverse(population.activity.of(u).to_bits()),
            key.bits(u, 0),
        )
    };
    let count = (count.min(n)) as usize;
    if count == 0 {
        return Vec::new();
    }
    if count < ids.len() {
        ids.select_nth_unstable_by_key(count - 1, order);
        ids.truncate(count);
    }
    ids.sort_unstable_by_key(order);
    ids
}

/// The campaigns in one replicate: each KOC campaign's picks (empty for KOL campaigns, whose
/// picks live in the shared community layer).
pub struct State {
    kocs: Vec<Vec<u32>>,
}

impl State {
    /// The members of campaign `campaign` (its KOLs, or this replicate's KOCs): who hosts a
    /// live stream the campaign hosts.
    pub(crate) fn hosts(r: &Replicate<'_>, campaign: usize) -> Vec<u32> {
        if r.world.scenario.kol_campaign[campaign].koc {
            r.state::<Self>().kocs[campaign].clone()
        } else {
            r.world.community.kols[campaign].clone()
        }
    }

    /// Calendar: KOC seeding on a campaign's first post day, then every campaign's posts today.
    fn post(r: &mut Replicate<'_>) {
        let s = r.world.scenario;
        let day = r.world.day;
        let n = r.world.member_count();
        for (i, camp) in s.kol_campaign.iter().enumerate() {
            if !camp.post_days.contains(&day) {
                continue;
            }
            // KOL picks live in the shared community layer; KOC picks (per replicate) are copied
            // because posting mutates the replicate.
            let community = r.world.community;
            let kocs;
            let posters: &[u32] = if camp.koc {
                kocs = r.state::<Self>().kocs[i].clone();
                &kocs
            } else {
                &community.kols[i]
            };
            if camp.koc && camp.post_days.iter().min() == Some(&day) {
                // Free product: an order at a 100% discount, acquired on the kol channel.
                for &m in posters {
                    if !r.world.is_customer(m) && !r.world.is_pending(m) {
                        let mut offer = Offer::default();
                        offer.by_scheme[Scheme::Koc as usize] = s.product.list_price_cents;
                        r.purchase(m, Channel::Kol, NONE, offer);
                    }
                }
            }
            let campaign = i as u32;
            let buy = r.world.draws.day(Stream::KolPostPurchase { campaign }, day);
            let followers = r.world.draws.day(Stream::KolFollowers { campaign }, 0);
            for &kol in posters {
                r.world.row.ledger.book_kol(camp.fee_cents);
                let graph = r.world.graph;
                for &f in graph.neighbours(kol) {
                    r.expose(f, Channel::Kol, kol, camp.credibility, buy, kol);
                }
                let extra = r
                    .world
                    .draws
                    .day(Stream::KolFollowerPurchase { campaign, kol }, day);
                for j in 0..camp.extra_followers {
                    let f = followers.index(n, kol, j);
                    if f != kol {
                        r.expose(f, Channel::Kol, kol, camp.credibility, extra, j);
                    }
                }
            }
        }
    }
}

impl Mechanism for State {
    fn build(init: &Init<'_>) -> Option<Self> {
        let s = init.scenario;
        if s.kol_campaign.is_empty() {
            return None;
        }
        let kocs = s
            .kol_campaign
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if c.koc {
                    pick_kocs(init.population, init.members, c.count, init.draws, i as u32)
                } else {
                    Vec::new()
                }
            })
            .collect();
        Some(State { kocs })
    }

    fn check(s: &Scenario, p: &mut Problems) {
        for (i, k) in s.kol_campaign.iter().enumerate() {
            let key = format!("kol_campaign[{i}]");
            if k.name.is_empty() || s.kol_campaign[..i].iter().any(|o| o.name == k.name) {
                p.add(
                    &format!("{key}.name"),
                    format!("`{}` must be non-empty and unique", k.name),
                );
            }
            p.range_u(&format!("{key}.count"), k.count.into(), 1, 1_000_000);
            p.cents(&format!("{key}.fee_cents"), k.fee_cents);
            p.non_negative(&format!("{key}.credibility"), k.credibility);
            p.range_u(
                &format!("{key}.extra_followers"),
                k.extra_followers.into(),
                0,
                100_000_000,
            );
            if k.post_days.is_empty() {
                p.add(
                    &format!("{key}.post_days"),
                    "needs at least one day, e.g. [3, 10]".into(),
                );
            }
            for &d in &k.post_days {
                if d < 1 || d > s.days {
                    p.add(
                        &format!("{key}.post_days"),
                        format!("day {d} is out of range; allowed: 1..={}", s.days),
                    );
                }
            }
        }
    }

    fn lint(s: &Scenario, w: &mut Problems) {
        if !s.kol_campaign.is_empty() {
            w.silent_channel(
                "behaviour.p_buy.kol",
                s.behaviour.p_buy.kol,
                "KOL and KOC posts never make anybody buy",
            );
        }
    }

    fn calendar(r: &mut Replicate<'_>) {
        Self::post(r);
    }

    /// The KOCs' free product.
    fn book(r: &mut Replicate<'_>, _member: u32, offer: &Offer) -> i64 {
        let cents = offer.by_scheme[Scheme::Koc as usize];
        if cents != 0 {
            r.world.row.ledger.book_discount(Scheme::Koc, cents);
        }
        cents
    }
}
