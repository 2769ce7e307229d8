//! Calendar campaigns: KOL and KOC posts (`kol` channel) and the brand's posts in community groups
//! (`group` for promotional posts, `operator` for brand content), each read post a marketing
//! message that adds fatigue.

use super::Replicate;
use crate::model::member::NONE;
use crate::model::schemes::Scheme;
use crate::model::{Channel, Population};
use crate::rng::{Draws, Stream};

/// The `count` members with the highest activity (ties in a keyed random order): the KOCs of
/// campaign `campaign` in this replicate.
pub(super) fn pick_kocs(
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

impl Replicate<'_> {
    /// Calendar: KOC seeding on a campaign's first post day, then every campaign's posts today.
    pub(super) fn run_kol_campaigns(&mut self) {
        let s = self.scenario;
        let day = self.day;
        let n = self.graph.node_count();
        for (i, camp) in s.kol_campaign.iter().enumerate() {
            if !camp.post_days.contains(&day) {
                continue;
            }
            // KOL picks live in the shared community layer; KOC picks (per replicate) are copied
            // because posting mutates the replicate.
            let community = self.community;
            let kocs;
            let posters: &[u32] = if camp.koc {
                kocs = self.schemes.kocs[i].clone();
                &kocs
            } else {
                &community.kols[i]
            };
            if camp.koc && camp.post_days.iter().min() == Some(&day) {
                // Free product: an order at a 100% discount, acquired on the kol channel.
                for &m in posters {
                    if !self.flags.is_customer(m) && !self.in_team(m) {
                        let mut offer = super::offer::Offer::default();
                        offer.by_scheme[Scheme::Koc as usize] = s.product.list_price_cents;
                        self.purchase(m, Channel::Kol, NONE, offer);
                    }
                }
            }
            let campaign = i as u32;
            let buy = self.draws.day(Stream::KolPostPurchase { campaign }, day);
            let followers = self.draws.day(Stream::KolFollowers { campaign }, 0);
            for &kol in posters {
                self.row.ledger.book_kol(camp.fee_cents);
                let graph = self.graph;
                for &f in graph.neighbours(kol) {
                    self.expose(f, Channel::Kol, kol, camp.credibility, buy, kol);
                }
                let extra = self
                    .draws
                    .day(Stream::KolFollowerPurchase { campaign, kol }, day);
                for j in 0..camp.extra_followers {
                    let f = followers.index(n, kol, j);
                    if f != kol {
                        self.expose(f, Channel::Kol, kol, camp.credibility, extra, j);
                    }
                }
            }
        }
    }

    /// Calendar: the brand's posts in every group today; each member reads each post with
    /// `p_read` (geometric skips, so work ∝ reads).
    pub(super) fn run_group_posts(&mut self) {
        let s = self.scenario;
        let Some(policy) = &s.posting_policy else {
            return;
        };
        let day = self.day;
        if day < policy.start_day || policy.end_day.is_some_and(|end| day > end) {
            return;
        }
        // Posts spread evenly: floor(t·r) − floor((t−1)·r) posts on the t-th posting day.
        let t = f64::from(day - policy.start_day + 1);
        let posts_before = ((t - 1.0) * policy.posts_per_day).floor() as u64;
        let posts_today = (t * policy.posts_per_day).floor() as u64 - posts_before;
        let ln_miss = (-policy.p_read).ln_1p();
        let community = self.community;
        for k in 0..posts_today {
            // The j-th post overall is promotional when it crosses a multiple of 1/promo_share.
            let j = (posts_before + k) as f64;
            let promo = ((j + 1.0) * policy.promo_share).floor() > (j * policy.promo_share).floor();
            let channel = if promo {
                Channel::Group
            } else {
                Channel::Operator
            };
            let post = k as u32;
            let read = self.draws.day(Stream::GroupRead { post }, day);
            let buy = self.draws.day(Stream::GroupPostPurchase { post }, day);
            for g in 0..community.group_count() {
                let members = community.members(g);
                let mut draw = 0u32;
                let mut slot = read.geometric_ln(policy.p_read, ln_miss, g, draw) as usize;
                while slot < members.len() {
                    let m = members[slot];
                    self.expose(m, channel, NONE, 1.0, buy, g);
                    draw += 1;
                    slot = slot.saturating_add(
                        1 + read.geometric_ln(policy.p_read, ln_miss, g, draw) as usize,
                    );
                }
            }
        }
    }
}
