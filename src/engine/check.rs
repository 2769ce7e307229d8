//! Checks of the two fast paths against the general rules, for tests: the quick purchase
//! rejection is right only if no offer's price term exceeds `price_bound`, and the skip-ahead
//! share path is right only if a friend's share converts every non-customer with the same
//! probability. A scheme added without updating either would make conversions silently low or
//! wrong; these checks find it on any state of a replicate.

use super::{Replicate, SkipAhead};
use crate::model::{Channel, Stage};

impl Replicate<'_> {
    /// Every way today's state breaks a fast path's assumption, as messages (empty = none).
    /// Looks at every member, so it is for tests (an [`super::Observer`] calls it each day).
    pub fn fast_path_violations(&self) -> Vec<String> {
        let mut out = Vec::new();
        let bound = self.schemes.price_bound * (1.0 + 1e-12);
        for m in 0..self.graph.node_count() {
            let stage = self.stage(m);
            if stage == Stage::Churned {
                continue;
            }
            for &channel in Channel::EXPOSURE {
                for (invited, team) in [(false, false), (true, false), (false, true), (true, true)]
                {
                    let offer = self.offer(m, channel, invited, team);
                    let factor = self.price_factor(m, offer.total());
                    if factor > bound {
                        out.push(format!(
                            "day {}: member {m} on {} gets {} cents off, price term {factor} > \
                             price_bound {}",
                            self.day,
                            channel.name(),
                            offer.total(),
                            self.schemes.price_bound
                        ));
                    }
                }
            }
            let Some(SkipAhead { p, .. }) = self.skip_ahead else {
                continue;
            };
            if self.flags.is_customer(m) || self.in_team(m) {
                continue;
            }
            let offer = self.offer(m, Channel::Friend, true, false);
            let tie = self.scenario.behaviour.tie_weak;
            let general = self
                .conversion(m, Channel::Friend, tie, offer.total(), self.fatigue_of(m))
                .min(1.0);
            let skip = (p * self.price_factor(m, self.invite_discount())).min(1.0);
            if (general - skip).abs() > 1e-12 {
                out.push(format!(
                    "day {}: member {m} converts from a friend's share with {general} by the \
                     rules but {skip} on the skip-ahead path",
                    self.day
                ));
            }
        }
        out
    }
}
