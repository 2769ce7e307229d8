//! Red packets (红包): a packet of `total` cents split among `n` claimers by the "double mean"
//! rule of WeChat lucky money: each claimer in turn gets a uniform amount in
//! `[1, 2 · remaining / claimers left)`, the last gets what remains, so the amounts always sum to
//! the total and every claimer gets at least one cent.

/// Splits `total` cents among `n ≥ 1` claimers (`total ≥ n`); `unit(i)` is a uniform draw in
/// `[0, 1)` for claimer `i`.
pub fn split(total: i64, n: u32, mut unit: impl FnMut(u32) -> f64) -> Vec<i64> {
    let mut amounts = Vec::with_capacity(n as usize);
    let mut remaining = total;
    for i in 0..n {
        let left = i64::from(n - i);
        let amount = if left == 1 {
            remaining
        } else {
            // Keep a cent for each later claimer.
            let max = (2 * remaining / left).clamp(1, remaining - (left - 1));
            1 + ((unit(i) * max as f64) as i64).min(max - 1)
        };
        amounts.push(amount);
        remaining -= amount;
    }
    amounts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Draws, Stream};

    #[test]
    fn amounts_sum_to_the_total_and_everybody_gets_a_cent() {
        let key = Draws::new(1, 0).day(Stream::RedPacketSplit, 0);
        for (total, n) in [(1000, 5), (7, 7), (100_000, 20), (5, 1), (10, 3)] {
            for packet in 0..200 {
                let a = split(total, n, |i| key.unit(packet, i));
                assert_eq!(a.len(), n as usize);
                assert_eq!(a.iter().sum::<i64>(), total, "{total} among {n}");
                assert!(a.iter().all(|&x| x >= 1), "{a:?}");
            }
        }
    }

    #[test]
    fn each_claimer_gets_the_mean_on_average() {
        let key = Draws::new(2, 0).day(Stream::RedPacketSplit, 0);
        let (total, n, packets) = (10_000, 4, 20_000u32);
        let mut sums = [0f64; 4];
        for p in 0..packets {
            for (s, a) in sums.iter_mut().zip(split(total, n, |i| key.unit(p, i))) {
                *s += a as f64;
            }
        }
        for s in sums {
            // Every position has mean total/n = 2500; sd of one amount ≤ 2500, so 4 se ≈ 71.
            assert!((s / f64::from(packets) - 2500.0).abs() < 75.0, "{}", s);
        }
    }
}
