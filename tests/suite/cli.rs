//! The real binary: running, validating, generating graphs, and bad input (exit 2, one line, no
//! output folder left behind).

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

use super::common::data;

/// The binary under test: the one cargo built, or `FISSION_TEST_BIN` (to show that a
/// regression test fails on an older build).
pub fn binary() -> PathBuf {
    std::env::var_os("FISSION_TEST_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_fission")),
        PathBuf::from,
    )
}

pub fn fission() -> Command {
    Command::new(binary())
}

pub fn scenarios() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

/// A small version of the quickstart: 2,000 members, 40 days.
pub const SMALL: [&str; 4] = ["--set", "graph.holme_kim.n=2000", "--set", "days=40"];

#[test]
fn run_writes_every_output() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("qs");
    fission()
        .arg("run")
        .arg(scenarios().join("quickstart.toml"))
        .args(SMALL)
        .args(["--replicates", "12", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    for f in [
        "daily.csv",
        "runs.csv",
        "summary.csv",
        "curves.csv",
        "manifest.json",
        "scenario.resolved.toml",
        "plots/growth.svg",
        "plots/growth.png",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let runs = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    let header: Vec<&str> = runs.lines().next().unwrap().split(',').collect();
    assert_eq!(
        &header[..4],
        ["run_id", "variant", "replicate", "customers"]
    );
    assert_eq!(runs.lines().count(), 13);
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let (header, first) = summary.split_once('\n').unwrap();
    assert_eq!(
        header,
        "run_id,variant,metric,n,mean,sd,se,ci95_low,ci95_high,p05,p50,p95"
    );
    assert!(
        first
            .split_once(',')
            .unwrap()
            .1
            .starts_with("base,customers,12,")
    );
    let daily = std::fs::read_to_string(out.join("daily.csv")).unwrap();
    assert_eq!(daily.lines().count(), 1 + 12 * 41);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["replicates"], 12);
    assert_eq!(manifest["variants"][0], "base");
    assert_eq!(manifest["graph"]["nodes"], 2000);
}

#[test]
fn validate_accepts_every_shipped_scenario() {
    let files: Vec<PathBuf> = std::fs::read_dir(scenarios())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    assert!(files.len() >= 2);
    fission()
        .arg("validate")
        .args(&files)
        .assert()
        .success()
        .stdout(predicate::str::contains("ok:"));
}

/// Writes `text` as a scenario next to a copy of the karate graph and runs it; returns stderr.
pub fn bad_run(text: &str, extra_files: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path();
    std::fs::copy(data("karate.txt"), tmp.join("karate.txt")).unwrap();
    for (name, body) in extra_files {
        std::fs::write(tmp.join(name), body).unwrap();
    }
    let scenario = tmp.join("bad.toml");
    std::fs::write(&scenario, text).unwrap();
    let out = tmp.join("out");
    let assert = fission()
        .arg("run")
        .arg(&scenario)
        .arg("--out")
        .arg(&out)
        .arg("--quiet")
        .assert()
        .code(2);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(!out.exists(), "no output folder after an error");
    let leftovers: Vec<_> = std::fs::read_dir(tmp)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        leftovers
            .iter()
            .all(|f| !f.to_string_lossy().contains("partial")),
        "{leftovers:?}"
    );
    stderr
}

/// Asserts that the error message mentions every part.
pub fn assert_mentions(e: &str, parts: &[&str]) {
    for part in parts {
        assert!(e.contains(part), "`{part}` missing from: {e}");
    }
}

pub const KARATE: &str = "name = \"bad\"\n[graph.edge_list]\npath = \"karate.txt\"\n[behaviour.p_buy]\nfriend = 0.1\n[share]\np_share = 1.0\n";

#[test]
fn unknown_key_is_named_with_line_and_suggestion() {
    let e = bad_run(&KARATE.replace("p_share = 1.0", "p_shar = 1.0"), &[]);
    assert_mentions(
        &e,
        &[
            "bad.toml:7:",
            "unknown key `p_shar`",
            "did you mean `p_share`?",
        ],
    );
}

#[test]
fn probability_above_one_is_rejected() {
    let e = bad_run(&KARATE.replace("friend = 0.1", "friend = 1.5"), &[]);
    assert_mentions(&e, &["bad.toml:5:", "behaviour.p_buy.friend", "[0, 1]"]);
}

#[test]
fn negative_price_is_rejected() {
    let e = bad_run(
        &format!("{KARATE}[product]\nlist_price_cents = -100\n"),
        &[],
    );
    assert_mentions(
        &e,
        &["bad.toml:9:", "product.list_price_cents", "must be > 0"],
    );
}

#[test]
fn missing_graph_file_is_named() {
    let e = bad_run(&KARATE.replace("karate.txt", "nowhere.txt"), &[]);
    assert_mentions(&e, &["graph.edge_list.path", "nowhere.txt"]);
}

#[test]
fn malformed_edge_list_names_file_and_line() {
    let e = bad_run(
        &KARATE.replace("karate.txt", "broken.txt"),
        &[("broken.txt", "# ok\n0 1\n1 2 3 4\n")],
    );
    assert_mentions(&e, &["broken.txt:3:", "4 columns"]);
}

#[test]
fn unknown_seed_member_is_named() {
    let e = bad_run(&format!("{KARATE}[seeding]\nmembers = [0, 99]\n"), &[]);
    assert_mentions(&e, &["seeding.members", "99"]);
}

#[test]
fn io_failure_exits_1() {
    let tmp = tempfile::tempdir().unwrap();
    // The output's parent is a file, so the folder cannot be created.
    let blocker = tmp.path().join("file");
    std::fs::write(&blocker, "x").unwrap();
    fission()
        .arg("run")
        .arg(scenarios().join("quickstart.toml"))
        .args(SMALL)
        .args(["--replicates", "2", "--quiet", "--out"])
        .arg(blocker.join("out"))
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with("error: could not create"));
}

#[test]
fn usage_errors_exit_2() {
    fission().args(["run"]).assert().code(2);
    fission().args(["frobnicate"]).assert().code(2);
    fission()
        .arg("run")
        .arg(scenarios().join("quickstart.toml"))
        .args(["--set", "nonsense"])
        .assert()
        .code(2);
}

#[test]
fn init_writes_a_valid_scenario_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("mine.toml");
    fission().arg("init").arg(&path).assert().success();
    fission().arg("validate").arg(&path).assert().success();
    fission().arg("init").arg(&path).assert().code(2);
}

#[test]
fn graph_generate_and_describe_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("ba.txt");
    fission()
        .args([
            "graph",
            "generate",
            "barabasi_albert",
            "--param",
            "n=500",
            "--param",
            "m=3",
            "--seed",
            "4",
            "--out",
        ])
        .arg(&file)
        .assert()
        .success();
    fission()
        .args(["graph", "describe"])
        .arg(&file)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("nodes               500")
                .and(predicate::str::contains("edges               1491")),
        );
    fission()
        .args(["graph", "describe"])
        .arg(data("karate.txt"))
        .assert()
        .success()
        .stdout(
            predicate::str::contains("edges               78")
                .and(predicate::str::contains("components          1")),
        );
    fission()
        .args([
            "graph",
            "generate",
            "barabasi_albert",
            "--param",
            "n=2",
            "--param",
            "m=3",
            "--out",
        ])
        .arg(&file)
        .assert()
        .code(2);
}

/// `validate` prints lints as warnings and exits 0, or 2 with `--deny-warnings`; it takes
/// `--set` like `run`.
#[test]
fn validate_warns_on_lints_and_takes_set() {
    let file = scenarios().join("quickstart.toml");
    fission()
        .args(["validate", file.to_str().unwrap()])
        .assert()
        .success()
        .stderr(predicate::str::is_empty());
    let cheap = ["--set", "product.list_price_cents=99"];
    fission()
        .args(["validate", file.to_str().unwrap()])
        .args(cheap)
        .assert()
        .success()
        .stderr(
            predicate::str::contains("warning: ").and(predicate::str::contains(
                "product.list_price_cents is 99 cents",
            )),
        );
    fission()
        .args(["validate", file.to_str().unwrap(), "--deny-warnings"])
        .args(cheap)
        .assert()
        .code(2);
}

/// Every `init --template` writes a scenario that validates without a lint, and refuses to
/// overwrite.
#[test]
fn every_init_template_validates_without_warnings() {
    let dir = tempfile::tempdir().unwrap();
    for template in ["blank", "referral", "group-buy", "private-domain", "kol"] {
        let path = dir.path().join(format!("{template}.toml"));
        fission()
            .args(["init", path.to_str().unwrap(), "--template", template])
            .assert()
            .success();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains("cargo run"),
            "{template}: repository-only advice"
        );
        fission()
            .args(["validate", path.to_str().unwrap(), "--deny-warnings"])
            .assert()
            .success();
        fission()
            .args(["init", path.to_str().unwrap(), "--template", template])
            .assert()
            .code(2);
    }
}

/// Shell completions and the manual page come from the same command definition.
#[test]
fn completions_and_man_page_are_generated() {
    fission()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("fission").and(predicate::str::contains("validate")));
    fission()
        .args(["man"])
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH fission").and(predicate::str::contains("run")));
}
