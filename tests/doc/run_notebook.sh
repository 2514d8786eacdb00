#!/usr/bin/env bash
# Execute a Jupyter notebook from top to bottom against the built Python module `cajal`.
#
# Usage: run_notebook.sh NOTEBOOK BUILD_DIR
#
# Runs `/usr/bin/python3 -m nbconvert --to notebook --execute` on NOTEBOOK with
# PYTHONPATH=BUILD_DIR/python (the module built by CMake) and MPLBACKEND=Agg (no display), writing
# the executed copy to a temporary directory (the notebook in the repository keeps empty outputs).
# The working directory is the notebook's own directory (nbconvert's default). Exits non-zero when
# a cell raises (nbconvert's CellExecutionError) or the notebook cannot be run; exits 77 (CTest's
# SKIP_RETURN_CODE for this test) when nbconvert or a Jupyter kernel for python3 is missing.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: run_notebook.sh NOTEBOOK BUILD_DIR" >&2
  exit 2
fi
notebook=$(realpath "$1")
build=$(realpath "$2")
python=/usr/bin/python3

if [[ ! -f "$notebook" ]]; then
  echo "run_notebook.sh: no notebook $notebook" >&2
  exit 2
fi
if [[ ! -d "$build/python/cajal" ]]; then
  echo "run_notebook.sh: $build/python/cajal does not exist (is the Python module built? -DCAJAL_PYTHON=ON)" >&2
  exit 2
fi
if ! "$python" -c 'import nbconvert, nbformat, ipykernel' 2>/dev/null; then
  echo "run_notebook.sh: nbconvert, nbformat or ipykernel is not installed for $python: skipped" >&2
  exit 77
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

export PYTHONPATH="$build/python${PYTHONPATH:+:$PYTHONPATH}"
export MPLBACKEND=Agg
export MPLCONFIGDIR="$out/mpl"   # matplotlib's font cache, off the user's home
export LC_ALL=C.UTF-8
export PYDEVD_DISABLE_FILE_VALIDATION=1   # ipykernel's debugger warns about frozen modules otherwise

# The structure first: a notebook that is not valid nbformat 4 fails here, with the reason.
"$python" -c 'import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], 4))' "$notebook"

# --ExecutePreprocessor.timeout: seconds per cell (a cell that hangs fails instead of blocking CI).
"$python" -m nbconvert --to notebook --execute --ExecutePreprocessor.timeout=300 \
  --ExecutePreprocessor.kernel_name=python3 --output-dir "$out" "$notebook"

executed="$out/$(basename "$notebook")"
# nbconvert stops at the first cell that raises; check also that no cell printed an error output
# (allow_errors is off, so this is a second guard), and say how many cells ran.
"$python" - "$executed" <<'PY'
import sys, nbformat
nb = nbformat.read(sys.argv[1], 4)
code = [c for c in nb.cells if c.cell_type == "code"]
errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
unrun = [i for i, c in enumerate(code) if c.get("execution_count") is None]
if errors or unrun:
    print(f"run_notebook.sh: {len(errors)} error outputs, {len(unrun)} cells not executed", file=sys.stderr)
    sys.exit(1)
print(f"run_notebook.sh: {len(code)} code cells executed without errors")
PY
