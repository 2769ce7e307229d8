//! Regression tests for the data-safety defects of issue 9, one test per numbered defect (each
//! failed on the build before the fix: run them against an older binary with
//! `FISSION_TEST_BIN=path/to/fission cargo test --release safety`).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use super::cli::{binary, fission, scenarios};
use super::common::data;

/// A scratch folder with the karate edge list and `bad.toml` holding `text`.
fn scratch(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(data("karate.txt"), dir.path().join("karate.txt")).unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, text).unwrap();
    (dir, file)
}

/// A tiny, fast experiment on the karate club.
const TINY: &str = "name = \"tiny\"\ndays = 5\nreplicates = 2\n[graph.edge_list]\npath = \"karate.txt\"\n[seeding]\ncount = 2\n[behaviour.p_buy]\nfriend = 0.1\n[share]\np_share = 1.0\n";

/// Runs `fission ARGS` in `cwd`; returns (exit code, stderr).
fn fission_in(cwd: &Path, args: &[&str]) -> (i32, String) {
    let out = fission()
        .current_dir(cwd)
        .args(args)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Asserts a refusal: exit 2 and one `error:` line mentioning every word of `words`.
fn refused((code, stderr): (i32, String), words: &[&str]) {
    assert_eq!(code, 2, "exit code, stderr: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    for w in words {
        assert!(stderr.contains(w), "`{w}` missing from: {stderr}");
    }
}

/// Names and contents of every file under `dir`, sorted.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn d1_out_dot_dotdot_and_dir_dot_delete_nothing() {
    let (dir, file) = scratch(TINY);
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    std::fs::write(work.join("manifest.json"), "{\"tool\": \"fission\"}").unwrap();
    std::fs::write(work.join("thesis.tex"), "years of work").unwrap();
    let before = tree(dir.path());
    let f = file.to_str().unwrap();
    refused(
        fission_in(&work, &["run", f, "--quiet", "--out", "."]),
        &["--out `.`"],
    );
    refused(
        fission_in(&work, &["run", f, "--quiet", "--out", ".."]),
        &["--out `..`"],
    );
    let dot = format!("{}/.", work.display());
    refused(
        fission_in(dir.path(), &["run", f, "--quiet", "--out", &dot]),
        &["thesis.tex"],
    );
    refused(
        fission_in(&work, &["run", f, "--quiet", "--out", "/"]),
        &["root"],
    );
    assert_eq!(tree(dir.path()), before, "nothing was touched");
}

#[test]
fn d2_a_folder_with_someone_elses_manifest_is_not_replaced() {
    let (dir, file) = scratch(TINY);
    let app = dir.path().join("app");
    std::fs::create_dir(&app).unwrap();
    std::fs::write(app.join("manifest.json"), "{\"name\": \"my extension\"}").unwrap();
    std::fs::write(app.join("index.html"), "<h1>mine</h1>").unwrap();
    let before = tree(&app);
    let f = file.to_str().unwrap();
    refused(
        fission_in(dir.path(), &["run", f, "--quiet", "--out", "app"]),
        &["not written by fission"],
    );
    assert_eq!(tree(&app), before);
    // A folder fission wrote is replaced, and one that gained a file of the user's is not.
    let ours = dir.path().join("ours");
    assert_eq!(
        fission_in(dir.path(), &["run", f, "--quiet", "--out", "ours"]).0,
        0
    );
    assert_eq!(
        fission_in(dir.path(), &["run", f, "--quiet", "--out", "ours"]).0,
        0
    );
    std::fs::write(ours.join("notes.txt"), "mine").unwrap();
    refused(
        fission_in(dir.path(), &["run", f, "--quiet", "--out", "ours"]),
        &["notes.txt"],
    );
    assert!(ours.join("notes.txt").is_file());
}

#[test]
fn d3_a_second_run_into_the_same_folder_is_refused_while_the_first_runs() {
    let dir = tempfile::tempdir().unwrap();
    let quick = scenarios().join("quickstart.toml");
    let args = [
        "--set",
        "graph.holme_kim.n=2000",
        "--set",
        "days=40",
        "--threads",
        "1",
        "--no-daily",
        "--quiet",
    ];
    let run = |out: &Path, seed: &str, reps: &str| {
        std::process::Command::new(binary())
            .arg("run")
            .arg(&quick)
            .args(args)
            .args(["--seed", seed, "--replicates", reps, "--out"])
            .arg(out)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let shared = dir.path().join("shared");
    let mut first = run(&shared, "1", "3000");
    let staging = dir.path().join(".shared.partial/journal.jsonl");
    let started = Instant::now();
    while std::fs::read_to_string(&staging).map_or(0, |t| t.lines().count()) < 2 {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "first run never journalled"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    let second = run(&shared, "2", "300").wait_with_output().unwrap();
    let still_running = first.try_wait().unwrap().is_none();
    assert!(
        still_running,
        "the first run finished too early for this test"
    );
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("another fission run") && stderr.contains("pid"),
        "{stderr}"
    );
    assert!(first.wait().unwrap().success());
    let alone = dir.path().join("alone");
    assert!(run(&alone, "1", "3000").wait().unwrap().success());
    for f in ["runs.csv", "summary.csv"] {
        assert!(
            std::fs::read(shared.join(f)).unwrap() == std::fs::read(alone.join(f)).unwrap(),
            "{f} of the shared folder is the first run's alone"
        );
    }
}

/// Starts `fission run` on `file` into `out` with `extra` arguments, and kills it (SIGKILL) as
/// soon as `ready(staging folder)` holds; returns whether it was caught before finishing.
fn kill_when(file: &Path, out: &Path, extra: &[&str], ready: &dyn Fn(&Path) -> bool) -> bool {
    let name = out.file_name().unwrap().to_string_lossy().into_owned();
    let staging = out.with_file_name(format!(".{name}.partial"));
    let mut child = std::process::Command::new(binary())
        .arg("run")
        .arg(file)
        .args(extra)
        .args(["--quiet", "--threads", "1", "--out"])
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if ready(&staging) {
            child.kill().unwrap();
            return !child.wait().unwrap().success();
        }
        if child.try_wait().unwrap().is_some() || started.elapsed() > Duration::from_secs(120) {
            return false;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
}

#[test]
fn d4_a_kill_while_charts_are_drawn_can_still_be_resumed() {
    let dir = tempfile::tempdir().unwrap();
    let file = scenarios().join("compare_incentives.toml");
    let small = ["--replicates", "4", "--no-daily"];
    let straight = dir.path().join("straight");
    let code = fission_in(
        dir.path(),
        &[
            &[
                "run",
                file.to_str().unwrap(),
                "--quiet",
                "--out",
                "straight",
            ],
            &small[..],
        ]
        .concat(),
    );
    assert_eq!(code.0, 0, "{}", code.1);
    let out = dir.path().join("killed");
    // Kill once the first chart exists: the tables are written, the charts are being drawn.
    let caught = (0..5).any(|_| {
        kill_when(&file, &out, &small, &|s| {
            s.join("plots/growth.png").exists()
        })
    });
    assert!(caught, "never caught the run while it drew its charts");
    let (code, stderr) = fission_in(
        dir.path(),
        &[
            &[
                "run",
                file.to_str().unwrap(),
                "--quiet",
                "--resume",
                "--out",
                "killed",
            ],
            &small[..],
        ]
        .concat(),
    );
    assert_eq!(code, 0, "resume after a kill during plotting: {stderr}");
    for f in ["runs.csv", "summary.csv", "comparison.csv"] {
        assert!(std::fs::read(out.join(f)).unwrap() == std::fs::read(straight.join(f)).unwrap());
    }
}

#[test]
fn d5_resume_refuses_a_changed_edge_list() {
    let (dir, file) = scratch(&TINY.replace("replicates = 2", "replicates = 20000"));
    let out = dir.path().join("out");
    let caught = kill_when(&file, &out, &[], &|s| {
        std::fs::read_to_string(s.join("journal.jsonl")).map_or(0, |t| t.lines().count()) > 2
    });
    assert!(caught, "the run was not interrupted");
    let graph = dir.path().join("karate.txt");
    let text = std::fs::read_to_string(&graph).unwrap();
    std::fs::write(&graph, text.replace("\n0 1\n", "\n")).unwrap();
    refused(
        fission_in(
            dir.path(),
            &[
                "run",
                file.to_str().unwrap(),
                "--quiet",
                "--resume",
                "--out",
                "out",
            ],
        ),
        &["edge list", "karate.txt", "changed"],
    );
    assert!(
        dir.path().join(".out.partial/journal.jsonl").is_file(),
        "the journal is kept"
    );
}

#[test]
fn d6_names_links_and_many_arms_fail_before_any_run_or_not_at_all() {
    let (dir, _) = scratch(TINY);
    let check = |text: &str, words: &[&str]| {
        std::fs::write(dir.path().join("x.toml"), text).unwrap();
        refused(fission_in(dir.path(), &["validate", "x.toml"]), words);
    };
    check(
        &format!("{TINY}[variants.\"a/b\"]\ndays = 4\n"),
        &["variants.a/b", "separator"],
    );
    let long = "名".repeat(100);
    check(
        &TINY.replace("\"tiny\"", &format!("\"{long}\"")),
        &["`name`", "200 bytes"],
    );
    check(
        &TINY.replace("\"tiny\"", "\"a\\u0000b\""),
        &["`name`", "control character"],
    );
    // A dangling link as --out.
    std::os::unix::fs::symlink(dir.path().join("gone"), dir.path().join("link")).unwrap();
    let f = dir.path().join("x.toml");
    std::fs::write(&f, TINY).unwrap();
    refused(
        fission_in(dir.path(), &["run", "x.toml", "--quiet", "--out", "link"]),
        &["symbolic link", "does not exist"],
    );
    // 150 arms with 64 open files allowed: part files are not held open.
    let sweep = format!(
        "{TINY}[sweep.axes]\n\"behaviour.p_buy.friend\" = {{ min = 0.01, max = 0.3 }}\n[sweep]\nsamples = 150\n"
    );
    std::fs::write(&f, sweep).unwrap();
    let out = std::process::Command::new("sh")
        .current_dir(dir.path())
        .arg("-c")
        .arg(format!(
            "ulimit -n 64 && exec '{}' run x.toml --quiet --out many",
            binary().display()
        ))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let runs = std::fs::read_to_string(dir.path().join("many/runs.csv")).unwrap();
    assert_eq!(runs.lines().count(), 1 + 150 * 2);
}

#[test]
fn d7_validate_rejects_the_unknown_metrics_run_rejects() {
    let (dir, _) = scratch(TINY);
    for extra in [
        "[compare]\nmetrics = [\"customerz\"]\n",
        "[compare]\nobjective = \"nett\"\n",
    ] {
        std::fs::write(dir.path().join("x.toml"), format!("{TINY}{extra}")).unwrap();
        refused(
            fission_in(dir.path(), &["validate", "x.toml"]),
            &["unknown metric"],
        );
    }
    let adaptive = TINY.replace(
        "replicates = 2",
        "replicates = { min = 2, max = 4, target = { metric = \"custmers\", half_width = 1.0 } }",
    );
    std::fs::write(dir.path().join("x.toml"), adaptive).unwrap();
    refused(
        fission_in(dir.path(), &["validate", "x.toml"]),
        &["replicates.target.metric", "custmers"],
    );
}

/// Members and edges `fission graph describe` reports for an edge-list file with `text`.
fn describe(text: &[u8]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("g.csv");
    std::fs::write(&f, text).unwrap();
    let out = fission()
        .args(["graph", "describe"])
        .arg(&f)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn d8_edge_lists_as_exported_are_read_and_ambiguous_ones_refused() {
    let karate = std::fs::read_to_string(data("karate.txt")).unwrap();
    let (code, lf) = describe(karate.as_bytes());
    assert_eq!(code, 0);
    let counts = |t: &str| {
        let field = |name: &str| {
            t.lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|r| r.split_whitespace().next())
                .map(str::to_string)
        };
        (field("nodes"), field("edges"))
    };
    assert_eq!(counts(&lf), (Some("34".into()), Some("78".into())), "{lf}");
    let cr = karate.replace('\n', "\r");
    assert_eq!(
        describe(cr.as_bytes()),
        (0, lf.clone()),
        "CR-only line ends"
    );
    let crlf = karate.replace('\n', "\r\n");
    assert_eq!(describe(crlf.as_bytes()), (0, lf.clone()), "CRLF line ends");
    let bom = format!("\u{feff}{karate}");
    assert_eq!(describe(bom.as_bytes()), (0, lf.clone()), "byte-order mark");
    let header = format!("source,target\n{}", karate.replace(' ', ","));
    assert_eq!(describe(header.as_bytes()), (0, lf.clone()), "header row");
    let (code, names) = describe("alice bob\nbob carol\n张三 alice\n".as_bytes());
    assert_eq!(code, 0, "{names}");
    assert_eq!(
        counts(&names),
        (Some("4".into()), Some("3".into())),
        "{names}"
    );
    let (code, text) = describe(b"0 1 2 3 4 5\n");
    assert_eq!(code, 2);
    assert!(text.contains(":1: 6 columns"), "{text}");
}

#[test]
fn d8_named_members_are_written_to_member_ids() {
    let (dir, file) = scratch(&TINY.replace("karate.txt", "named.csv"));
    std::fs::write(
        dir.path().join("named.csv"),
        "from,to\nalice,bob\nbob,carol\ncarol,alice\ndave,alice\n",
    )
    .unwrap();
    let (code, stderr) = fission_in(
        dir.path(),
        &["run", file.to_str().unwrap(), "--quiet", "--out", "o"],
    );
    assert_eq!(code, 0, "{stderr}");
    let ids = std::fs::read_to_string(dir.path().join("o/member_ids.csv")).unwrap();
    assert_eq!(ids, "member,id\n0,alice\n1,bob\n2,carol\n3,dave\n");
    let seeded = TINY
        .replace("karate.txt", "named.csv")
        .replace("count = 2", "members = [\"dave\"]");
    std::fs::write(&file, seeded).unwrap();
    assert_eq!(fission_in(dir.path(), &["validate", "bad.toml"]).0, 0);
}

#[test]
fn d9_former_panics_are_one_line_errors() {
    let (dir, _) = scratch(TINY);
    // A summary.csv without data rows.
    let f = dir.path().join("bad.toml");
    assert_eq!(
        fission_in(
            dir.path(),
            &["run", f.to_str().unwrap(), "--quiet", "--out", "o"]
        )
        .0,
        0
    );
    std::fs::write(dir.path().join("o/summary.csv"), "variant,metric,n,mean\n").unwrap();
    refused(
        fission_in(dir.path(), &["plot", "o"]),
        &["summary.csv", "no rows"],
    );
    // A graph too large to hold.
    let huge = "name = \"h\"\n[graph.erdos_renyi]\nn = 4294967294\nmean_degree = 1e9\n";
    std::fs::write(&f, huge).unwrap();
    refused(
        fission_in(dir.path(), &["validate", "bad.toml"]),
        &["estimated peak memory"],
    );
    // A sweep key of 200,000 dotted parts.
    let key = vec!["a"; 200_000].join(".");
    std::fs::write(&f, format!("{TINY}[sweep.axes]\n\"{key}\" = [1, 2]\n")).unwrap();
    refused(
        fission_in(dir.path(), &["validate", "bad.toml"]),
        &["dotted parts"],
    );
    // A closed stdout.
    std::fs::write(&f, TINY).unwrap();
    let out = std::process::Command::new("bash")
        .current_dir(dir.path())
        .arg("-c")
        .arg(format!(
            "'{}' validate{} | head -n 0; echo ${{PIPESTATUS[0]}}",
            binary().display(),
            " bad.toml".repeat(200)
        ))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "0");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A scenario path that is not UTF-8.
    use std::os::unix::ffi::OsStrExt;
    let odd = dir
        .path()
        .join(std::ffi::OsStr::from_bytes(b"tiny-\xff.toml"));
    std::fs::write(&odd, TINY).unwrap();
    let out = fission()
        .current_dir(dir.path())
        .arg("run")
        .arg(&odd)
        .args(["--quiet", "--out", "odd"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn d10_what_cannot_fit_or_finish_is_refused_up_front() {
    let (dir, _) = scratch(TINY);
    let check = |text: &str, words: &[&str]| {
        std::fs::write(dir.path().join("x.toml"), text).unwrap();
        let started = Instant::now();
        refused(fission_in(dir.path(), &["validate", "x.toml"]), words);
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "refused quickly"
        );
    };
    let g = |spec: &str| format!("name = \"r\"\n{spec}");
    check(
        &g("[graph.barabasi_albert]\nn = 100000\nm = 10000\n"),
        &["estimated peak memory"],
    );
    check(
        &g("[graph.holme_kim]\nn = 2000000000\nm = 3\np_triad = 0.5\n"),
        &["memory"],
    );
    check(
        &g("[graph.watts_strogatz]\nn = 100000\nk = 99998\np = 0.1\n"),
        &["memory"],
    );
    check(
        &TINY.replace("replicates = 2", "replicates = 100000000"),
        &["memory"],
    );
    check(
        &format!(
            "{TINY}[sweep.axes]\n\"share.reach\" = {{ min = 0.1, max = 0.9 }}\n\"days\" = {{ min = 2, max = 9 }}\n[sweep]\nsamples = 1000\n"
        ),
        &["1000000 points"],
    );
    check(
        &TINY.replace("karate.txt", "/dev/zero"),
        &["not a regular file"],
    );
    check(
        &format!(
            "{}[ads]\nimpressions_per_day = 1000000000\ncpm_cents = 1\n",
            TINY.replace("days = 5", "days = 100000")
                .replace("replicates = 2", "replicates = 10")
        ),
        &["member-days", "--force"],
    );
    refused(
        fission_in(dir.path(), &["run", "x.toml", "--threads", "100000"]),
        &["--threads", "256"],
    );
}

#[test]
fn d11_money_that_could_wrap_is_refused() {
    let (dir, _) = scratch(TINY);
    std::fs::write(
        dir.path().join("x.toml"),
        format!("{TINY}[product]\nlist_price_cents = 3000000000000000000\n"),
    )
    .unwrap();
    refused(
        fission_in(dir.path(), &["run", "x.toml", "--quiet", "--out", "o"]),
        &["`product.list_price_cents`", "64-bit"],
    );
    assert!(!dir.path().join("o").exists());
}

#[test]
fn d12_every_bad_input_is_one_line_and_exit_2() {
    let (dir, file) = scratch(TINY);
    let f = file.to_str().unwrap();
    std::fs::write(dir.path().join("x.toml"), TINY.replace("\"tiny\"", "2")).unwrap();
    refused(
        fission_in(dir.path(), &["validate", "x.toml"]),
        &["`name`", "expected a string"],
    );
    refused(
        fission_in(dir.path(), &["run", f, "--set", "days=-1"]),
        &["days"],
    );
    std::fs::write(dir.path().join("x.toml"), b"name = \"\xff\"\n").unwrap();
    refused(fission_in(dir.path(), &["validate", "x.toml"]), &["UTF-8"]);
    std::fs::write(dir.path().join("karate.txt"), b"0 1\n1 \xfe\n").unwrap();
    refused(
        fission_in(dir.path(), &["validate", f]),
        &["karate.txt:2:", "UTF-8"],
    );
    refused(
        fission_in(dir.path(), &["run", f, "--seed", "9223372036854775808"]),
        &["--seed", "9223372036854775807"],
    );
    refused(
        fission_in(dir.path(), &["validate", "missing.toml"]),
        &["missing.toml"],
    );
    // `graph generate` replaces only a file it wrote.
    std::fs::write(dir.path().join("mine.txt"), "precious").unwrap();
    let gen_args = [
        "graph",
        "generate",
        "erdos_renyi",
        "--param",
        "n=50",
        "--param",
        "mean_degree=3",
    ];
    refused(
        fission_in(
            dir.path(),
            &[&gen_args[..], &["--out", "mine.txt"]].concat(),
        ),
        &["mine.txt", "not written by fission"],
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("mine.txt")).unwrap(),
        "precious"
    );
    for _ in 0..2 {
        let (code, e) = fission_in(dir.path(), &[&gen_args[..], &["--out", "g.txt"]].concat());
        assert_eq!(code, 0, "{e}");
    }
}

#[test]
fn d12_the_reproduce_line_is_quoted_and_has_no_resume() {
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join("it's $HOME.toml");
    std::fs::copy(data("karate.txt"), dir.path().join("karate.txt")).unwrap();
    std::fs::write(&odd, TINY.replace("replicates = 2", "replicates = 20000")).unwrap();
    let out = dir.path().join("out");
    assert!(kill_when(&odd, &out, &[], &|s| s
        .join("journal.jsonl")
        .exists()));
    let code = fission()
        .current_dir(dir.path())
        .arg("run")
        .arg(&odd)
        .args(["--quiet", "--threads", "1", "--resume", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        code.status.success(),
        "{}",
        String::from_utf8_lossy(&code.stderr)
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let command = manifest["command"].as_str().unwrap();
    let words = shlex::split(command).expect("the command is valid shell");
    assert!(!words.iter().any(|w| w == "--resume"), "{command}");
    assert!(words.contains(&odd.display().to_string()), "{command}");
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains(command), "the report shows the same line");
}
