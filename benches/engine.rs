//! Criterion benches: graph generation, one replicate at 10k / 100k / 1M members, and the
//! independent-cascade reduction on a 1M-member Barabási–Albert graph. All seeded.
//! Run: `cargo bench --bench engine` (or `benches/bench.sh` for the README's figures).

use std::path::Path;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use fission::engine::Setup;
use fission::graph::generate::barabasi_albert;
use fission::rng::{Draws, Stream};
use fission::scenario::LoadedScenario;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn setup(file: &str, sets: &[String]) -> Setup {
    let loaded = LoadedScenario::load(&root().join(file), sets).expect("bench scenario is valid");
    Setup::new(loaded).expect("graph builds")
}

fn graphs(c: &mut Criterion) {
    let mut group = c.benchmark_group("graph/barabasi_albert_m5");
    group.sample_size(10);
    for n in [10_000u32, 100_000] {
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| {
            b.iter(|| barabasi_albert(n, 5, &mut Draws::new(1, 0).stream(Stream::Graph)).len());
        });
    }
    group.finish();
}

fn quickstart(c: &mut Criterion) {
    let mut group = c.benchmark_group("replicate/quickstart");
    group.sample_size(10);
    for (n, days) in [(10_000u32, 90u32), (100_000, 90), (1_000_000, 180)] {
        let sets = vec![
            format!("graph.holme_kim.n={n}"),
            format!("days={days}"),
            format!("ads.impressions_per_day={}", 3 * n / 10),
            format!("seeding.count={}", (n / 500).max(20)),
        ];
        let s = setup("scenarios/quickstart.toml", &sets);
        let mut r = 0u64;
        group.bench_function(
            BenchmarkId::new("members_days", format!("{n}x{days}")),
            |b| {
                b.iter(|| {
                    r += 1;
                    s.run(r).expect("runs").rows.len()
                });
            },
        );
    }
    group.finish();
}

fn independent_cascade(c: &mut Criterion) {
    let mut group = c.benchmark_group("replicate/ic_ba_1m_m5_p0.1_top10");
    group.sample_size(20);
    let s = setup("benches/scenarios/ic_ba_1m.toml", &[]);
    let mut r = 0u64;
    group.bench_function("one_core", |b| {
        b.iter(|| {
            r += 1;
            s.run(r).expect("runs").rows.len()
        });
    });
    group.finish();
}

criterion_group!(benches, graphs, quickstart, independent_cascade);
criterion_main!(benches);
