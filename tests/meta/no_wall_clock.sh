#!/usr/bin/env bash
# No test asserts on wall-clock time (a test checks correctness; speed belongs to bench/): no
# assertion in tests/unit or tests/property mentions seconds, milliseconds, elapsed time,
# durations or std::chrono. Usage: no_wall_clock.sh SOURCE_DIR
set -euo pipefail
hits=$(grep -rnE '(EXPECT|ASSERT|RC_ASSERT)[A-Z_]*\(.*\b(seconds|milliseconds|elapsed|duration|chrono|clock)\b' \
  "$1/tests/unit" "$1/tests/property" || true)
if [ -n "$hits" ]; then
  echo "wall-clock assertions in tests (move them to bench/):"
  echo "$hits"
  exit 1
fi
echo "no wall-clock assertions"
