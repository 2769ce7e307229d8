#!/usr/bin/env bash
# Interleaved A/B timing of two fission binaries on the benchmark cases, one thread: per round
# each case runs on A then B, so both see the same machine load. Prints simulate ms/replicate
# (from each run's manifest) per round and the B/A ratio of the medians.
# Usage: benches/ab.sh OLD_BINARY NEW_BINARY [rounds] [replicates]
set -euo pipefail
cd "$(dirname "$0")/.."
a=$1 b=$2 rounds=${3:-3} reps=${4:-5}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cases=(
  "ic_ba_1m|benches/scenarios/ic_ba_1m.toml|"
  "quickstart_1m_180d|scenarios/quickstart.toml|--set graph.holme_kim.n=1000000 --set days=180 --set ads.impressions_per_day=300000 --set seeding.count=2000"
  "schemes_1m_180d|benches/scenarios/schemes_1m.toml|"
)
for ((r = 1; r <= rounds; r++)); do
  for c in "${cases[@]}"; do
    IFS='|' read -r name scenario extra <<<"$c"
    for side in A B; do
      bin=$a
      [ "$side" = B ] && bin=$b
      # shellcheck disable=SC2086
      "$bin" run "$scenario" --threads 1 --replicates "$reps" --no-daily --quiet \
        --out "$out/$name-$side-$r" $extra
      python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(sys.argv[2], sys.argv[3], 1000*m["timings_seconds"]["simulate"]/int(sys.argv[4]))' \
        "$out/$name-$side-$r/manifest.json" "$name" "$side" "$reps" >>"$out/times"
      rm -rf "$out/$name-$side-$r"
    done
  done
done
python3 - "$out/times" <<'PY'
import sys, statistics as st
rows = [l.split() for l in open(sys.argv[1])]
for name in dict.fromkeys(r[0] for r in rows):
    a = [float(r[2]) for r in rows if r[0] == name and r[1] == "A"]
    b = [float(r[2]) for r in rows if r[0] == name and r[1] == "B"]
    fmt = lambda v: ", ".join(f"{x:.0f}" for x in v)
    print(f"{name:<20} A [{fmt(a)}] ms  B [{fmt(b)}] ms  B/A of medians {st.median(b) / st.median(a):.3f}")
PY
