//! The community layer on top of the graph: who is in which group (社群) and which members each
//! KOL campaign hires. Built once per graph from the master seed, so every replicate and every
//! variant sees the same groups and the same KOLs (common random numbers).

use crate::graph::SocialGraph;
use crate::graph::community::{core_numbers, dense, label_propagation, pagerank};
use crate::model::member::NONE;
use crate::rng::{Draws, Stream};
use crate::scenario::{Domain, GroupAssignment, Groups, KolSelection, Scenario};

/// Groups in CSR form plus each member's group, and the members each KOL campaign hires.
#[derive(Debug, Clone, Default)]
pub struct Community {
    offsets: Vec<u32>,
    members: Vec<u32>,
    group_of: Vec<u32>,
    /// Hired KOLs of each `[[kol_campaign]]` (empty for KOC campaigns, chosen per replicate).
    pub kols: Vec<Vec<u32>>,
}

impl Community {
    /// Builds the groups and KOL picks of `scenario` on `graph`.
    pub fn build(scenario: &Scenario, graph: &SocialGraph) -> Self {
        let draws = Draws::new(scenario.seed, 0);
        let needs_communities = scenario.groups.as_ref().is_some_and(|g| {
            g.assign == GroupAssignment::Communities
                || (g.assign == GroupAssignment::Blocks && graph.blocks().is_none())
        }) || scenario
            .kol_campaign
            .iter()
            .any(|c| !c.koc && c.selection == KolSelection::CommunitySpread);
        let communities = needs_communities
            .then(|| label_propagation(graph, draws.day(Stream::GroupLabels, 0), 100));
        let mut c = Community::default();
        if let Some(g) = &scenario.groups {
            c.place(g, graph, communities.as_deref(), &draws);
        }
        c.kols = scenario
            .kol_campaign
            .iter()
            .enumerate()
            .map(|(i, camp)| {
                if camp.koc {
                    return Vec::new();
                }
                let key = draws.day(Stream::KolPick { campaign: i as u32 }, 0);
                select_kols(
                    graph,
                    camp.selection,
                    camp.count,
                    communities.as_deref(),
                    |u| key.bits(u, 0),
                )
            })
            .collect();
        c
    }

    fn place(
        &mut self,
        g: &Groups,
        graph: &SocialGraph,
        communities: Option<&[u32]>,
        draws: &Draws,
    ) {
        let n = graph.node_count();
        let cover = draws.day(Stream::GroupCover, 0);
        let covered = |u: u32| g.coverage >= 1.0 || cover.chance(g.coverage, u, 0);
        let cap = g.capacity.max(1) as usize;
        let mut groups: Vec<Vec<u32>> = Vec::new();
        match g.assign {
            GroupAssignment::Random => {
                let order_key = draws.day(Stream::GroupOrder, 0);
                let mut order: Vec<u32> = (0..n).filter(|&u| covered(u)).collect();
                order.sort_unstable_by_key(|&u| (order_key.bits(u, 0), u));
                let size_key = draws.day(Stream::GroupSize, 0);
                let mut rest = &order[..];
                let mut k = 0;
                while !rest.is_empty() {
                    let size = g
                        .size
                        .sample(size_key.bits(k, 0), Domain::NonNegative)
                        .round()
                        .clamp(2.0, cap as f64) as usize;
                    let (head, tail) = rest.split_at(size.min(rest.len()));
                    groups.push(head.to_vec());
                    rest = tail;
                    k += 1;
                }
            }
            GroupAssignment::Blocks | GroupAssignment::Communities => {
                let labels = match (g.assign, graph.blocks()) {
                    (GroupAssignment::Blocks, Some(b)) => dense(b),
                    _ => communities.map(<[u32]>::to_vec).unwrap_or_default(),
                };
                let count = labels.iter().copied().max().map_or(0, |m| m as usize + 1);
                let mut by_label = vec![Vec::new(); count];
                for u in (0..n).filter(|&u| covered(u)) {
                    by_label[labels[u as usize] as usize].push(u);
                }
                for members in by_label.into_iter().filter(|m| m.len() >= 2) {
                    groups.extend(members.chunks(cap).map(<[u32]>::to_vec));
                }
            }
        }
        self.group_of = vec![NONE; n as usize];
        self.offsets = vec![0];
        for (k, members) in groups.iter().enumerate() {
            for &m in members {
                self.group_of[m as usize] = k as u32;
            }
            self.members.extend_from_slice(members);
            self.offsets.push(self.members.len() as u32);
        }
    }

    /// Number of groups.
    pub fn group_count(&self) -> u32 {
        self.offsets.len().saturating_sub(1) as u32
    }

    /// Members of group `k`, ascending.
    pub fn members(&self, k: u32) -> &[u32] {
        let k = k as usize;
        &self.members[self.offsets[k] as usize..self.offsets[k + 1] as usize]
    }

    /// The group of `member`, if any.
    pub fn group_of(&self, member: u32) -> Option<u32> {
        self.group_of
            .get(member as usize)
            .copied()
            .filter(|&g| g != NONE)
    }
}

/// `count` members by `selection` (ties broken by degree, then by the keyed `tie` value).
pub fn select_kols(
    graph: &SocialGraph,
    selection: KolSelection,
    count: u32,
    communities: Option<&[u32]>,
    tie: impl Fn(u32) -> u64,
) -> Vec<u32> {
    let n = graph.node_count();
    let count = count.min(n) as usize;
    let mut ids: Vec<u32> = (0..n).collect();
    let by = |score: &dyn Fn(u32) -> f64, ids: &mut Vec<u32>| {
        ids.sort_by(|&a, &b| {
            score(b)
                .total_cmp(&score(a))
                .then(graph.degree(b).cmp(&graph.degree(a)))
                .then(tie(a).cmp(&tie(b)))
        });
    };
    match selection {
        KolSelection::Random => ids.sort_unstable_by_key(|&u| (tie(u), u)),
        KolSelection::Degree => by(&|u| f64::from(graph.degree(u)), &mut ids),
        KolSelection::KCore => {
            let core = core_numbers(graph);
            by(&|u| f64::from(core[u as usize]), &mut ids);
        }
        KolSelection::Pagerank => {
            let rank = pagerank(graph, 0.85, 50);
            by(&|u| rank[u as usize], &mut ids);
        }
        KolSelection::CommunitySpread => {
            // Round-robin over communities, largest first, best-connected member of each first.
            let labels = communities.unwrap_or(&[]);
            let count_of = |l: u32| labels.iter().filter(|&&x| x == l).count();
            by(&|u| f64::from(graph.degree(u)), &mut ids);
            let k = labels.iter().copied().max().map_or(0, |m| m as usize + 1);
            let mut queues = vec![Vec::new(); k];
            for &u in &ids {
                queues[labels[u as usize] as usize].push(u);
            }
            let mut order: Vec<usize> = (0..k).collect();
            let sizes: Vec<usize> = (0..k as u32).map(count_of).collect();
            order.sort_by_key(|&l| (std::cmp::Reverse(sizes[l]), l));
            let mut picked = Vec::with_capacity(count);
            let mut round = 0;
            while picked.len() < count {
                for &l in &order {
                    if let Some(&u) = queues[l].get(round) {
                        picked.push(u);
                        if picked.len() == count {
                            break;
                        }
                    }
                }
                round += 1;
            }
            return picked;
        }
    }
    ids.truncate(count);
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn community_spread_takes_the_hub_of_each_community_first() {
        // Star 0 with leaves 1..5, star 6 with leaves 7..9, joined 5–7.
        let mut edges: Vec<(u32, u32)> = (1..6).map(|l| (0, l)).collect();
        edges.extend((7..10).map(|l| (6, l)));
        edges.push((5, 7));
        let g = SocialGraph::from_edges(10, &edges, None).unwrap();
        let labels = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1];
        let picked = select_kols(&g, KolSelection::CommunitySpread, 2, Some(&labels), |u| {
            u64::from(u)
        });
        assert_eq!(picked, vec![0, 6]);
        let by_degree = select_kols(&g, KolSelection::Degree, 2, None, u64::from);
        assert_eq!(by_degree, vec![0, 6]);
        assert_eq!(
            select_kols(&g, KolSelection::Random, 10, None, u64::from).len(),
            10
        );
    }
}
