//! Mutation fuzzing of everything a user hands fission: each shipped scenario (shrunk to a few
//! hundred members so a case takes milliseconds) and the bundled edge list, mutated by byte and
//! token edits, and given random `--set` overrides, must either pass every check — and then run a replicate of each arm without a
//! problem — or be refused with one line (`Error::Input`, exit code 2). Never a panic, an I/O
//! error or a message over several lines. Every 16th case also goes through the binary, which
//! must exit 0 or 2 with at most one line on stderr.
//!
//! `cargo test` runs a bounded number of cases; `benches/fuzz.sh N` runs a long campaign of `N`
//! cases (`FISSION_FUZZ_CASES`, and `FISSION_FUZZ_SEED` to start elsewhere).

use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use fission::Error;
use fission::preflight::Limits;
use fission::prepare::prepare;

use super::cli::{binary, scenarios};

/// Values that break parsers and range checks.
const TOKENS: [&str; 40] = [
    "\n",
    "\r",
    "\r\n",
    "=",
    "[",
    "]",
    "[[coupon]]\n",
    "{",
    "}",
    ",",
    "\"",
    "'",
    "#",
    ".",
    "-1",
    "0",
    "1",
    "0.5",
    "1e308",
    "-1e308",
    "nan",
    "inf",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "18446744073709551615",
    "\"\"",
    "\u{feff}",
    "\0",
    "名字",
    "true",
    "\"off\"",
    "[variants.x]\n",
    "[sweep.axes]\n",
    "{ min = 0, max = 1 }",
    "[1, 2, 3]",
    "\"a/b\"",
    "\"top_degree\"",
    "\"data/karate.txt\"",
    "strong",
];

/// Keys `--set` overrides are aimed at (real ones, near misses, nonsense).
const SET_KEYS: [&str; 16] = [
    "days",
    "replicates",
    "seed",
    "name",
    "graph.holme_kim.n",
    "graph.erdos_renyi.n",
    "share.reach",
    "share.k",
    "behaviour.p_buy.friend",
    "seeding.count",
    "seeding.members",
    "population.segments",
    "sweep.axes.days",
    "a.b.c",
    "graph",
    "",
];

/// One edit of a text: `(kind, where, what)`.
type Edit = (u8, u32, u32);

/// Applies `edits` to `bytes`.
fn mutate(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for &(kind, at, what) in edits {
        let len = bytes.len().max(1);
        let i = at as usize % len;
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(
                bytes
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| **b == b'\n')
                    .map(|(j, _)| j + 1),
            )
            .collect();
        let line = line_starts[what as usize % line_starts.len()];
        let line_end = bytes[line.min(bytes.len())..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |p| line + p + 1);
        match kind % 8 {
            0 if !bytes.is_empty() => {
                let j = i % bytes.len();
                bytes[j] ^= 1 << (what % 8);
            }
            1 => {
                let token = TOKENS[what as usize % TOKENS.len()].as_bytes();
                let i = i.min(bytes.len());
                bytes.splice(i..i, token.iter().copied());
            }
            2 => {
                let end = (i + 1 + what as usize % 16).min(bytes.len());
                bytes.drain(i.min(end)..end);
            }
            3 => {
                let copy = bytes[line.min(bytes.len())..line_end].to_vec();
                bytes.splice(line_end..line_end, copy);
            }
            4 => {
                bytes.drain(line.min(line_end)..line_end);
            }
            5 => {
                // Replace the number nearest `i` with a token.
                if let Some(start) = bytes[i.min(bytes.len())..]
                    .iter()
                    .position(u8::is_ascii_digit)
                    .map(|p| p + i)
                {
                    let end = bytes[start..]
                        .iter()
                        .position(|b| !(b.is_ascii_digit() || *b == b'.' || *b == b'e'))
                        .map_or(bytes.len(), |p| start + p);
                    let token = TOKENS[14 + what as usize % 12].as_bytes();
                    bytes.splice(start..end, token.iter().copied());
                }
            }
            6 => bytes.truncate(i),
            _ => {
                let token = format!("\n{} = {}\n", "x".repeat(what as usize % 3 + 1), what % 7);
                let at = line.min(bytes.len());
                bytes.splice(at..at, token.bytes());
            }
        }
    }
    bytes
}

/// The shipped scenarios, shrunk: every member count to 400, days to 20.
fn corpus() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(scenarios())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let shrunk: String = text
                .lines()
                .map(|l| {
                    let key = l.split('=').next().unwrap_or("").trim();
                    if key == "n" {
                        "n = 400".to_string()
                    } else if key == "days" {
                        "days = 20".to_string()
                    } else if key == "replicates" {
                        "replicates = 2".to_string()
                    } else {
                        l.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join("\n");
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                shrunk.into_bytes(),
            )
        })
        .collect()
}

/// What the cases ended in, for the campaign's summary.
#[derive(Default)]
struct Tally {
    cases: AtomicU64,
    accepted: AtomicU64,
    refused: AtomicU64,
    through_binary: AtomicU64,
}

/// Checks one mutated input; `Err` describes a defect.
fn check(
    dir: &Path,
    name: &str,
    (scenario, graph, sets): (&[u8], &[u8], &[String]),
    tally: &Tally,
    cli: bool,
) -> Result<(), String> {
    let file = dir.join(name);
    std::fs::write(&file, scenario).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("data/karate.txt"), graph).map_err(|e| e.to_string())?;
    let limits = Limits {
        max_memory: Some(256 << 20),
        threads: 1,
        ..Limits::default()
    };
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| -> Result<bool, Error> {
        let p = prepare(&file, sets, &limits)?;
        if p.estimate.work <= 2e6 {
            for s in p.setups.iter().take(3) {
                s.run(0)?;
            }
        }
        Ok(true)
    }));
    tally.cases.fetch_add(1, Ordering::Relaxed);
    match outcome {
        Err(_) => return Err(format!("panic on {name} with --set {sets:?}")),
        Ok(Ok(_)) => {
            tally.accepted.fetch_add(1, Ordering::Relaxed);
        }
        Ok(Err(Error::Input(m))) if !m.chars().any(char::is_control) && !m.is_empty() => {
            tally.refused.fetch_add(1, Ordering::Relaxed);
        }
        Ok(Err(e)) => {
            return Err(format!(
                "{name} with --set {sets:?}: not a one-line input error: {e:?}"
            ));
        }
    }
    if cli {
        tally.through_binary.fetch_add(1, Ordering::Relaxed);
        let out = std::process::Command::new(binary())
            .arg("validate")
            .arg(&file)
            .output()
            .map_err(|e| e.to_string())?;
        let code = out.status.code();
        let lines = String::from_utf8_lossy(&out.stderr).lines().count();
        if !matches!(code, Some(0 | 2)) || lines > 1 {
            return Err(format!(
                "{name}: `fission validate` exited {code:?} with {lines} lines: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    Ok(())
}

#[test]
fn mutated_scenarios_and_edge_lists_never_panic() {
    let cases: u32 = std::env::var("FISSION_FUZZ_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(96);
    let seed: u64 = std::env::var("FISSION_FUZZ_SEED")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(9);
    let corpus = corpus();
    let karate = std::fs::read(scenarios().join("data/karate.txt")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    let tally = Tally::default();
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            max_shrink_iters: 200,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    let edits = || prop::collection::vec((any::<u8>(), any::<u32>(), any::<u32>()), 0..6);
    let overrides = prop::collection::vec((0..SET_KEYS.len(), 0..TOKENS.len()), 0..3);
    let strategy = (0..corpus.len(), edits(), edits(), any::<bool>(), overrides);
    let counter = AtomicU64::new(0);
    let result = runner.run(
        &strategy,
        |(which, scenario_edits, graph_edits, touch_graph, overrides)| {
            let (name, text) = &corpus[which];
            let scenario = mutate(text.clone(), &scenario_edits);
            let graph = if touch_graph {
                mutate(karate.clone(), &graph_edits)
            } else {
                karate.clone()
            };
            let sets: Vec<String> = overrides
                .iter()
                .map(|&(k, v)| format!("{}={}", SET_KEYS[k], TOKENS[v]))
                .collect();
            let n = counter.fetch_add(1, Ordering::Relaxed);
            check(
                dir.path(),
                name,
                (&scenario, &graph, &sets),
                &tally,
                n.is_multiple_of(16),
            )
            .map_err(TestCaseError::fail)
        },
    );
    let line = format!(
        "fuzz: {} inputs ({} accepted and run, {} refused with one line; {} through the binary), seed {seed}",
        tally.cases.load(Ordering::Relaxed),
        tally.accepted.load(Ordering::Relaxed),
        tally.refused.load(Ordering::Relaxed),
        tally.through_binary.load(Ordering::Relaxed),
    );
    eprintln!("{line}");
    if let Err(e) = result {
        panic!("{e}\n{line}");
    }
    assert!(
        tally.accepted.load(Ordering::Relaxed) > 0 && tally.refused.load(Ordering::Relaxed) > 0,
        "the mutations reach both outcomes: {line}"
    );
}

#[test]
fn mutation_edits_do_what_they_say() {
    let text = b"a = 1\nb = 22\n".to_vec();
    assert_eq!(mutate(text.clone(), &[]), text);
    assert_eq!(mutate(text.clone(), &[(6, 5, 0)]), b"a = 1");
    assert_eq!(mutate(text.clone(), &[(4, 0, 1)]), b"a = 1\n");
    assert_eq!(
        mutate(text.clone(), &[(3, 0, 0)]),
        b"a = 1\na = 1\nb = 22\n"
    );
    assert_eq!(mutate(text.clone(), &[(5, 7, 3)]), b"a = 1\nb = 0.5\n");
}
