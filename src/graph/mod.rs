//! The social graph: undirected friendships in compressed sparse row form with `u32` ids, each
//! edge a strong or a weak tie; generators, the edge-list reader and graph statistics.

pub mod community;
pub mod edge_list;
pub mod generate;
pub mod stats;

use crate::error::{Error, Result};
use crate::rng::{Draws, Stream, to_unit};
use crate::scenario::{GraphSpec, LoadedScenario, MemberRef};

pub use stats::GraphStats;

/// An undirected graph in CSR form. Neighbour lists are sorted and free of duplicates and
/// self-loops.
#[derive(Debug, Clone)]
pub struct SocialGraph {
    offsets: Vec<u32>,
    neighbours: Vec<u32>,
    /// `strong[e]` for the CSR slot `e`; empty when every tie is weak.
    strong: Vec<bool>,
    /// Number of strong-tie edges.
    strong_edges: u64,
    /// For loaded graphs, the file id of each dense id.
    file_ids: Option<FileIds>,
    /// Planted community of each member (stochastic block model).
    blocks: Option<Vec<u32>>,
    /// Duplicate edges and self-loops dropped while building.
    dropped: Dropped,
}

/// How an edge-list file named its members, by dense id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileIds {
    /// Non-negative integers, ascending (dense id = rank).
    Numbers(Vec<u64>),
    /// Names, in order of first appearance in the file.
    Names(Vec<String>),
}

/// What was dropped while building a graph from raw edges.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Dropped {
    /// Repeated edges (either direction).
    pub duplicates: u64,
    /// Edges from a node to itself.
    pub self_loops: u64,
}

impl SocialGraph {
    /// Builds a graph on `n` nodes from undirected edges, dropping self-loops and duplicates.
    /// `strong_of(u, v)` gives the tie class of an edge (called with `u < v`).
    ///
    /// # Errors
    /// [`Error::Input`] if an id is `≥ n` or the graph has more than `u32::MAX` edge slots.
    pub fn from_edges(
        n: u32,
        edges: &[(u32, u32)],
        strong_of: Option<&dyn Fn(u32, u32) -> bool>,
    ) -> Result<Self> {
        let mut degree = vec![0u32; n as usize + 1];
        let mut self_loops = 0;
        for &(u, v) in edges {
            if u >= n || v >= n {
                return Err(Error::Input(format!(
                    "edge ({u}, {v}) names a node ≥ n = {n}"
                )));
            }
            if u == v {
                self_loops += 1;
                continue;
            }
            degree[u as usize] += 1;
            degree[v as usize] += 1;
        }
        let slots: u64 = degree.iter().map(|&d| u64::from(d)).sum();
        if slots > u64::from(u32::MAX) {
            return Err(Error::Input(format!(
                "the graph has {} edges; at most {} are supported",
                slots / 2,
                u32::MAX / 2
            )));
        }
        let mut offsets = Vec::with_capacity(n as usize + 1);
        let mut acc = 0u32;
        offsets.push(0);
        for &d in &degree[..n as usize] {
            acc += d;
            offsets.push(acc);
        }
        let mut fill: Vec<u32> = offsets[..n as usize].to_vec();
        let mut neighbours = vec![0u32; acc as usize];
        for &(u, v) in edges {
            if u != v {
                neighbours[fill[u as usize] as usize] = v;
                fill[u as usize] += 1;
                neighbours[fill[v as usize] as usize] = u;
                fill[v as usize] += 1;
            }
        }
        // Sort and de-duplicate each row, compacting in place.
        let mut write = 0usize;
        let mut new_offsets = Vec::with_capacity(offsets.len());
        new_offsets.push(0u32);
        let mut duplicate_slots = 0u64;
        for i in 0..n as usize {
            let (a, b) = (offsets[i] as usize, offsets[i + 1] as usize);
            neighbours[a..b].sort_unstable();
            let mut last = None;
            for r in a..b {
                let x = neighbours[r];
                if last == Some(x) {
                    duplicate_slots += 1;
                    continue;
                }
                last = Some(x);
                neighbours[write] = x;
                write += 1;
            }
            new_offsets.push(write as u32);
        }
        neighbours.truncate(write);
        neighbours.shrink_to_fit();
        let mut g = SocialGraph {
            offsets: new_offsets,
            neighbours,
            strong: Vec::new(),
            strong_edges: 0,
            file_ids: None,
            blocks: None,
            dropped: Dropped {
                duplicates: duplicate_slots / 2,
                self_loops,
            },
        };
        if let Some(strong_of) = strong_of {
            let mut strong = vec![false; g.neighbours.len()];
            for u in 0..n {
                let range = g.range(u);
                for (slot, &v) in range.clone().zip(&g.neighbours[range]) {
                    strong[slot] = strong_of(u.min(v), u.max(v));
                }
            }
            g.strong_edges = strong.iter().filter(|&&s| s).count() as u64 / 2;
            if g.strong_edges > 0 {
                g.strong = strong;
            }
        }
        Ok(g)
    }

    /// Number of members.
    #[inline]
    pub fn node_count(&self) -> u32 {
        (self.offsets.len() - 1) as u32
    }

    /// Number of undirected edges.
    pub fn edge_count(&self) -> u64 {
        self.neighbours.len() as u64 / 2
    }

    #[inline]
    fn range(&self, u: u32) -> std::ops::Range<usize> {
        self.offsets[u as usize] as usize..self.offsets[u as usize + 1] as usize
    }

    /// Friends of `u`, ascending.
    #[inline]
    pub fn neighbours(&self, u: u32) -> &[u32] {
        &self.neighbours[self.range(u)]
    }

    /// Tie classes of `u`'s edges, aligned with [`SocialGraph::neighbours`]; `None` if every
    /// tie in the graph is weak.
    #[inline]
    pub fn strong_ties(&self, u: u32) -> Option<&[bool]> {
        (!self.strong.is_empty()).then(|| &self.strong[self.range(u)])
    }

    /// Degree of `u`.
    #[inline]
    pub fn degree(&self, u: u32) -> u32 {
        self.offsets[u as usize + 1] - self.offsets[u as usize]
    }

    /// Number of strong-tie edges.
    pub fn strong_edge_count(&self) -> u64 {
        self.strong_edges
    }

    /// The dense id of a member named as in the edge-list file (its number for generated
    /// graphs).
    pub fn dense_id(&self, id: &MemberRef) -> Option<u32> {
        match (&self.file_ids, id) {
            (Some(FileIds::Numbers(ids)), MemberRef::Number(n)) => {
                ids.binary_search(n).ok().map(|i| i as u32)
            }
            (Some(FileIds::Names(names)), MemberRef::Name(s)) => {
                names.iter().position(|x| x == s).map(|i| i as u32)
            }
            (None, MemberRef::Number(n)) => {
                u32::try_from(*n).ok().filter(|&i| i < self.node_count())
            }
            _ => None,
        }
    }

    /// The id of dense member `u` as the edge-list file wrote it (its number otherwise).
    pub fn file_id(&self, u: u32) -> String {
        match &self.file_ids {
            Some(FileIds::Numbers(ids)) => ids[u as usize].to_string(),
            Some(FileIds::Names(names)) => names[u as usize].clone(),
            None => u.to_string(),
        }
    }

    /// Whether the edge-list file named its members (rather than numbering them).
    pub fn has_names(&self) -> bool {
        matches!(self.file_ids, Some(FileIds::Names(_)))
    }

    /// Planted community of each member, if the generator planted any.
    pub fn blocks(&self) -> Option<&[u32]> {
        self.blocks.as_deref()
    }

    /// Duplicates and self-loops dropped while building.
    pub fn dropped(&self) -> Dropped {
        self.dropped
    }

    /// Every undirected edge once, as `(u, v)` with `u < v`, in CSR order.
    pub fn edges(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        (0..self.node_count()).flat_map(move |u| {
            self.neighbours(u)
                .iter()
                .filter(move |&&v| u < v)
                .map(move |&v| (u, v))
        })
    }

    /// Is the edge `(u, v)` a strong tie? (`false` for non-edges.)
    pub fn is_strong(&self, u: u32, v: u32) -> bool {
        match (self.neighbours(u).binary_search(&v), self.strong_ties(u)) {
            (Ok(i), Some(ties)) => ties[i],
            _ => false,
        }
    }
}

/// Builds the scenario's graph for `replicate` (`0` unless the graph is resampled).
///
/// A generated graph depends only on the master seed (and the replicate when `resample = true`);
/// tie classes are drawn per edge with `strong_share` unless the edge list gives them.
///
/// # Errors
/// [`Error::Input`] for a missing or malformed edge list or an impossible generator setting.
pub fn build(loaded: &LoadedScenario, replicate: u64) -> Result<SocialGraph> {
    let spec: &GraphSpec = &loaded.scenario.graph;
    let draws = Draws::new(
        loaded.scenario.seed,
        if spec.resample { replicate } else { 0 },
    );
    let tie_key = draws.day(Stream::TieClass, 0);
    let share = spec.strong_share;
    let strong_of = move |u: u32, v: u32| to_unit(tie_key.bits(u, v)) < share;
    let strong_of: Option<&dyn Fn(u32, u32) -> bool> = (share > 0.0).then_some(&strong_of as _);
    if let Some(e) = &spec.edge_list {
        let path = loaded.resolve(&e.path);
        return edge_list::read(&path, Some(e), strong_of).map_err(|err| match err {
            Error::Io { source, .. } => Error::Input(format!(
                "{}: `graph.edge_list.path`: cannot read `{}`: {source}; give a path relative to the scenario file",
                loaded.path.display(),
                path.display()
            )),
            other => other,
        });
    }
    let mut rng = draws.stream(Stream::Graph);
    let generated = generate::edges(spec, &mut rng)?;
    let mut g = SocialGraph::from_edges(generated.n, &generated.edges, strong_of)?;
    g.blocks = generated.blocks;
    Ok(g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csr_drops_duplicates_and_self_loops_and_sorts() {
        let g = SocialGraph::from_edges(4, &[(0, 1), (1, 0), (2, 2), (3, 0), (0, 1), (1, 2)], None)
            .unwrap();
        assert_eq!(g.edge_count(), 3);
        assert_eq!(g.neighbours(0), &[1, 3]);
        assert_eq!(g.neighbours(1), &[0, 2]);
        assert_eq!(
            g.dropped(),
            Dropped {
                duplicates: 2,
                self_loops: 1
            }
        );
        assert_eq!(g.edges().collect::<Vec<_>>(), vec![(0, 1), (0, 3), (1, 2)]);
    }

    #[test]
    fn tie_classes_are_symmetric() {
        let strong = |u: u32, v: u32| (u + v) % 2 == 1;
        let g =
            SocialGraph::from_edges(4, &[(0, 1), (1, 2), (0, 2), (2, 3)], Some(&strong)).unwrap();
        for (u, v) in g.edges() {
            assert_eq!(g.is_strong(u, v), g.is_strong(v, u));
            assert_eq!(g.is_strong(u, v), (u + v) % 2 == 1);
        }
        assert_eq!(g.strong_edge_count(), 3);
    }

    #[test]
    fn out_of_range_ids_are_rejected() {
        assert!(SocialGraph::from_edges(2, &[(0, 2)], None).is_err());
    }
}
