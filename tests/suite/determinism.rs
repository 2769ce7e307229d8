//! Same scenario + seed → byte-identical tables for any thread count; another seed differs; the
//! resolved scenario reproduces the run.

use std::path::Path;

use super::cli::{SMALL, fission, scenarios};

fn run(out: &Path, scenario: &Path, extra: &[&str]) {
    fission()
        .arg("run")
        .arg(scenario)
        .args(SMALL)
        .args(["--replicates", "300", "--quiet", "--out"])
        .arg(out)
        .args(extra)
        .assert()
        .success();
}

fn read(dir: &Path, file: &str) -> Vec<u8> {
    std::fs::read(dir.join(file)).unwrap()
}

#[test]
fn outputs_are_identical_for_any_thread_count_and_differ_by_seed() {
    let tmp = tempfile::tempdir().unwrap();
    let quickstart = scenarios().join("quickstart.toml");
    let (one, two, other) = (
        tmp.path().join("t1"),
        tmp.path().join("t2"),
        tmp.path().join("s"),
    );
    run(&one, &quickstart, &["--threads", "1"]);
    run(&two, &quickstart, &["--threads", "2"]);
    for f in [
        "daily.csv",
        "runs.csv",
        "summary.csv",
        "curves.csv",
        "scenario.resolved.toml",
    ] {
        assert!(
            read(&one, f) == read(&two, f),
            "{f} differs between 1 and 2 threads"
        );
    }
    run(&other, &quickstart, &["--seed", "99"]);
    assert!(read(&one, "runs.csv") != read(&other, "runs.csv"));

    // The resolved scenario reruns to the same results (the SMALL overrides are baked in).
    let resolved = tmp.path().join("resolved.toml");
    std::fs::copy(one.join("scenario.resolved.toml"), &resolved).unwrap();
    let again = tmp.path().join("again");
    fission()
        .arg("run")
        .arg(&resolved)
        .args(["--replicates", "300", "--quiet", "--out"])
        .arg(&again)
        .assert()
        .success();
    assert!(read(&one, "runs.csv") == read(&again, "runs.csv"));
}
