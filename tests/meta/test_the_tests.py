#!/usr/bin/python3
"""Tests of the tests: a short mutation run. Each mutant is a deliberately wrong program; the suite
that should notice it runs against it, and the mutant is killed when a test fails.

  - compiler mutants (include/cajal/testing/mutant.hpp: swap-if, succ-backwards, iter-extra-step,
    transposed-matrix) against the oracle property, killed only by the oracle's own counterexample
    message (as the property.mutant.* CTests);
  - CLI and printer mutants (tests/meta/wrong_cajal.py: one printed value, one JSON field, one
    decimal, one verdict word, an exit code 1 -> 0 and 2 -> 1, a diagnostic's column, the printer's
    arrow, a dropped last line, an extra warning) against the CLI suite (the CTests labelled cli,
    read from `ctest --show-only=json-v1`, in their order, the golden cases first; cli.lemmas_proved
    is left out: a minute of Z3). A mutant's run stops after its first 2 kills, and every killing
    test is re-run against the unchanged wrapper, where it must pass: the kill is the mutant's.

Prints each mutant with the tests that killed it, and the kill rate; exits 1 unless it is 100 %.
Usage: test_the_tests.py BUILD_DIR CAJAL PROPERTY_TESTS
"""
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
COMPILER_MUTANTS = ["swap-if", "succ-backwards", "iter-extra-step", "transposed-matrix"]
CLI_MUTANTS = ["value", "json", "number", "verdict", "exit-ok", "exit-neg", "location", "printer", "truncate", "noise"]
CAUGHT = re.compile(r"Falsifiable after [0-9]+ tests.*at depth [0-9]+ the (network gives .* but the interpreter's value"
                    r"|run needs naturals up to [0-9]+ but the engine reported no lost mass)", re.S)
NOT_CAUGHT = re.compile(r"unknown mutant|xception|the compiler failed|the engine failed|does not type-check|"
                        r"cannot be encoded|the interpreter failed|Running 0 tests")
SKIP = {"cli.lemmas_proved"}
KILLS_ENOUGH = 2


def cli_cases(build):
    show = subprocess.run(["ctest", "--test-dir", build, "--show-only=json-v1", "-L", "^cli$"], capture_output=True,
                          text=True, check=True)
    cases = []
    for t in json.loads(show.stdout)["tests"]:
        if t["name"] in SKIP:
            continue
        props = {p["name"]: p["value"] for p in t.get("properties", [])}
        env = dict(e.split("=", 1) for e in props.get("ENVIRONMENT", []))
        cases.append((t["name"], t["command"], env, props.get("WORKING_DIRECTORY", build)))
    cases.sort(key=lambda c: "run_case.py" not in " ".join(c[1]))  # golden cases first (stable)
    return cases


def run_case(case, kind, cajal, cache):
    name, command, env, cwd = case
    full = dict(os.environ, **env, CAJAL_CLI_UNDER_TEST=os.path.join(HERE, "wrong_cajal.py"), CAJAL_REAL_CLI=cajal,
                CAJAL_WRONG=kind, CAJAL_WRONG_CACHE=cache)
    proc = subprocess.run(command, env=full, cwd=cwd, capture_output=True, timeout=300)
    return name, proc.returncode == 0


def main(argv):
    build, cajal, properties = argv[1:4]
    killed, total, problems = 0, 0, []
    print(f"{'mutant':28} {'killed':7} by")
    for m in COMPILER_MUTANTS:
        total += 1
        proc = subprocess.run([properties, "--gtest_filter=Oracle.CompilerAgreesWithInterpreter"], capture_output=True,
                              text=True, env=dict(os.environ, CAJAL_MUTANT=m, RC_PARAMS="max_success=5000 max_size=80"))
        text = proc.stdout + proc.stderr
        if CAUGHT.search(text) and not NOT_CAUGHT.search(text):
            killed += 1
            print(f"{'compiler: ' + m:28} {'yes':7} Oracle.CompilerAgreesWithInterpreter (its counterexample message)")
        else:
            print(f"{'compiler: ' + m:28} {'NO':7} (no counterexample from the oracle)\n{text[-2000:]}")
    cases = cli_cases(build)
    by_name = {c[0]: c for c in cases}
    with tempfile.TemporaryDirectory() as cache, concurrent.futures.ThreadPoolExecutor(2) as pool:
        for kind in CLI_MUTANTS:
            total += 1
            started = time.time()
            kills = []
            futures = []
            for case in cases:  # submitted in order, two at a time; stop once enough kills are seen
                futures.append(pool.submit(run_case, case, kind, cajal, cache))
                if len(futures) >= 2:
                    name, ok = futures.pop(0).result()
                    if not ok:
                        kills.append(name)
                    if len(kills) >= KILLS_ENOUGH:
                        break
            for f in futures:
                name, ok = f.result()
                if not ok:
                    kills.append(name)
            # The same tests pass against the unchanged wrapper: the kill is the mutant's doing.
            not_transparent = [n for n, ok in pool.map(lambda n: run_case(by_name[n], "none", cajal, cache), kills) if not ok]
            if not_transparent:
                problems.append(f"{kind}: {', '.join(not_transparent)} fail against the unchanged wrapper too")
            if kills and not not_transparent:
                killed += 1
                print(f"{'cli: ' + kind:28} {'yes':7} {', '.join(kills)} (each passes unchanged; {time.time() - started:.0f} s)")
            else:
                print(f"{'cli: ' + kind:28} {'NO':7} {'(no CLI test failed)' if not kills else problems[-1]}")
    print(f"kill rate: {killed} of {total} mutants ({100 * killed // total} %); {len(cases)} CLI tests available")
    for p in problems:
        print("FAILED:", p)
    return 0 if killed == total and not problems else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
