#!/usr/bin/env bash
# Seconds per epoch of `cajal train` on the parity example and on spec/examples/vectors/rnn.cj
# (README, "The engine"): the best of R runs of E epochs each, front end included (divided out
# by running 1 epoch too: per epoch = (t_E − t_1) / (E − 1)).
#
#   bench/train_epochs.sh CAJAL [EPOCHS] [ROUNDS]
set -euo pipefail
cajal=$1 epochs=${2:-100000} rounds=${3:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
best() {  # best wall-clock seconds of `rounds` runs of the command
  local b=""
  for _ in $(seq "$rounds"); do
    local s e
    s=$(date +%s.%N)
    "$@" > /dev/null 2>&1
    e=$(date +%s.%N)
    b=$(echo "$s $e ${b:-1e9}" | awk '{t = $2 - $1; print (t < $3 ? t : $3)}')
  done
  echo "$b"
}
for example in learning/parity.cj:learning/parity.jsonl vectors/rnn.cj:vectors/turn.jsonl; do
  program=$root/spec/examples/${example%%:*} data=$root/spec/examples/${example##*:}
  t1=$(best "$cajal" train "$program" --data "$data" --epochs 1 --quiet --threads 1)
  tn=$(best "$cajal" train "$program" --data "$data" --epochs "$epochs" --quiet --threads 1)
  echo "$t1 $tn $epochs ${example%%:*}" | awk '{printf "%s: %.1f µs per epoch (%d epochs in %.3f s, one epoch %.3f s)\n", $4, ($2 - $1) / ($3 - 1) * 1e6, $3, $2, $1}'
done
