//! The tables in the analysis ecosystem: a column has one type in every run (a strict reader
//! infers the same dtype from the outputs of two different scenarios), and `run_id` keeps
//! stacked folders apart.

use std::collections::BTreeMap;
use std::path::Path;

use super::cli::{fission, scenarios};

/// The dtype a strict reader infers for each column: `int` (every value an integer literal),
/// `float` (every value a number with a decimal point or exponent), `text`; empty fields are
/// missing values and do not vote. A column with no value at all is `empty`.
fn dtypes(path: &Path) -> BTreeMap<String, &'static str> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let mut kinds: Vec<Option<&'static str>> = vec![None; header.len()];
    for record in reader.records() {
        for (i, field) in record.unwrap().iter().enumerate() {
            if field.is_empty() {
                continue;
            }
            let kind = if field.parse::<i64>().is_ok() {
                "int"
            } else if field.parse::<f64>().is_ok() {
                "float"
            } else {
                "text"
            };
            kinds[i] = Some(match (kinds[i], kind) {
                (None, k) => k,
                (Some(a), b) if a == b => a,
                (Some("int"), "float") | (Some("float"), "int") => "mixed int/float",
                _ => "text",
            });
        }
    }
    header
        .into_iter()
        .zip(kinds)
        .map(|(h, k)| (h, k.unwrap_or("empty")))
        .collect()
}

#[test]
fn shared_columns_have_one_dtype_in_every_run_and_rows_carry_their_run() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, extra: &[&str]| {
        let out = dir.path().join(name);
        fission()
            .args([
                "run",
                scenarios().join(format!("{name}.toml")).to_str().unwrap(),
            ])
            .args([
                "--replicates",
                "3",
                "--quiet",
                "--out",
                out.to_str().unwrap(),
            ])
            .args(extra)
            .assert()
            .success();
        out
    };
    let a = run(
        "quickstart",
        &["--set", "graph.holme_kim.n=2000", "--set", "days=30"],
    );
    let b = run("compare_incentives", &["--set", "days=30"]);
    for table in ["runs.csv", "summary.csv", "curves.csv", "daily.csv"] {
        let (ta, tb) = (dtypes(&a.join(table)), dtypes(&b.join(table)));
        for (column, kind) in &ta {
            assert!(
                !kind.starts_with("mixed"),
                "{table}: {column} is {kind} in quickstart"
            );
            if let Some(other) = tb.get(column)
                && *kind != "empty"
                && *other != "empty"
            {
                assert_eq!(
                    kind, other,
                    "{table}: `{column}` reads differently in two runs"
                );
            }
        }
    }
    // Every row names its run; the two runs differ, and the manifest says which is which.
    let id = |dir: &Path| {
        let mut r = csv::Reader::from_path(dir.join("runs.csv")).unwrap();
        assert_eq!(&r.headers().unwrap()[0], "run_id");
        let ids: Vec<String> = r.records().map(|x| x.unwrap()[0].to_string()).collect();
        assert!(ids.windows(2).all(|w| w[0] == w[1]));
        let manifest: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap())
                .unwrap();
        assert_eq!(manifest["run_id"], ids[0]);
        ids[0].clone()
    };
    assert_ne!(id(&a), id(&b));
}
