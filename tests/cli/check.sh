#!/usr/bin/env bash
# One CLI test: check.sh EXIT STDOUT_REGEX STDERR_REGEX [STDIN_FILE|-] -- COMMAND...
# Runs COMMAND, then checks its exit code, and that stdout and stderr match the (extended)
# regular expressions ('' matches anything, EMPTY demands no output at all).
set -u
expected_exit=$1 out_re=$2 err_re=$3 stdin_file=$4
shift 4
[ "$1" = "--" ] && shift
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
if [ "$stdin_file" = "-" ]; then "$@" >"$out" 2>"$err" </dev/null; else "$@" >"$out" 2>"$err" <"$stdin_file"; fi
code=$?
fail=0
if [ "$code" != "$expected_exit" ]; then echo "exit code: expected $expected_exit, got $code"; fail=1; fi
matches() {  # matches FILE REGEX
  if [ "$2" = EMPTY ]; then [ ! -s "$1" ]; else grep -Ezq -- "$2" "$1"; fi
}
if [ -n "$out_re" ] && ! matches "$out" "$out_re"; then echo "stdout does not match: $out_re"; fail=1; fi
if [ -n "$err_re" ] && ! matches "$err" "$err_re"; then echo "stderr does not match: $err_re"; fail=1; fi
if [ $fail = 1 ]; then
  echo "--- command: $*"; echo "--- stdout:"; head -c 3000 "$out"; echo "--- stderr:"; head -c 3000 "$err"
fi
exit $fail
