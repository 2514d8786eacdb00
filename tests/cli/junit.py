#!/usr/bin/python3
"""cli.junit: `--junit FILE` of `cajal prove`, `check` and `fuzz` writes well-formed JUnit XML
whose counts, outcomes and messages match the verdict, and whose text is escaped.

    junit.py CAJAL EXAMPLES_DIR DATA_DIR

Each case runs the command with --junit into a temporary directory, checks the exit code, parses
the file with xml.etree (a parse error fails) and checks the one <testsuite>: its tests /
failures / errors counts against its <testcase> elements, and what each case says.
"""
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

failures = []


def run(cajal, workdir, name, args, want_exit):
    path = os.path.join(workdir, name + ".xml")
    r = subprocess.run([cajal] + args + ["--junit", path], capture_output=True, text=True)
    if r.returncode != want_exit:
        failures.append(f"{name}: exit {r.returncode}, want {want_exit}\n{r.stderr}")
        return None
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as e:
        failures.append(f"{name}: not well-formed XML: {e}")
        return None
    suites = root.findall("testsuite")
    if root.tag != "testsuites" or len(suites) != 1:
        failures.append(f"{name}: want <testsuites> holding one <testsuite>, got <{root.tag}> with {len(suites)}")
        return None
    suite = suites[0]
    cases = suite.findall("testcase")
    counted = {"tests": len(cases), "failures": sum(len(c.findall("failure")) for c in cases),
               "errors": sum(len(c.findall("error")) for c in cases)}
    for key, value in counted.items():
        if suite.get(key) != str(value) or root.get(key) != str(value):
            failures.append(f"{name}: {key}={suite.get(key)} but {value} such <testcase>s")
    return suite


def expect(name, condition, what):
    if not condition:
        failures.append(f"{name}: {what}")


def outcome(case):
    if case.find("failure") is not None:
        return "failure"
    if case.find("error") is not None:
        return "error"
    return "passed"


def main():
    cajal, examples, data = sys.argv[1:4]
    even = os.path.join(examples, "even.cj")
    with tempfile.TemporaryDirectory() as w:
        s = run(cajal, w, "prove_proved", ["prove", even], 0)
        if s is not None:
            (c,) = s.findall("testcase")
            expect("prove_proved", outcome(c) == "passed", "the case does not pass")
            expect("prove_proved", c.get("name") == f"{even} at depth 9", f"name {c.get('name')!r}")
            expect("prove_proved", c.get("classname") == "cajal.prove", f"classname {c.get('classname')!r}")

        s = run(cajal, w, "prove_refuted", ["prove", even, "--mutant", "swap-if"], 1)
        if s is not None:
            f = s.find("testcase/failure")
            expect("prove_refuted", f is not None and f.get("type") == "refuted", "no <failure type=refuted>")
            expect("prove_refuted", f is not None and "counterexample:" in f.text and "n = " in f.text,
                   "the failure's body has no counterexample")

        s = run(cajal, w, "prove_unknown", ["prove", os.path.join(data, "size_cap.cj")], 3)
        if s is not None:
            e = s.find("testcase/error")
            expect("prove_unknown", e is not None and e.get("type") == "unknown", "no <error type=unknown>")

        s = run(cajal, w, "prove_type_error", ["prove", os.path.join(data, "type_error.cj")], 2)
        if s is not None:
            e = s.find("testcase/error")
            expect("prove_type_error", e is not None and e.get("type") == "invalid-input", "no <error type=invalid-input>")
            expect("prove_type_error", e is not None and "type_error.cj:" in e.get("message"), "the message has no location")

        s = run(cajal, w, "check_equivalent", ["check", os.path.join(examples, "not.cj"), os.path.join(data, "not_table.cj")], 0)
        if s is not None:
            (c,) = s.findall("testcase")
            expect("check_equivalent", outcome(c) == "passed", "the case does not pass")
            expect("check_equivalent", "==" in c.get("name") and "at depth 9" in c.get("name"), f"name {c.get('name')!r}")

        eta = os.path.join(examples, "equivalence", "eta_wrong.cj")
        s = run(cajal, w, "check_not_equivalent", ["check", eta, "--defs", "left", "right"], 1)
        if s is not None:
            f = s.find("testcase/failure")
            expect("check_not_equivalent", f is not None and f.get("type") == "not-equivalent", "no <failure>")
            # The counterexample holds a table {true ↦ false, ...}: non-ASCII text, kept as UTF-8.
            expect("check_not_equivalent", f is not None and "\u21a6" in f.text and "reproduce: cajal run" in f.text,
                   "the failure's body has no counterexample with its table and reproduction")

        s = run(cajal, w, "fuzz_clean", ["fuzz", "--count", "50", "--seed", "5"], 0)
        if s is not None:
            cases = s.findall("testcase")
            programs = [c.get("name") for c in cases if c.get("name").startswith("program ")]
            want = [f"program {i} (size {i % 51})" for i in range(50)]
            expect("fuzz_clean", programs == want, f"want one case per program in order, got {programs[:3]}...")
            expect("fuzz_clean", len(cases) == 51 and cases[-1].get("name").startswith("campaign")
                   and all(outcome(c) in ("passed", "skipped") for c in cases),
                   "want 50 passing (or skipped) program cases and a passing campaign case")
            expect("fuzz_clean", all("compared with the interpreter at" in (c.findtext("system-out") or "")
                                     for c in cases[:-1] if outcome(c) == "passed"),
                   "a passing program's case does not say at how many depths it was compared")
            expect("fuzz_clean", int(s.get("skipped")) == sum(outcome(c) == "skipped" for c in cases),
                   "the skipped count does not match the skipped cases")
            props = {p.get("name"): p.get("value") for p in s.findall("properties/property")}
            expect("fuzz_clean", props.get("seed") == "5" and props.get("count") == "50", f"properties {props}")

        s = run(cajal, w, "fuzz_mutant", ["fuzz", "--count", "300", "--seed", "5", "--mutant", "iter-extra-step"], 1)
        if s is not None:
            cases = s.findall("testcase")
            programs = [c for c in cases if c.get("name").startswith("program ")]
            failing = [c for c in programs if outcome(c) == "failure"]
            expect("fuzz_mutant", len(failing) >= 1 and outcome(cases[-1]) == "failure"
                   and int(s.get("failures")) == len(failing) + 1,
                   "want a failing case per failing program and a failing campaign")
            expect("fuzz_mutant", all("cajal run" in c.find("failure").text for c in failing),
                   "a failing program's body has no reproduction")

        bad = os.path.join(w, "missing-dir", "report.xml")
        r = subprocess.run([cajal, "prove", even, "--junit", bad], capture_output=True, text=True)
        expect("unwritable", r.returncode == 2 and "cannot write" in r.stderr, f"exit {r.returncode}: {r.stderr}")

    for f in failures:
        print("FAIL", f)
    print(f"junit.py: {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
