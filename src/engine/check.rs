//! Checks of the two fast paths against the general rules, for tests: the quick purchase
//! rejection is right only if no offer's price term exceeds `price_bound`, and the skip-ahead
//! share path is right only if a friend's share converts every non-customer with the same
//! probability. Both are derived from the mechanisms' declarations (`discount_bound`,
//! `receiver_dependent`); a declaration that misses what a mechanism does would make
//! conversions silently low or wrong, and these checks find it on any state of a replicate.

use super::{Replicate, SkipAhead};
use crate::model::{Channel, Stage};

impl Replicate<'_> {
    /// Every way today's state breaks a fast path's assumption, as messages (empty = none).
    /// Looks at every member, so it is for tests (an [`super::Observer`] calls it each day).
    pub fn fast_path_violations(&self) -> Vec<String> {
        let mut out = Vec::new();
        let w = &self.world;
        // The skip-ahead path bounds a share's jumps by the offer to one prospect: every
        // prospect must get that offer.
        let prospect = (0..w.member_count()).find(|&f| !w.is_customer(f) && !w.is_pending(f));
        let prospect_discount =
            prospect.map_or(0, |f| self.offer(f, Channel::Friend, true, false).total());
        for m in 0..w.member_count() {
            let stage = w.stage(m);
            if stage == Stage::Churned {
                continue;
            }
            for &channel in Channel::EXPOSURE {
                for (invited, team) in [(false, false), (true, false), (false, true), (true, true)]
                {
                    let offer = self.offer(m, channel, invited, team);
                    let factor = w.price_factor(m, offer.total());
                    let bound = self.price_bound[channel as usize];
                    if factor > bound * (1.0 + 1e-12) {
                        out.push(format!(
                            "day {}: member {m} on {} gets {} cents off, price term {factor} > \
                             price_bound {}",
                            w.day,
                            channel.name(),
                            offer.total(),
                            bound
                        ));
                    }
                }
            }
            let Some(SkipAhead { p, .. }) = self.skip_ahead else {
                continue;
            };
            if w.is_customer(m) || w.is_pending(m) {
                continue;
            }
            let offer = self.offer(m, Channel::Friend, true, false);
            let tie = w.scenario.behaviour.tie_weak;
            let general = self
                .conversion(m, Channel::Friend, tie, offer.total(), w.fatigue_of(m))
                .min(1.0);
            let skip = (p * w.price_factor(m, prospect_discount)).min(1.0);
            if (general - skip).abs() > 1e-12 {
                out.push(format!(
                    "day {}: member {m} converts from a friend's share with {general} by the \
                     rules but {skip} on the skip-ahead path",
                    w.day
                ));
            }
        }
        out
    }
}
