#!/usr/bin/env bash
# Regenerates synthetic_observed.csv: replicate 0 of scenarios/synthetic_truth.toml, days 1–40,
# columns day, customers, churned (from its daily.csv). Usage: scenarios/data/make_synthetic_observed.sh [fission]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-target/release/fission}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bin" run scenarios/synthetic_truth.toml --replicates 1 --quiet --out "$out/truth"
python3 - "$out/truth/daily.csv" scenarios/data/synthetic_observed.csv <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["day", "customers", "churned"])
    for r in rows:
        if int(r["day"]) >= 1:
            w.writerow([r["day"], r["customers"], r["churned"]])
PY
