//! Node rankings and communities used by groups and KOL selection: label propagation, k-core
//! numbers and PageRank, all deterministic given their random key.

use super::SocialGraph;
use crate::rng::DayDraws;

/// Communities by asynchronous label propagation (Raghavan–Albert–Kumara): members are visited
/// in a keyed random order each sweep and take the label most common among their friends (ties to
/// the smallest label, keeping the own label if it is among the most common), until no label
/// changes or `max_sweeps` sweeps. Returns a dense community id per member.
pub fn label_propagation(graph: &SocialGraph, key: DayDraws, max_sweeps: u32) -> Vec<u32> {
    let n = graph.node_count();
    let mut label: Vec<u32> = (0..n).collect();
    let mut order: Vec<u32> = (0..n).collect();
    let mut counts: std::collections::HashMap<u32, u32> = std::collections::HashMap::new();
    for sweep in 0..max_sweeps {
        order.sort_unstable_by_key(|&u| (key.bits(u, sweep), u));
        let mut changed = false;
        for &u in &order {
            let friends = graph.neighbours(u);
            if friends.is_empty() {
                continue;
            }
            counts.clear();
            for &f in friends {
                *counts.entry(label[f as usize]).or_insert(0) += 1;
            }
            let best = counts.values().copied().max().unwrap_or(0);
            let own = label[u as usize];
            if counts.get(&own).copied() == Some(best) {
                continue;
            }
            let pick = counts
                .iter()
                .filter(|&(_, &c)| c == best)
                .map(|(&l, _)| l)
                .min()
                .unwrap_or(own);
            label[u as usize] = pick;
            changed = true;
        }
        if !changed {
            break;
        }
    }
    dense(&label)
}

/// Renumbers labels densely in order of first appearance.
pub fn dense(labels: &[u32]) -> Vec<u32> {
    let mut map = std::collections::HashMap::new();
    labels
        .iter()
        .map(|&l| {
            let next = map.len() as u32;
            *map.entry(l).or_insert(next)
        })
        .collect()
}

/// The k-core number of every member (Batagelj–Zaveršnik bucket algorithm, O(edges)).
pub fn core_numbers(graph: &SocialGraph) -> Vec<u32> {
    let n = graph.node_count() as usize;
    let mut degree: Vec<u32> = (0..n as u32).map(|u| graph.degree(u)).collect();
    let max = degree.iter().copied().max().unwrap_or(0) as usize;
    let mut bin = vec![0usize; max + 2];
    for &d in &degree {
        bin[d as usize] += 1;
    }
    let mut start = 0;
    for b in bin.iter_mut() {
        let count = *b;
        *b = start;
        start += count;
    }
    let mut position = vec![0usize; n];
    let mut vert = vec![0u32; n];
    for u in 0..n {
        let d = degree[u] as usize;
        position[u] = bin[d];
        vert[bin[d]] = u as u32;
        bin[d] += 1;
    }
    for d in (1..=max).rev() {
        bin[d] = bin[d - 1];
    }
    bin[0] = 0;
    for i in 0..n {
        let v = vert[i];
        for &u in graph.neighbours(v) {
            let (u, dv) = (u as usize, degree[v as usize]);
            if degree[u] > dv {
                let du = degree[u] as usize;
                let pu = position[u];
                let pw = bin[du];
                let w = vert[pw] as usize;
                if u != w {
                    vert.swap(pu, pw);
                    position[u] = pw;
                    position[w] = pu;
                }
                bin[du] += 1;
                degree[u] -= 1;
            }
        }
    }
    degree
}

/// PageRank by power iteration with damping `d`; dangling members spread their rank uniformly.
pub fn pagerank(graph: &SocialGraph, d: f64, iterations: u32) -> Vec<f64> {
    let n = graph.node_count() as usize;
    if n == 0 {
        return Vec::new();
    }
    let mut rank = vec![1.0 / n as f64; n];
    let mut next = vec![0.0; n];
    for _ in 0..iterations {
        let mut dangling = 0.0;
        next.iter_mut().for_each(|x| *x = 0.0);
        for u in 0..n as u32 {
            let friends = graph.neighbours(u);
            if friends.is_empty() {
                dangling += rank[u as usize];
                continue;
            }
            let share = rank[u as usize] / friends.len() as f64;
            for &f in friends {
                next[f as usize] += share;
            }
        }
        let base = (1.0 - d) / n as f64 + d * dangling / n as f64;
        for (r, x) in rank.iter_mut().zip(&next) {
            *r = base + d * x;
        }
    }
    rank
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Draws, Stream};

    fn two_cliques() -> SocialGraph {
        // Two 5-cliques joined by one edge (4–5).
        let mut edges = Vec::new();
        for base in [0, 5] {
            for a in 0..5 {
                for b in a + 1..5 {
                    edges.push((base + a, base + b));
                }
            }
        }
        edges.push((4, 5));
        SocialGraph::from_edges(10, &edges, None).unwrap()
    }

    #[test]
    fn label_propagation_finds_the_two_cliques() {
        let key = Draws::new(1, 0).day(Stream::GroupLabels, 0);
        let labels = label_propagation(&two_cliques(), key, 50);
        assert!(labels[..5].iter().all(|&l| l == labels[0]));
        assert!(labels[5..].iter().all(|&l| l == labels[5]));
        assert_ne!(labels[0], labels[5]);
    }

    #[test]
    fn core_numbers_of_cliques_and_a_tail() {
        // A 4-clique 0..4 with a path 3–4–5 hanging off it.
        let edges = [
            (0, 1),
            (0, 2),
            (0, 3),
            (1, 2),
            (1, 3),
            (2, 3),
            (3, 4),
            (4, 5),
        ];
        let g = SocialGraph::from_edges(6, &edges, None).unwrap();
        assert_eq!(core_numbers(&g), vec![3, 3, 3, 3, 1, 1]);
    }

    #[test]
    fn pagerank_sums_to_one_and_matches_degree_on_undirected_graphs() {
        // On a connected undirected graph PageRank with d → 1 is proportional to degree.
        let g = two_cliques();
        let r = pagerank(&g, 0.999_999, 2000);
        assert!((r.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        let total_degree: f64 = (0..10).map(|u| f64::from(g.degree(u))).sum();
        for u in 0..10 {
            assert!((r[u as usize] - f64::from(g.degree(u)) / total_degree).abs() < 1e-4);
        }
    }
}
