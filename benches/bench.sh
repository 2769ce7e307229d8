#!/usr/bin/env bash
# The documented benchmark: per-replicate wall time on ONE core and peak memory of the release
# binary on the issue's two large cases. Usage: benches/bench.sh [replicates]
# Prints one line per case; copy them into the README's performance table with the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-10}"
cargo build --release --quiet
bin=./target/release/fission
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

measure() { # name, scenario, extra args...
  local name=$1 scenario=$2
  shift 2
  /usr/bin/time -f "%M" -o "$out/$name.rss" \
    "$bin" run "$scenario" --threads 1 --replicates "$reps" --no-daily --quiet --out "$out/$name" "$@"
  python3 - "$out/$name/manifest.json" "$out/$name.rss" "$name" "$reps" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
rss_mb = int(open(sys.argv[2]).read().split()[-1]) / 1024
t = m["timings_seconds"]
reps = int(sys.argv[4])
print(f"{sys.argv[3]:<28} {1000 * t['simulate'] / reps:9.1f} ms/replicate  "
      f"(graph build {t['build']:.2f} s, {m['graph']['nodes']} members, {m['graph']['edges']} edges)  peak RSS {rss_mb:.0f} MB")
PY
}

measure ic_ba_1m benches/scenarios/ic_ba_1m.toml
measure quickstart_1m_180d scenarios/quickstart.toml \
  --set graph.holme_kim.n=1000000 --set days=180 --set ads.impressions_per_day=300000 --set seeding.count=2000
measure quickstart_10k_90d scenarios/quickstart.toml
# The same 1M × 180-day market with group buy, referral and coupons on (issue target ≤ 4 s).
measure schemes_1m_180d benches/scenarios/schemes_1m.toml
# Issue 4 throughput: the shipped comparison (10,000 members × 90 days; base + 4 variants) at 250
# replicates per arm = 1,250 runs, all outputs, plots and report, on every core (target < 60 s
# for 4 variants × 250 replicates). Wall time of the whole command.
start=$(date +%s.%N)
"$bin" run scenarios/compare_incentives.toml --replicates 250 --quiet --out "$out/compare"
end=$(date +%s.%N)
python3 - "$out/compare/manifest.json" "$start" "$end" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
arms = len(m["arms"])
print(f"{'compare_incentives_250':<28} {float(sys.argv[3]) - float(sys.argv[2]):9.1f} s wall for {arms} arms × {m['replicates']} replicates "
      f"(simulate {m['timings_seconds']['simulate']:.1f} s, {m['threads'] or 'all'} threads)")
PY
