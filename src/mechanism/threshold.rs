//! Complex contagion (Watts 2002): the fractional-threshold adoption rule. Every member draws a
//! threshold φ once per replicate; a member with `k` friends is *tipped* on the day the number
//! of friends who are customers reaches `max(1, ⌈φ·k⌉)` (the share of customer friends is at
//! least φ), and buys the next day with `p_adopt` — on the friend channel, referred by the
//! friend whose first order tipped them, at the offer an invited friend gets. One day per
//! step of the cascade, as in Watts' synchronous update. It runs beside the independent-cascade
//! rule (shares) and the herd term; with `p_buy.friend = 0` and no other channel it is the
//! threshold model alone.

use serde::{Deserialize, Serialize};

use super::{Init, Mechanism};
use crate::engine::{Order, Replicate};
use crate::model::Channel;
use crate::rng::Stream;
use crate::scenario::schema::defaults;
use crate::scenario::validate::Problems;
use crate::scenario::{Dist, Domain, Scenario};

/// `[threshold]`: the fractional-threshold adoption rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    /// Each member's threshold: the share of friends who must be customers before they adopt
    /// (a number, or a distribution on [0, 1]).
    pub phi: Dist,
    /// Probability that a tipped member buys (drawn once, when tipped).
    #[serde(default = "defaults::one")]
    pub p_adopt: f64,
}

/// Thresholds, customer-friend counts and who adopts tomorrow.
pub struct State {
    /// Each member's threshold φ.
    phi: Vec<f64>,
    /// Friends of each member who are customers.
    customer_friends: Vec<u32>,
    /// Members tipped today, with the friend whose first order tipped them.
    tipped: Vec<(u32, u32)>,
    /// Members tipped yesterday: they adopt today.
    due: Vec<(u32, u32)>,
}

/// Is a member with `customers` customer friends out of `degree` tipped at threshold `phi`
/// (at least one customer friend, and a share of at least φ)?
pub fn tipped(customers: u32, degree: usize, phi: f64) -> bool {
    customers >= 1 && f64::from(customers) >= phi * degree as f64 * (1.0 - 1e-12)
}

impl Mechanism for State {
    fn build(init: &Init<'_>) -> Option<Self> {
        let t = init.scenario.threshold.as_ref()?;
        let key = init.draws.day(Stream::Threshold, 0);
        let phi = (0..init.members)
            .map(|m| t.phi.sample(key.bits(m, 0), Domain::Probability))
            .collect();
        Some(State {
            phi,
            customer_friends: vec![0; init.members as usize],
            tipped: Vec::new(),
            due: Vec::new(),
        })
    }

    fn check(s: &Scenario, p: &mut Problems) {
        let Some(t) = &s.threshold else {
            return;
        };
        p.dist("threshold.phi", Some(&t.phi), Domain::Probability);
        p.prob("threshold.p_adopt", t.p_adopt);
    }

    fn start_day(&mut self) {
        std::mem::swap(&mut self.due, &mut self.tipped);
        self.tipped.clear();
    }

    fn member_actions(r: &mut Replicate<'_>) {
        let mut due = std::mem::take(&mut r.state_mut::<Self>().due);
        due.sort_unstable();
        let p_adopt = r
            .world
            .scenario
            .threshold
            .as_ref()
            .map_or(1.0, |t| t.p_adopt);
        let adopt = r.world.draws.day(Stream::ThresholdAdopt, 0);
        for &(m, tipper) in &due {
            if r.world.is_customer(m) || r.world.is_pending(m) {
                continue;
            }
            if p_adopt < 1.0 && !adopt.chance(p_adopt, m, 0) {
                continue;
            }
            r.world.row_mut().threshold_adoptions += 1;
            let offer = r.offer(m, Channel::Friend, true, false);
            r.purchase(m, Channel::Friend, tipper, offer);
        }
        due.clear();
        r.state_mut::<Self>().due = due;
    }

    fn on_order(r: &mut Replicate<'_>, order: &Order) {
        if !order.first {
            return;
        }
        let graph = r.world.graph;
        let state = r.state_mut::<Self>();
        for &f in graph.neighbours(order.buyer) {
            let count = &mut state.customer_friends[f as usize];
            *count += 1;
            let k = graph.neighbours(f).len();
            // Tipped on the day the count first reaches the threshold (once: it only grows).
            if tipped(*count, k, state.phi[f as usize])
                && !tipped(*count - 1, k, state.phi[f as usize])
            {
                state.tipped.push((f, order.buyer));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::tipped;

    #[test]
    fn tipped_at_the_share_of_customer_friends() {
        // φ = 0.18: one customer friend tips degree ≤ 5, two tip degree 6..=11.
        assert!(tipped(1, 5, 0.18));
        assert!(!tipped(1, 6, 0.18));
        assert!(tipped(2, 11, 0.18));
        assert!(!tipped(2, 12, 0.18));
        // Exactly at the threshold counts (0.2 · 5 = 1).
        assert!(tipped(1, 5, 0.2));
        // φ = 0 still needs one customer friend.
        assert!(!tipped(0, 3, 0.0));
        assert!(tipped(1, 3, 0.0));
    }
}
