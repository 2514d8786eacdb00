#!/usr/bin/python3
"""One CLI test: run `cajal` and compare its whole stdout, its whole stderr and its exit code.

Usage: run_case.py NAME EXIT CAJAL [--stdin FILE] [--golden OTHER] -- ARGS...

Runs CAJAL ARGS... (CAJAL is replaced by $CAJAL_CLI_UNDER_TEST when that is set: the suite can
run against a deliberately wrong `cajal`, see tests/meta/test_the_tests.py), then requires
  - the exit code to be EXIT,
  - stdout to equal tests/cli/expected/NAME.out and stderr tests/cli/expected/NAME.err, byte for
    byte after the normalization below; or, when NAME.out.re / NAME.err.re exists instead, the
    whole (normalized) output to match that regular expression (Python re.fullmatch, so it is
    anchored at both ends).
--golden OTHER compares against OTHER's golden files instead of NAME's: for a case that must print
exactly what another prints (the same training on more threads, or on other engine kernels).

Normalization (narrow, and the only one): the build and source directories become <build> and
<src>; a duration becomes <time> where `cajal` prints one: "(0.02 s)" in verdict lines, "(16 of 16 queries unsat, 0.17 s)" in `lemmas --check`,
"; 9 ms)" / "; < 1 ms)" at the end of `check`'s method note, and "in 1.2 s (250 programs/s)" in
`fuzz`'s summary, with the number of its slowest program ("slowest: program 118" becomes
"slowest: program <n>": which program is slowest depends on the machine's load), and the value
of a JSON "seconds" field. Then a float written for a round trip (17 significant digits, e.g. a
learned parameter) may differ from the golden one in its last bits: tests/lib/round_trip_floats.py
says why and how far.

CAJAL_UPDATE_GOLDEN=1 rewrites NAME.out and NAME.err from the current output (review the diff);
regex goldens are never rewritten.
"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))
from round_trip_floats import equal_up_to_round_off  # noqa: E402
EXPECTED = os.path.join(HERE, "expected")
SRC = os.path.dirname(os.path.dirname(HERE))

TIMINGS = [
    (re.compile(r"\((?:[0-9]+(?:\.[0-9]+)?(?:e[-+]?[0-9]+)?) s\)"), "(<time> s)"),
    (re.compile(r"; (?:< 1|[0-9]+(?:\.[0-9]+)?) ms\)"), "; <time>)"),
    (re.compile(r"; [0-9]+(?:\.[0-9]+)? s\)"), "; <time>)"),
    (re.compile(r"(queries unsat), [0-9]+(?:\.[0-9]+)?(?:e[-+]?[0-9]+)? s\)"), "\\1, <time> s)"),
    (re.compile(r"in [0-9]+(?:\.[0-9]+)?(?:e[-+]?[0-9]+)? s \([0-9]+(?:\.[0-9]+)?(?:e[-+]?[0-9]+)? programs/s\)"),
     "in <time> s (<rate> programs/s)"),
    (re.compile(r"^slowest: program [0-9]+ \(", re.M), "slowest: program <n> ("),
    (re.compile(r"\"seconds\": ?[0-9]+(?:\.[0-9]+)?(?:e[-+]?[0-9]+)?"), "\"seconds\":<time>"),
]


def normalize(text, build):
    if build:
        text = text.replace(build, "<build>")
    text = text.replace(SRC, "<src>")
    for pattern, replacement in TIMINGS:
        text = pattern.sub(replacement, text)
    return text


def main(argv):
    if len(argv) < 5 or "--" not in argv:
        print(__doc__, file=sys.stderr)
        return 2
    name, expected_exit, cajal = argv[1], int(argv[2]), argv[3]
    rest = argv[4:]
    stdin_file = None
    golden_name = name
    build = os.environ.get("CAJAL_BUILD_DIR", "")
    while rest[0] != "--":
        if rest[0] == "--stdin":
            stdin_file, rest = rest[1], rest[2:]
        elif rest[0] == "--golden":
            golden_name, rest = rest[1], rest[2:]
        else:
            print(f"run_case.py: unknown option {rest[0]}", file=sys.stderr)
            return 2
    args = rest[1:]
    binary = os.environ.get("CAJAL_CLI_UNDER_TEST") or cajal
    stdin = open(stdin_file, "rb") if stdin_file else subprocess.DEVNULL
    proc = subprocess.run([binary] + args, stdin=stdin, capture_output=True, timeout=600)
    out = normalize(proc.stdout.decode("utf-8", "replace"), build)
    err = normalize(proc.stderr.decode("utf-8", "replace"), build)

    update = os.environ.get("CAJAL_UPDATE_GOLDEN") == "1"
    failures = []
    if proc.returncode != expected_exit:
        failures.append(f"exit code: expected {expected_exit}, got {proc.returncode}")
    for stream, got in (("out", out), ("err", err)):
        golden = os.path.join(EXPECTED, f"{golden_name}.{stream}")
        regex = golden + ".re"
        if os.path.exists(regex):
            with open(regex, encoding="utf-8") as f:
                pattern = f.read()
            if not re.fullmatch(pattern, got, re.DOTALL):
                failures.append(f"std{stream} does not match the whole-output regex {regex}:\n{pattern}")
            continue
        if update and golden_name == name:
            with open(golden, "w", encoding="utf-8") as f:
                f.write(got)
            continue
        if not os.path.exists(golden):
            failures.append(f"{golden} is missing (run with CAJAL_UPDATE_GOLDEN=1)")
            continue
        with open(golden, encoding="utf-8") as f:
            want = f.read()
        if not equal_up_to_round_off(want, got):
            import difflib
            diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                                golden, f"actual std{stream}"))
            failures.append(f"std{stream} differs from {golden}:\n{diff}")
    if failures:
        print("--- command:", " ".join([binary] + args))
        for f in failures:
            print(f)
        print("--- stdout (normalized):\n" + out[:3000])
        print("--- stderr (normalized):\n" + err[:3000])
        return 1
    print(f"ok: exit {proc.returncode}, stdout and stderr as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
