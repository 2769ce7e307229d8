#!/usr/bin/env bash
# The long fuzz campaign: the mutation test of tests/suite/fuzz.rs (every shipped scenario and the
# bundled edge list, mutated; each input must pass and run, or be refused with one line — never
# a panic, an I/O error or a hang) over many seeds.
# Usage: benches/fuzz.sh [inputs, default 100000] [cases per seed, default 10000]
# Prints one line per seed and a total; exits non-zero on the first defect (the test prints the
# minimal failing input), or if a block of cases takes more than 15 minutes (a hang).
set -euo pipefail
cd "$(dirname "$0")/.."
total="${1:-100000}"
per="${2:-10000}"
cargo test --release --no-run --quiet 2>/dev/null
done_inputs=0
seed=1000
while [ "$done_inputs" -lt "$total" ]; do
  n=$(( total - done_inputs < per ? total - done_inputs : per ))
  line=$(FISSION_FUZZ_SEED=$seed FISSION_FUZZ_CASES=$n timeout 900 \
    cargo test --release --quiet --test tests fuzz::mutated -- --nocapture 2>&1 | grep -E '^fuzz:|Test failed|panicked' || true)
  echo "$line"
  case "$line" in
    fuzz:*) ;;
    *) echo "fuzz campaign stopped at seed $seed"; exit 1 ;;
  esac
  done_inputs=$(( done_inputs + n ))
  seed=$(( seed + 1 ))
done
echo "fuzz campaign: $done_inputs inputs over seeds 1000..$(( seed - 1 )), no panic, no hang"
