#!/usr/bin/env bash
# Campaigns past one core and one machine: `fuzz --jobs 2` reports what a serial run reports
# (counts and failures, in order, with and without a planted bug); the two shards of a campaign,
# run through GNU parallel exactly as the README shows, merge to the serial run's counts; and a
# merge that is incomplete, of two campaigns, or with a shard twice is refused.
# Usage: fuzz_shards.sh CAJAL
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cajal=$(cajal_under_test "$1")
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT

# same A.json B.json: the two summaries agree on everything but the time taken and the shards.
same() {
  /usr/bin/python3 -S - "$1" "$2" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for s in (a, b):
    for k in ("seconds", "covered", "shards"): s.pop(k)
if a != b:
    for k in sorted(set(a) | set(b)):
        if a.get(k) != b.get(k): print(f"FAILED: {sys.argv[1]} and {sys.argv[2]} differ in {k}: {a.get(k)!r} vs {b.get(k)!r}"[:600])
    sys.exit(1)
PY
}

step 0 "$d/serial.json" -- "$cajal" fuzz --count 400 --seed 5 --json
step 0 "$d/jobs.json" -- "$cajal" fuzz --count 400 --seed 5 --jobs 2 --json
same "$d/serial.json" "$d/jobs.json"
step 1 "$d/serial_mutant.json" -- "$cajal" fuzz --count 300 --seed 5 --mutant iter-extra-step --json
step 1 "$d/jobs_mutant.json" -- "$cajal" fuzz --count 300 --seed 5 --mutant iter-extra-step --jobs 2 --json
same "$d/serial_mutant.json" "$d/jobs_mutant.json"
grep -q '"index": 11' "$d/jobs_mutant.json" || { echo "FAILED: the planted bug's failures are missing"; exit 1; }

if ! command -v parallel >/dev/null; then
  echo "GNU parallel is not installed (scripts/install-deps.sh installs it): the shard test is skipped"
  exit 77
fi
# The README's command, on 2 shards.
(cd "$d" && parallel --halt now,fail=1 "$cajal" fuzz --count 400 --seed 5 --shard {}/2 --json '>' shard-{}.json ::: 0 1)
step 0 "$d/merged.json" -- "$cajal" fuzz --merge "$d/shard-0.json" "$d/shard-1.json" --json
same "$d/serial.json" "$d/merged.json"
step 0 "$d/merged.txt" -- "$cajal" fuzz --merge "$d/shard-1.json" "$d/shard-0.json"
expect_line "$d/merged.txt" "cajal fuzz --merge: 2 summaries of the campaign with seed 5, 400 programs, sizes 0..50, depth 9, 2 of 2 shards"

step 3 "$d/incomplete.txt" -- "$cajal" fuzz --merge "$d/shard-0.json"
expect_line "$d/incomplete.txt.err" "cajal: the merge is incomplete: no summary of shard 1 of 2"
step 2 "$d/twice.txt" -- "$cajal" fuzz --merge "$d/shard-0.json" "$d/shard-0.json"
expect_line "$d/twice.txt.err" "cajal: error: shard 0 is in two of the summaries"
step 2 "$d/other.txt" -- "$cajal" fuzz --merge "$d/shard-0.json" "$d/serial.json"
expect_line "$d/other.txt.err" "cajal: error: summary 2 is of another campaign (its seed, count, depth, sizes, mutant or shards differ)"
echo '{"format": "cajal-fuzz-summary", "version": 1, "seed": -1}' > "$d/forged.json"
step 2 "$d/forged.txt" -- "$cajal" fuzz --merge "$d/forged.json"
expect_line "$d/forged.txt.err" "cajal: error: $d/forged.json: \"seed\" must be a whole number"
step 2 "$d/badshard.txt" -- "$cajal" fuzz --count 10 --shard 2/2
expect_line "$d/badshard.txt.err" "cajal: error: --shard takes K/N with 0 <= K < N (shard K of N), got \`2/2\`"
echo "--jobs 2 and 2 merged shards report what one serial run reports"
