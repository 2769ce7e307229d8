#!/usr/bin/env bash
# What the campaign calendar costs: the schemes benchmark with and without a weekly live stream
# and a flash sale (benches/scenarios/schemes_calendar_1m.toml), interleaved per round with one
# binary and one thread so both see the same machine load. Prints simulate ms/replicate per
# round (from each run's manifest) and the ratio of the medians (target: ≤ 1.25).
# Usage: benches/calendar_overhead.sh [rounds] [replicates] [binary]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3} reps=${2:-3} bin=${3:-target/release/fission}
[ -x "$bin" ] || cargo build --release --quiet
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for ((r = 1; r <= rounds; r++)); do
  for name in schemes_1m schemes_calendar_1m; do
    "$bin" run "benches/scenarios/$name.toml" --threads 1 --replicates "$reps" --no-daily --quiet \
      --out "$out/$name-$r"
    python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(sys.argv[2], 1000*m["timings_seconds"]["simulate"]/int(sys.argv[3]))' \
      "$out/$name-$r/manifest.json" "$name" "$reps" >>"$out/times"
    rm -rf "$out/$name-$r"
  done
done
python3 - "$out/times" <<'PY'
import statistics, sys
t = {}
for line in open(sys.argv[1]):
    name, ms = line.split()
    t.setdefault(name, []).append(float(ms))
for name, ms in t.items():
    print(f"{name}: " + " ".join(f"{x:.0f}" for x in ms) + " ms/replicate")
a, b = statistics.median(t["schemes_1m"]), statistics.median(t["schemes_calendar_1m"])
print(f"calendar / plain (medians): {b / a:.2f}")
PY
