//! What every replicate of a scenario shares: the validated scenario, the graph (built once unless
//! resampled) and the seed customers when they do not depend on the replicate.

use std::sync::Arc;

use super::{Observer, Replicate};
use crate::error::{Error, Result};
use crate::graph::{self, SocialGraph};
use crate::metrics::{RunOutput, RunSummary};
use crate::model::Community;
use crate::rng::{Draws, Stream};
use crate::scenario::{LoadedScenario, Scenario, SeedStrategy};

/// A scenario ready to run: validated, graph built, seeds checked.
pub struct Setup {
    loaded: LoadedScenario,
    graph: Arc<SocialGraph>,
    /// Groups and KOL picks on `graph`.
    community: Community,
    /// Seeds that are the same in every replicate (explicit or top-degree on a fixed graph).
    fixed_seeds: Option<Vec<u32>>,
}

impl Setup {
    /// Builds the graph and checks the seeding against it.
    ///
    /// # Errors
    /// [`Error::Input`] for an unreadable graph, unknown seed members or more seeds than members.
    pub fn new(loaded: LoadedScenario) -> Result<Self> {
        Self::sharing(loaded, &[])
    }

    /// Like [`Setup::new`], reusing the graph of the first of `others` whose graph settings are
    /// the same (variants that leave the graph alone share one copy).
    ///
    /// # Errors
    /// As [`Setup::new`].
    pub fn sharing(loaded: LoadedScenario, others: &[Setup]) -> Result<Self> {
        let same = others
            .iter()
            .find(|o| o.loaded.graph_key() == loaded.graph_key());
        let graph = match same {
            Some(o) => Arc::clone(&o.graph),
            None => Arc::new(graph::build(&loaded, 0)?),
        };
        let s = &loaded.scenario;
        let n = graph.node_count();
        if s.seeding.count > n {
            return Err(Error::Input(format!(
                "{}: `seeding.count` = {} exceeds the {n} members of the graph",
                loaded.path.display(),
                s.seeding.count
            )));
        }
        let mut fixed = None;
        if !s.seeding.members.is_empty() {
            let mut ids = Vec::with_capacity(s.seeding.members.len());
            for m in &s.seeding.members {
                let id = graph.dense_id(m).ok_or_else(|| {
                    let hint = if graph.has_names() {
                        "; the edge list names its members, so give names as strings"
                    } else {
                        ""
                    };
                    Error::Input(format!(
                        "{}: `seeding.members`: member {m} is not in the graph ({n} members){hint}",
                        loaded.path.display()
                    ))
                })?;
                ids.push(id);
            }
            fixed = Some(ids);
        } else if s.seeding.strategy == SeedStrategy::TopDegree && !s.graph.resample {
            fixed = Some(top_degree(&graph, s.seeding.count));
        }
        let community = Community::build(&loaded.scenario, &graph);
        Ok(Setup {
            loaded,
            graph,
            community,
            fixed_seeds: fixed,
        })
    }

    /// The validated scenario.
    pub fn scenario(&self) -> &Scenario {
        &self.loaded.scenario
    }

    /// The loaded scenario (path, overrides).
    pub fn loaded(&self) -> &LoadedScenario {
        &self.loaded
    }

    /// The graph of replicate 0 (the graph of every replicate unless resampled).
    pub fn graph(&self) -> &SocialGraph {
        &self.graph
    }

    /// The KPI columns a replicate of this scenario reports (the `runs.csv` metrics).
    pub fn metrics(&self) -> Vec<String> {
        let rep = Replicate::new(self.scenario(), &self.graph, &self.community, 0);
        RunSummary::of(&rep.record(), &[])
            .values
            .into_iter()
            .map(|(k, _)| k)
            .collect()
    }

    /// Runs replicate `replicate`, showing every day to `observer`.
    ///
    /// # Errors
    /// [`Error::Input`] if a resampled graph cannot be generated or money overflows.
    pub fn run_with(&self, replicate: u64, observer: &mut impl Observer) -> Result<RunOutput> {
        let s = self.scenario();
        let owned;
        let (graph, community): (&SocialGraph, &Community) = if s.graph.resample && replicate != 0 {
            let g = graph::build(&self.loaded, replicate)?;
            let c = Community::build(s, &g);
            owned = (g, c);
            (&owned.0, &owned.1)
        } else {
            (&self.graph, &self.community)
        };
        let mut rep = Replicate::new(s, graph, community, replicate);
        observer.start(&mut rep);
        let seeds = match &self.fixed_seeds {
            Some(seeds) => seeds.clone(),
            None => match s.seeding.strategy {
                SeedStrategy::TopDegree => top_degree(graph, s.seeding.count),
                SeedStrategy::Random => random_members(
                    graph.node_count(),
                    s.seeding.count,
                    &Draws::new(s.seed, replicate),
                ),
            },
        };
        rep.seed(&seeds);
        let rows = rep.run(observer);
        let mut total = crate::model::Ledger::default();
        for row in &rows {
            total.add(&row.ledger);
        }
        if total.overflow {
            return Err(Error::Input(format!(
                "{}: replicate {replicate}: money went past the ±9.2e18 cents a 64-bit ledger \
                 holds; lower the prices, rewards or fees",
                self.loaded.path.display()
            )));
        }
        let summary = RunSummary::of(&rep.record(), &rows);
        Ok(RunOutput {
            replicate,
            rows,
            summary,
        })
    }

    /// Runs replicate `replicate`.
    ///
    /// # Errors
    /// As [`Setup::run_with`].
    pub fn run(&self, replicate: u64) -> Result<RunOutput> {
        self.run_with(replicate, &mut ())
    }
}

/// The `count` highest-degree members, ties broken by the lower id.
pub fn top_degree(graph: &SocialGraph, count: u32) -> Vec<u32> {
    let n = graph.node_count();
    let mut ids: Vec<u32> = (0..n).collect();
    let key = |&u: &u32| (std::cmp::Reverse(graph.degree(u)), u);
    let count = count.min(n) as usize;
    if count == 0 {
        return Vec::new();
    }
    if count < ids.len() {
        ids.select_nth_unstable_by_key(count - 1, key);
        ids.truncate(count);
    }
    ids.sort_unstable_by_key(key);
    ids
}

/// `count` distinct members uniformly at random (keyed rejection sampling; `count ≤ n`).
fn random_members(n: u32, count: u32, draws: &Draws) -> Vec<u32> {
    let key = draws.day(Stream::Seeding, 0);
    let mut chosen = std::collections::BTreeSet::new();
    let mut attempt = 0u32;
    while (chosen.len() as u32) < count.min(n) {
        chosen.insert(key.index(n, attempt, 0));
        attempt += 1;
    }
    chosen.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_degree_breaks_ties_by_id() {
        let g =
            SocialGraph::from_edges(5, &[(0, 1), (1, 2), (2, 3), (3, 4), (1, 3)], None).unwrap();
        assert_eq!(top_degree(&g, 2), vec![1, 3]);
        assert_eq!(top_degree(&g, 4), vec![1, 3, 2, 0]);
        assert_eq!(top_degree(&g, 9).len(), 5);
    }

    #[test]
    fn random_members_are_distinct_and_in_range() {
        let picked = random_members(50, 50, &Draws::new(1, 2));
        assert_eq!(picked, (0..50).collect::<Vec<_>>());
        let some = random_members(1000, 10, &Draws::new(1, 2));
        assert_eq!(some.len(), 10);
        assert_ne!(some, random_members(1000, 10, &Draws::new(1, 3)));
    }
}
