#!/usr/bin/env bash
# cli.completion: the bash completion script the build writes (`cajal completion bash`) is valid
# bash and completes command names, a command's flags, a mutant name and `help COMMAND`; and it
# is what the tool writes now (not a stale copy).
#
#   completion.sh CAJAL SCRIPT
set -euo pipefail
cajal=$1 script=$2
bash -n "$script"
diff <("$cajal" completion bash) "$script"
# shellcheck disable=SC1090
source "$script"
complete -p cajal | grep -q -- '-F _cajal'

complete_words() {  # complete_words WORD... : COMPREPLY for the last word
  COMP_WORDS=("$@")
  COMP_CWORD=$(($# - 1))
  COMPREPLY=()
  _cajal
  echo "${COMPREPLY[*]}"
}
expect() {  # expect GOT WANT
  if [ "$1" != "$2" ]; then echo "completion.sh: got '$1', want '$2' (for: ${COMP_WORDS[*]})"; exit 1; fi
}
expect "$(complete_words cajal pro)" "prove"
expect "$(complete_words cajal c)" "compile check"
expect "$(complete_words cajal prove x.cj --ju)" "--junit"
expect "$(complete_words cajal check a.cj b.cj --neu)" "--neural"
expect "$(complete_words cajal check a.cj b.cj --neural --js)" "--json"   # (a switch takes no value)
expect "$(complete_words cajal fuzz --mutant s)" "swap-if succ-backwards"
expect "$(complete_words cajal help fu)" "fuzz"
expect "$(complete_words cajal run x.cj --frob)" ""
echo "completion.sh: passed"
