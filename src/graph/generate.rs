//! Random graph generators. Each takes a portable seeded generator and returns raw undirected
//! edges; [`super::SocialGraph::from_edges`] turns them into CSR.

use rand::{Rng, RngExt};

use crate::error::{Error, Result};
use crate::scenario::GraphSpec;

/// What a generator produces before it becomes CSR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// Node count.
    pub n: u32,
    /// Raw undirected edges (may contain duplicates and self-loops).
    pub edges: Vec<(u32, u32)>,
    /// Planted block of each node, if the generator plants communities.
    pub blocks: Option<Vec<u32>>,
}

/// Runs the generator the spec names.
///
/// # Errors
/// [`Error::Input`] if no generator is named (validation prevents this).
pub fn edges<R: Rng>(spec: &GraphSpec, rng: &mut R) -> Result<Generated> {
    let plain = |n, edges| {
        Ok(Generated {
            n,
            edges,
            blocks: None,
        })
    };
    if let Some(g) = &spec.erdos_renyi {
        let p = if g.n > 1 {
            g.mean_degree / f64::from(g.n - 1)
        } else {
            0.0
        };
        return plain(g.n, erdos_renyi(g.n, p, rng));
    }
    if let Some(g) = &spec.barabasi_albert {
        return plain(g.n, barabasi_albert(g.n, g.m, rng));
    }
    if let Some(g) = &spec.watts_strogatz {
        return plain(g.n, watts_strogatz(g.n, g.k, g.p, rng));
    }
    if let Some(g) = &spec.holme_kim {
        return plain(g.n, holme_kim(g.n, g.m, g.p_triad, rng));
    }
    if let Some(g) = &spec.stochastic_block {
        let (edges, blocks) = stochastic_block(&g.sizes, g.p_in, g.p_out, rng);
        return Ok(Generated {
            n: blocks.len() as u32,
            edges,
            blocks: Some(blocks),
        });
    }
    if let Some(g) = &spec.configuration {
        let max = g
            .max_degree
            .unwrap_or_else(|| (f64::from(g.n).sqrt() as u32).max(g.min_degree));
        return plain(g.n, configuration(g.n, g.gamma, g.min_degree, max, rng));
    }
    Err(Error::Input("the scenario names no graph generator".into()))
}

/// Skips through `total` candidate slots, calling `hit` for each slot kept with probability `p`
/// (geometric jumps: work proportional to the hits, Batagelj–Brandes).
fn bernoulli_slots<R: Rng>(total: u64, p: f64, rng: &mut R, mut hit: impl FnMut(u64)) {
    if p <= 0.0 || total == 0 {
        return;
    }
    if p >= 1.0 {
        (0..total).for_each(hit);
        return;
    }
    let log_q = (-p).ln_1p();
    let mut slot: u64 = 0;
    loop {
        let u: f64 = rng.random();
        let skip = ((1.0 - u).ln() / log_q).floor();
        if skip >= (total - slot) as f64 {
            return;
        }
        slot += skip as u64;
        hit(slot);
        slot += 1;
        if slot >= total {
            return;
        }
    }
}

/// The `k`-th pair `(v, w)`, `w < v`, of the lower triangle enumerated row by row.
fn triangle_pair(k: u64) -> (u64, u64) {
    let mut v = ((1.0 + (1.0 + 8.0 * k as f64).sqrt()) / 2.0).floor() as u64;
    // Fix floating-point rounding at row boundaries.
    while v * (v - 1) / 2 > k {
        v -= 1;
    }
    while (v + 1) * v / 2 <= k {
        v += 1;
    }
    (v, k - v * (v - 1) / 2)
}

/// G(n, p): every pair independently with probability `p`.
pub fn erdos_renyi<R: Rng>(n: u32, p: f64, rng: &mut R) -> Vec<(u32, u32)> {
    let pairs = u64::from(n) * u64::from(n.saturating_sub(1)) / 2;
    let mut edges = Vec::with_capacity((pairs as f64 * p * 1.05) as usize + 16);
    bernoulli_slots(pairs, p, rng, |k| {
        let (v, w) = triangle_pair(k);
        edges.push((w as u32, v as u32));
    });
    edges
}

/// Picks `m` distinct entries of `pool` uniformly (with rejection of repeats).
fn distinct_targets<R: Rng>(pool: &[u32], m: usize, rng: &mut R, out: &mut Vec<u32>) {
    out.clear();
    while out.len() < m {
        let t = pool[rng.random_range(0..pool.len())];
        if !out.contains(&t) {
            out.push(t);
        }
    }
}

/// Barabási–Albert preferential attachment, networkx convention: a star on `m + 1` nodes, then
/// each new node attaches to `m` distinct nodes chosen proportionally to degree; `m · (n − m)` edges.
pub fn barabasi_albert<R: Rng>(n: u32, m: u32, rng: &mut R) -> Vec<(u32, u32)> {
    let mut edges = Vec::with_capacity((u64::from(m) * u64::from(n)) as usize);
    let mut pool: Vec<u32> = Vec::with_capacity(2 * (m as usize) * (n as usize));
    for leaf in 1..=m.min(n - 1) {
        edges.push((0, leaf));
        pool.push(0);
        pool.push(leaf);
    }
    let mut targets = Vec::with_capacity(m as usize);
    for source in (m + 1)..n {
        distinct_targets(&pool, m as usize, rng, &mut targets);
        for &t in &targets {
            edges.push((t, source));
            pool.push(t);
            pool.push(source);
        }
    }
    edges
}

/// Watts–Strogatz: ring lattice with `k / 2` neighbours each side, each lattice edge rewired with
/// probability `p` to a uniformly chosen new endpoint (no self-loops or duplicates), networkx order.
pub fn watts_strogatz<R: Rng>(n: u32, k: u32, p: f64, rng: &mut R) -> Vec<(u32, u32)> {
    let mut adj: Vec<Vec<u32>> = vec![Vec::with_capacity(k as usize); n as usize];
    for u in 0..n {
        for j in 1..=k / 2 {
            let v = (u + j) % n;
            adj[u as usize].push(v);
            adj[v as usize].push(u);
        }
    }
    for j in 1..=k / 2 {
        for u in 0..n {
            let v = (u + j) % n;
            if !rng.random_bool(p)
                || adj[u as usize].len() as u32 >= n - 1
                || !adj[u as usize].contains(&v)
            {
                continue;
            }
            let mut w = rng.random_range(0..n);
            while w == u || adj[u as usize].contains(&w) {
                w = rng.random_range(0..n);
            }
            adj[u as usize].retain(|&x| x != v);
            adj[v as usize].retain(|&x| x != u);
            adj[u as usize].push(w);
            adj[w as usize].push(u);
        }
    }
    let mut edges = Vec::with_capacity((n as usize) * (k as usize) / 2);
    for (u, list) in adj.iter().enumerate() {
        edges.extend(
            list.iter()
                .filter(|&&v| (u as u32) < v)
                .map(|&v| (u as u32, v)),
        );
    }
    edges
}

/// Holme–Kim clustered scale-free graph (networkx `powerlaw_cluster_graph`): preferential
/// attachment where, after each preferential edge, a triangle is closed with probability `p_triad`.
pub fn holme_kim<R: Rng>(n: u32, m: u32, p_triad: f64, rng: &mut R) -> Vec<(u32, u32)> {
    let mut adj: Vec<Vec<u32>> = vec![Vec::new(); n as usize];
    let mut pool: Vec<u32> = (0..m).collect();
    let mut edges = Vec::with_capacity((u64::from(m) * u64::from(n)) as usize);
    let mut candidates = Vec::with_capacity(m as usize);
    let mut neighbourhood = Vec::new();
    let add = |adj: &mut Vec<Vec<u32>>, edges: &mut Vec<(u32, u32)>, a: u32, b: u32| {
        adj[a as usize].push(b);
        adj[b as usize].push(a);
        edges.push((a, b));
    };
    for source in m..n {
        distinct_targets(&pool, m as usize, rng, &mut candidates);
        let Some(mut target) = candidates.pop() else {
            continue;
        };
        add(&mut adj, &mut edges, source, target);
        pool.push(target);
        let mut count = 1;
        while count < m {
            if rng.random_bool(p_triad) {
                neighbourhood.clear();
                neighbourhood.extend(
                    adj[target as usize]
                        .iter()
                        .copied()
                        .filter(|&x| x != source && !adj[source as usize].contains(&x)),
                );
                if !neighbourhood.is_empty() {
                    let nbr = neighbourhood[rng.random_range(0..neighbourhood.len())];
                    add(&mut adj, &mut edges, source, nbr);
                    pool.push(nbr);
                    count += 1;
                    continue;
                }
            }
            let Some(next) = candidates.pop() else { break };
            target = next;
            if !adj[source as usize].contains(&target) {
                add(&mut adj, &mut edges, source, target);
                pool.push(target);
            }
            count += 1;
        }
        pool.extend(std::iter::repeat_n(source, m as usize));
    }
    edges
}

/// Stochastic block model: blocks of the given sizes (consecutive ids), edge probability `p_in`
/// inside a block and `p_out` between blocks. Returns the edges and each node's block.
pub fn stochastic_block<R: Rng>(
    sizes: &[u32],
    p_in: f64,
    p_out: f64,
    rng: &mut R,
) -> (Vec<(u32, u32)>, Vec<u32>) {
    let mut starts = Vec::with_capacity(sizes.len());
    let mut blocks = Vec::new();
    for (b, &s) in sizes.iter().enumerate() {
        starts.push(blocks.len() as u32);
        blocks.extend(std::iter::repeat_n(b as u32, s as usize));
    }
    let mut edges = Vec::new();
    for (a, (&sa, &size_a)) in starts.iter().zip(sizes).enumerate() {
        let inside = u64::from(size_a) * u64::from(size_a.saturating_sub(1)) / 2;
        bernoulli_slots(inside, p_in, rng, |k| {
            let (v, w) = triangle_pair(k);
            edges.push((sa + w as u32, sa + v as u32));
        });
        for (&sb, &size_b) in starts.iter().zip(sizes).skip(a + 1) {
            bernoulli_slots(u64::from(size_a) * u64::from(size_b), p_out, rng, |k| {
                edges.push((
                    sa + (k / u64::from(size_b)) as u32,
                    sb + (k % u64::from(size_b)) as u32,
                ));
            });
        }
    }
    (edges, blocks)
}

/// Erased configuration model: degrees from a discrete power law `P(k) ∝ k^−γ` on
/// `[min_degree, max_degree]`, stubs matched uniformly; self-loops and multi-edges are dropped
/// by the CSR builder.
pub fn configuration<R: Rng>(
    n: u32,
    gamma: f64,
    min_degree: u32,
    max_degree: u32,
    rng: &mut R,
) -> Vec<(u32, u32)> {
    let mut cumulative = Vec::with_capacity((max_degree - min_degree + 1) as usize);
    let mut total = 0.0;
    for k in min_degree..=max_degree {
        total += f64::from(k).powf(-gamma);
        cumulative.push(total);
    }
    let mut stubs = Vec::new();
    for u in 0..n {
        let x = rng.random::<f64>() * total;
        let i = cumulative
            .partition_point(|&c| c <= x)
            .min(cumulative.len() - 1);
        stubs.extend(std::iter::repeat_n(u, (min_degree + i as u32) as usize));
    }
    if stubs.len() % 2 == 1 {
        stubs.pop();
    }
    // Fisher–Yates with the portable generator.
    for i in (1..stubs.len()).rev() {
        let j = rng.random_range(0..=i);
        stubs.swap(i, j);
    }
    stubs.chunks_exact(2).map(|c| (c[0], c[1])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::SocialGraph;
    use crate::rng::Xoshiro256PlusPlus;
    use rand::SeedableRng;

    fn rng() -> Xoshiro256PlusPlus {
        Xoshiro256PlusPlus::seed_from_u64(7)
    }

    fn graph(n: u32, edges: &[(u32, u32)]) -> SocialGraph {
        SocialGraph::from_edges(n, edges, None).unwrap()
    }

    #[test]
    fn triangle_pairs_enumerate_the_lower_triangle() {
        let mut k = 0;
        for v in 1..200u64 {
            for w in 0..v {
                assert_eq!(triangle_pair(k), (v, w));
                k += 1;
            }
        }
    }

    #[test]
    fn erdos_renyi_boundaries_and_mean() {
        assert!(erdos_renyi(50, 0.0, &mut rng()).is_empty());
        assert_eq!(
            graph(50, &erdos_renyi(50, 1.0, &mut rng())).edge_count(),
            50 * 49 / 2
        );
        let n = 2000u32;
        let p = 0.005;
        let m = graph(n, &erdos_renyi(n, p, &mut rng())).edge_count() as f64;
        let pairs = f64::from(n) * f64::from(n - 1) / 2.0;
        assert!(
            (m - pairs * p).abs() < 4.0 * (pairs * p * (1.0 - p)).sqrt(),
            "{m}"
        );
    }

    #[test]
    fn barabasi_albert_has_networkx_edge_count() {
        let g = graph(1000, &barabasi_albert(1000, 3, &mut rng()));
        assert_eq!(g.edge_count(), 3 * (1000 - 3));
        assert!((0..1000).all(|u| g.degree(u) >= 3 || u == 0));
        assert_eq!(g.dropped().duplicates, 0);
    }

    #[test]
    fn watts_strogatz_keeps_the_edge_count() {
        for p in [0.0, 0.3, 1.0] {
            let g = graph(200, &watts_strogatz(200, 6, p, &mut rng()));
            assert_eq!(g.edge_count(), 600, "p = {p}");
        }
        let lattice = graph(10, &watts_strogatz(10, 4, 0.0, &mut rng()));
        assert_eq!(lattice.neighbours(0), &[1, 2, 8, 9]);
    }

    #[test]
    fn holme_kim_is_simple_and_clustered() {
        let edges = holme_kim(2000, 3, 0.8, &mut rng());
        let g = graph(2000, &edges);
        assert_eq!(g.dropped(), crate::graph::Dropped::default());
        assert!(g.edge_count() <= 3 * (2000 - 3));
        let ba = graph(2000, &barabasi_albert(2000, 3, &mut rng()));
        let c_hk = crate::graph::stats::average_clustering(&g);
        let c_ba = crate::graph::stats::average_clustering(&ba);
        assert!(c_hk > 2.0 * c_ba, "{c_hk} vs {c_ba}");
    }

    #[test]
    fn stochastic_block_plants_communities() {
        let (edges, blocks) = stochastic_block(&[100, 100, 50], 0.2, 0.01, &mut rng());
        assert_eq!(blocks.len(), 250);
        let inside = edges
            .iter()
            .filter(|(u, v)| blocks[*u as usize] == blocks[*v as usize])
            .count() as f64;
        let expect_in = 0.2 * f64::from(100 * 99 / 2 + 100 * 99 / 2 + 50 * 49 / 2);
        assert!(
            (inside - expect_in).abs() < 4.0 * (expect_in * 0.8).sqrt(),
            "{inside}"
        );
        let all = stochastic_block(&[30], 1.0, 0.0, &mut rng()).0;
        assert_eq!(all.len(), 30 * 29 / 2);
    }

    #[test]
    fn configuration_degrees_follow_the_bounds() {
        let edges = configuration(5000, 2.5, 2, 70, &mut rng());
        let g = graph(5000, &edges);
        assert!((0..5000).all(|u| g.degree(u) <= 70));
        let mean = 2.0 * g.edge_count() as f64 / 5000.0;
        assert!(mean > 2.0 && mean < 5.0, "{mean}");
    }
}
