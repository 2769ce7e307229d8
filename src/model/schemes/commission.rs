//! Multi-level commission (分销): an order paid `paid_cents` pays `level_rates_pct[l]` percent
//! (rounded down to whole cents) to the `l + 1`-th member up the buyer's referrer chain, as far as
//! the chain and the rates go.

/// The payouts of one order: `(member, cents)` for each level up the chain; `referrer_of` gives a
/// member's referrer (or `None` at the top of the chain).
pub fn payouts(
    buyer: u32,
    paid_cents: i64,
    rates_pct: &[f64],
    mut referrer_of: impl FnMut(u32) -> Option<u32>,
) -> Vec<(u32, i64)> {
    let mut out = Vec::with_capacity(rates_pct.len());
    let mut current = buyer;
    for &rate in rates_pct {
        let Some(up) = referrer_of(current) else {
            break;
        };
        out.push((up, (paid_cents as f64 * rate / 100.0).floor() as i64));
        current = up;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pays_exactly_the_level_rates_up_the_chain() {
        // 4 → 3 → 2 → 1 (1 has no referrer).
        let referrer = |m: u32| (m > 1).then(|| m - 1);
        assert_eq!(
            payouts(4, 10_000, &[10.0, 5.0], referrer),
            vec![(3, 1_000), (2, 500)]
        );
        assert_eq!(
            payouts(4, 999, &[10.0, 5.0, 2.5, 1.0], referrer),
            vec![(3, 99), (2, 49), (1, 24)],
            "the chain ends at member 1"
        );
        assert!(payouts(1, 10_000, &[10.0], referrer).is_empty());
    }
}
