#!/usr/bin/env bash
# Executes every notebook on fresh outputs, in a private virtual environment with the pinned
# packages of notebooks/requirements.txt (created on first use under target/, nothing global).
# Fails if a cell raises. With --update-figures it also rewrites the README's figure from the
# quickstart run. Usage: notebooks/run.sh [--update-figures]
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${FISSION_NOTEBOOK_VENV:-target/notebook-venv}"
if [ ! -x "$venv/bin/python" ] || ! cmp -s notebooks/requirements.txt "$venv/requirements.txt"; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r notebooks/requirements.txt
  cp notebooks/requirements.txt "$venv/requirements.txt"
fi
bin=target/release/fission
[ -x "$bin" ] || cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" run scenarios/quickstart.toml --quiet --out "$work/quickstart"
"$bin" run scenarios/compare_incentives.toml --replicates 10 --quiet --out "$work/compare"
"$bin" run scenarios/sweep_posting_cadence.toml --replicates 6 --quiet --out "$work/sweep"

execute() { # output folder, notebook
  FISSION_OUT="$1" MPLBACKEND=Agg "$venv/bin/python" - "$2" <<'PY'
import sys

import nbformat
from nbclient import NotebookClient

notebook = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
PY
  echo "ok: $2 on $(basename "$1")"
}
execute "$work/quickstart" notebooks/single_run.ipynb
execute "$work/compare" notebooks/single_run.ipynb
execute "$work/compare" notebooks/comparison.ipynb
execute "$work/sweep" notebooks/comparison.ipynb
execute "$work/sweep" notebooks/sweep.ipynb
if [ "${1:-}" = "--update-figures" ]; then
  cp "$work/quickstart/plots/growth.png" notebooks/figures/quickstart_growth.png
  echo "updated notebooks/figures/quickstart_growth.png"
fi
