//! The preflight budget: before any graph is built, estimate the memory a run needs (graphs,
//! per-replicate state, runs in flight, tables, a journal replayed on resume) and the work it
//! does (member-days and ad impressions over every replicate of every arm), and the most money a
//! ledger could hold; refuse what this machine cannot hold, what would run for weeks, or what
//! 64-bit cents cannot count. The estimates are deliberately generous upper bounds.

use std::path::Path;

use crate::error::{Error, Result};
use crate::experiment::Experiment;
use crate::metrics::DayRow;
use crate::output::tables::CURVES;
use crate::run::BATCH;
use crate::scenario::{GraphSpec, LoadedScenario};

/// Bytes per member of one replicate's state (member, customer and scheme arrays; measured
/// ≈ 100 on the 1M-member schemes benchmark, rounded up).
const REPLICATE_BYTES_PER_MEMBER: u64 = 160;
/// Peak bytes per edge while a graph is built (raw edge list, CSR slots, tie classes, sorting).
const GRAPH_BYTES_PER_EDGE: u64 = 32;
/// Bytes per member of a graph (offsets, ids, degree counts).
const GRAPH_BYTES_PER_MEMBER: u64 = 24;
/// Bytes of text per `daily.csv` row buffered before it is written.
const DAILY_ROW_TEXT: u64 = 400;
/// Bytes per arm besides its graph (scenario, groups and KOL picks, table state).
const ARM_BYTES: u64 = 64 << 10;
/// Bytes of an edge-list line at the least (`0 1` and a line end): file size / this bounds edges.
const MIN_EDGE_LINE: u64 = 4;
/// Member-days (plus ad impressions) above which a run is refused without `--force`: about a
/// week of one core at the measured ≈ 1.5 × 10⁸ member-days per second.
pub const MAX_WORK: f64 = 1e14;
/// Money events (orders, discounts, payouts) per member and day assumed for the money bound.
const MONEY_EVENTS_PER_MEMBER_DAY: f64 = 16.0;
/// Most worker threads `--threads` accepts.
pub const MAX_THREADS: usize = 256;

/// What the preflight is checked against.
#[derive(Debug, Clone, Default)]
pub struct Limits {
    /// Worker threads (0 = all cores).
    pub threads: usize,
    /// `daily.csv` is not written.
    pub no_daily: bool,
    /// A finished run's journal is replayed (its runs are held in memory).
    pub resume: bool,
    /// Memory cap in bytes; `None` = the machine's available memory.
    pub max_memory: Option<u64>,
    /// Run even if the estimate exceeds a limit.
    pub force: bool,
}

/// The preflight estimate of one experiment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Peak memory in bytes.
    pub memory: u64,
    /// Member-days plus ad impressions over every replicate of every arm.
    pub work: f64,
}

impl std::fmt::Display for Estimate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "estimated peak memory {}, work {:.2e} member-days",
            bytes(self.memory),
            self.work
        )
    }
}

/// `12.3 MiB`-style size.
fn bytes(b: u64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut x = b as f64;
    let mut u = 0;
    while x >= 1024.0 && u + 1 < units.len() {
        x /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{b} B")
    } else {
        format!("{x:.1} {}", units[u])
    }
}

/// Estimates the experiment and refuses it if it exceeds `limits` (unless `limits.force`) or
/// if its money could overflow (always).
///
/// # Errors
/// [`Error::Input`] naming the estimate, the limit and what to change.
pub fn check(exp: &Experiment, limits: &Limits) -> Result<Estimate> {
    let file = exp.path.display();
    for arm in &exp.arms {
        money(&arm.loaded)?;
    }
    let threads = if limits.threads == 0 {
        std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
    } else {
        limits.threads
    } as u64;
    let first = &exp.arms[0].loaded.scenario;
    let replicates = u64::from(
        first
            .replicates
            .max(exp.adaptive.as_ref().map_or(0, |a| a.max)),
    );
    let days = u64::from(first.days) + 1;
    let arms = exp.arms.len() as u64;
    let mut memory = 0u64;
    let mut work = 0f64;
    // Distinct graphs, by the key `Setup::sharing` shares them by.
    let mut graphs: Vec<(&GraphSpec, u64, &Path)> = Vec::new();
    let mut largest = 0u64;
    for arm in &exp.arms {
        let s = &arm.loaded.scenario;
        let file_of = |p: &str| arm.loaded.resolve(p);
        let (n, edges) = graph_size(&s.graph, &file_of);
        largest = largest.max(n);
        let key = arm.loaded.graph_key();
        let graph = GRAPH_BYTES_PER_MEMBER
            .saturating_mul(n)
            .saturating_add(GRAPH_BYTES_PER_EDGE.saturating_mul(edges));
        if s.graph.resample {
            // A fresh graph per replicate in flight.
            memory = memory.saturating_add(graph.saturating_mul(threads));
        } else if !graphs.contains(&key) {
            graphs.push(key);
            memory = memory.saturating_add(graph);
        }
        memory = memory.saturating_add(ARM_BYTES);
        let impressions = s.ads.as_ref().map_or(0.0, |a| {
            let end = a.end_day.unwrap_or(s.days).min(s.days);
            let ad_days = f64::from(end.saturating_sub(a.start_day) + 1);
            a.impressions_per_day as f64 * ad_days
        });
        work += (n as f64 * days as f64 + impressions) * replicates as f64;
    }
    let row = std::mem::size_of::<DayRow>() as u64;
    let metrics = 128u64;
    let in_flight = (BATCH as u64)
        .min(arms.saturating_mul(replicates))
        .saturating_mul(days)
        .saturating_mul(row + if limits.no_daily { 0 } else { DAILY_ROW_TEXT });
    let per_replicate = largest
        .saturating_mul(REPLICATE_BYTES_PER_MEMBER)
        .saturating_mul(threads);
    // Per arm and replicate: the metric values, the growth-curve values, and on resume the
    // journalled daily rows.
    let kept = arms.saturating_mul(replicates).saturating_mul(
        metrics * 16 + CURVES.len() as u64 * days * 8 + if limits.resume { days * row } else { 0 },
    );
    memory = memory
        .saturating_add(per_replicate)
        .saturating_add(in_flight)
        .saturating_add(kept);
    let limit = limits.max_memory.or_else(available_memory);
    let estimate = Estimate { memory, work };
    if let Some(total) = total_memory()
        && memory > total
    {
        return Err(Error::Input(format!(
            "{file}: {estimate}, more than this machine has in all ({}), so not even --force can \
             run it; lower the members, edges, replicates, arms or --threads",
            bytes(total)
        )));
    }
    if limits.force {
        return Ok(estimate);
    }
    if let Some(limit) = limit
        && memory > limit
    {
        let which = if limits.max_memory.is_some() {
            "the --max-memory cap"
        } else {
            "this machine's available memory"
        };
        return Err(Error::Input(format!(
            "{file}: {estimate}, above {which} ({}); lower the members, edges, replicates, arms \
             or --threads, or pass --force to run anyway",
            bytes(limit)
        )));
    }
    if work > MAX_WORK {
        return Err(Error::Input(format!(
            "{file}: {estimate}, above the {MAX_WORK:.0e} fission runs without --force (about a \
             week of one core); lower the members, days, replicates, arms or ad impressions, or \
             pass --force"
        )));
    }
    Ok(estimate)
}

/// Members and an upper bound on edges of a graph setting, without building it. `file_of`
/// resolves an edge-list path.
fn graph_size(g: &GraphSpec, file_of: &dyn Fn(&str) -> std::path::PathBuf) -> (u64, u64) {
    let pairs = |n: f64| n * (n - 1.0) / 2.0;
    let sat = |x: f64| {
        if x.is_finite() && x > 0.0 {
            x.min(u64::MAX as f64) as u64
        } else {
            0
        }
    };
    if let Some(e) = &g.erdos_renyi {
        let n = f64::from(e.n);
        return (u64::from(e.n), sat((n * e.mean_degree / 2.0).min(pairs(n))));
    }
    if let Some(b) = &g.barabasi_albert {
        return (u64::from(b.n), u64::from(b.n) * u64::from(b.m));
    }
    if let Some(w) = &g.watts_strogatz {
        return (u64::from(w.n), u64::from(w.n) * u64::from(w.k) / 2);
    }
    if let Some(h) = &g.holme_kim {
        return (u64::from(h.n), u64::from(h.n) * u64::from(h.m));
    }
    if let Some(s) = &g.stochastic_block {
        let n: f64 = s.sizes.iter().map(|&x| f64::from(x)).sum();
        let inside: f64 = s.sizes.iter().map(|&x| pairs(f64::from(x))).sum();
        let edges = inside * s.p_in + (pairs(n) - inside).max(0.0) * s.p_out;
        return (sat(n), sat(edges));
    }
    if let Some(c) = &g.configuration {
        let max = c
            .max_degree
            .unwrap_or_else(|| (f64::from(c.n).sqrt() as u32).max(c.min_degree));
        let mean = power_law_mean(c.gamma, c.min_degree, max);
        return (u64::from(c.n), sat(f64::from(c.n) * mean / 2.0));
    }
    if let Some(e) = &g.edge_list {
        let size = std::fs::metadata(file_of(&e.path)).map_or(0, |m| m.len());
        let edges = size / MIN_EDGE_LINE;
        return (edges.saturating_mul(2), edges);
    }
    (0, 0)
}

/// Mean of the discrete power law `P(k) ∝ k^−γ` on `[min, max]`: the first 10⁶ terms summed,
/// the rest by the integral.
fn power_law_mean(gamma: f64, min: u32, max: u32) -> f64 {
    let (lo, hi) = (f64::from(min.max(1)), f64::from(max.max(min).max(1)));
    let exact_to = hi.min(lo + 1e6);
    let (mut w, mut kw) = (0.0, 0.0);
    let mut k = lo;
    while k <= exact_to {
        let p = k.powf(-gamma);
        w += p;
        kw += k * p;
        k += 1.0;
    }
    if hi > exact_to {
        // ∫ x^−a dx over [exact_to + ½, hi + ½].
        let integral = |a: f64| {
            let (x0, x1) = (exact_to + 0.5, hi + 0.5);
            if (a - 1.0).abs() < 1e-12 {
                x1.ln() - x0.ln()
            } else {
                (x1.powf(1.0 - a) - x0.powf(1.0 - a)) / (1.0 - a)
            }
        };
        w += integral(gamma);
        kw += integral(gamma - 1.0);
    }
    kw / w
}

/// Refuses a scenario whose money could overflow 64-bit cents: the largest money setting
/// (any `*_cents` key) times the money events its members could make over the run, plus its
/// ads' cost.
fn money(loaded: &LoadedScenario) -> Result<()> {
    let s = &loaded.scenario;
    let Ok(value) = toml::Value::try_from(s) else {
        return Ok(());
    };
    let mut largest = (String::new(), 0f64);
    largest_cents(&value, "", &mut largest);
    let n = match graph_size(&s.graph, &|p| loaded.resolve(p)) {
        (0, _) => 1.0,
        (n, _) => n as f64,
    };
    let events = n * (f64::from(s.days) + 1.0) * MONEY_EVENTS_PER_MEMBER_DAY;
    let ads = s.ads.as_ref().map_or(0.0, |a| {
        a.impressions_per_day as f64 * a.cpm_cents as f64 / 1000.0 * (f64::from(s.days) + 1.0)
    });
    // A bigger basket by acquisition channel multiplies every order's money.
    let basket = s.customer_value.as_ref().map_or(1.0, |cv| {
        cv.entries()
            .iter()
            .filter_map(|(_, e)| e.map(|e| e.order_value))
            .fold(1.0, f64::max)
    });
    let worst = largest.1 * basket * events + ads;
    if worst >= i64::MAX as f64 {
        let (key, value) = largest;
        return Err(Error::Input(format!(
            "{}: `{key}` = {value:.0}: money could reach {worst:.1e} cents over {n:.0} members × \
             {} days, beyond the ±9.2e18 cents a 64-bit ledger holds; use a smaller amount",
            loaded.path.display(),
            s.days + 1
        )));
    }
    Ok(())
}

/// The largest absolute value of a `*_cents` key anywhere in `v`, with its dotted key.
fn largest_cents(v: &toml::Value, key: &str, best: &mut (String, f64)) {
    match v {
        toml::Value::Table(t) => {
            for (k, x) in t {
                let key = if key.is_empty() {
                    k.clone()
                } else {
                    format!("{key}.{k}")
                };
                largest_cents(x, &key, best);
            }
        }
        toml::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                largest_cents(x, &format!("{key}[{i}]"), best);
            }
        }
        toml::Value::Integer(i) if key.ends_with("_cents") => {
            let x = (*i as f64).abs();
            if x > best.1 {
                *best = (key.to_string(), x);
            }
        }
        toml::Value::Float(f) if key.ends_with("_cents") && f.abs() > best.1 => {
            *best = (key.to_string(), f.abs());
        }
        _ => {}
    }
}

/// A `/proc/meminfo` field in bytes, if this system has it.
fn meminfo(field: &str) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with(field))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Memory free for a run now.
fn available_memory() -> Option<u64> {
    meminfo("MemAvailable:")
}

/// All the memory and swap there is: no run bigger than this can finish, forced or not.
fn total_memory() -> Option<u64> {
    Some(meminfo("MemTotal:")? + meminfo("SwapTotal:").unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn experiment(text: &str) -> Experiment {
        Experiment::from_text(text, Path::new("x.toml"), &[]).unwrap()
    }

    const ER: &str = "name = \"t\"\n[graph.erdos_renyi]\nn = 1000\nmean_degree = 4.0\n";

    #[test]
    fn sizes_follow_the_generators() {
        let e = experiment(ER);
        let (n, m) = graph_size(&e.arms[0].loaded.scenario.graph, &|_| "".into());
        assert_eq!((n, m), (1000, 2000));
        assert!((power_law_mean(2.5, 2, 2) - 2.0).abs() < 1e-12);
        let exact = power_law_mean(2.5, 1, 1_000_001);
        let approx = power_law_mean(2.5, 1, 1_000_002);
        assert!((exact - approx).abs() / exact < 0.1, "{exact} {approx}");
    }

    #[test]
    fn memory_and_work_limits_refuse_with_the_estimate() {
        let e = experiment(ER);
        let small = check(&e, &Limits::default()).unwrap();
        assert!(small.memory > 0 && small.work > 0.0);
        let capped = Limits {
            max_memory: Some(1024),
            ..Limits::default()
        };
        let msg = check(&e, &capped).unwrap_err().to_string();
        assert!(
            msg.contains("--max-memory") && msg.contains("estimated peak memory"),
            "{msg}"
        );
        let forced = Limits {
            force: true,
            ..capped
        };
        assert!(check(&e, &forced).is_ok());
        let big = experiment(&ER.replace(
            "n = 1000\nmean_degree = 4.0",
            "n = 4294967294\nmean_degree = 1e9",
        ));
        let msg = check(&big, &Limits::default()).unwrap_err().to_string();
        assert!(msg.contains("estimated peak memory"), "{msg}");
        let forced = Limits {
            force: true,
            ..Limits::default()
        };
        let msg = check(&big, &forced).unwrap_err().to_string();
        assert!(msg.contains("not even --force"), "{msg}");
    }

    #[test]
    fn money_that_could_overflow_is_refused() {
        let e = experiment(&format!(
            "{ER}[product]\nlist_price_cents = 3000000000000000000\n"
        ));
        let msg = check(
            &e,
            &Limits {
                force: true,
                ..Limits::default()
            },
        )
        .unwrap_err()
        .to_string();
        assert!(
            msg.contains("`product.list_price_cents`") && msg.contains("64-bit"),
            "{msg}"
        );
    }
}
