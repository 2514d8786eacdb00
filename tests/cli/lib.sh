# Shared by the multi-step CLI tests (sourced; they run under set -euo pipefail).
# The `cajal` under test: $CAJAL_CLI_UNDER_TEST when set (meta.test_the_tests), else the argument.
cajal_under_test() { echo "${CAJAL_CLI_UNDER_TEST:-$1}"; }

# step EXIT OUT -- COMMAND...: run COMMAND with stdout to OUT and stderr to OUT.err, and fail the
# test (printing both) unless it exits with EXIT.
step() {
  local want=$1 out=$2
  shift 3
  local code=0
  "$@" > "$out" 2> "$out.err" || code=$?
  if [ "$code" != "$want" ]; then
    echo "FAILED step (exit $code, expected $want): $*"
    echo "--- stdout:"; head -c 3000 "$out"; echo "--- stderr:"; head -c 3000 "$out.err"
    exit 1
  fi
}

# expect_line FILE LINE: FILE has LINE as one of its whole lines.
expect_line() {
  grep -qxF -- "$2" "$1" || { echo "FAILED: no line \`$2\` in $1:"; cat "$1"; exit 1; }
}
