#!/usr/bin/python3
"""Every CTest that selects GoogleTest tests with --gtest_filter fails when the filter matches
nothing: it has FAIL_REGULAR_EXPRESSION "Running 0 tests" (GoogleTest exits 0 on an empty filter,
so a renamed suite would otherwise stop running without a sound). Also checks that the pattern is
what this GoogleTest prints for an empty filter.

Usage: filters_guarded.py BUILD_DIR GTEST_BINARY
"""
import json
import subprocess
import sys

build, binary = sys.argv[1], sys.argv[2]
show = subprocess.run(["ctest", "--test-dir", build, "--show-only=json-v1"], capture_output=True, text=True, check=True)
tests = json.loads(show.stdout)["tests"]
guarded, problems = 0, []
for test in tests:
    command = test.get("command", [])
    if not any(arg.startswith("--gtest_filter") for arg in command):
        continue
    props = {p["name"]: p["value"] for p in test.get("properties", [])}
    fail = props.get("FAIL_REGULAR_EXPRESSION", [])
    if isinstance(fail, str):
        fail = [fail]
    if any("Running 0 tests" in f for f in fail):
        guarded += 1
    else:
        problems.append(f"{test['name']}: --gtest_filter without FAIL_REGULAR_EXPRESSION \"Running 0 tests\"")
empty = subprocess.run([binary, "--gtest_filter=NoSuchSuiteAnywhere.*"], capture_output=True, text=True)
if "Running 0 tests" not in empty.stdout:
    problems.append(f"an empty filter does not print `Running 0 tests`:\n{empty.stdout}")
if guarded == 0:
    problems.append("no filtered CTest found (is the build directory right?)")
for p in problems:
    print("FAILED:", p)
print(f"{guarded} filtered CTests, all guarded against an empty filter" if not problems else "")
sys.exit(1 if problems else 0)
