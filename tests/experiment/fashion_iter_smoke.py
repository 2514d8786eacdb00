#!/usr/bin/python3
"""Smoke test of experiments/fashion_iter: a small run (--smoke), then its figures checked.

Usage: fashion_iter_smoke.py PYTHON EXPERIMENT.py CAJAL     (runs the smoke experiment, checks it)
       fashion_iter_smoke.py --check-only DIR                (checks an existing output directory)

Passing requires more than files that exist: the run exits 0, every PSNR in the CSVs and in
summary.json is a finite number in a plausible range (0 to 80 dB; the PSNR of pixels in [-1, 1]
is at most 126 dB by construction, and NaN or inf means training diverged), the identity baseline
is in 5 to 60 dB, every CSV has the rows the smoke configuration asks for, and results.md holds no
NaN and has its table.
"""
import csv
import json
import math
import os
import re
import subprocess
import sys
import tempfile

FILES = ["learning_speed.csv", "data_efficiency.csv", "lr_grid.csv", "learning_speed.png", "data_efficiency.png",
         "examples.png", "results.md", "summary.json"]
PSNR_RANGE = (0.0, 80.0)
problems = []


def fail(message):
    problems.append(message)


def psnr_ok(where, value):
    try:
        x = float(value)
    except (TypeError, ValueError):
        fail(f"{where}: {value!r} is not a number")
        return
    if not math.isfinite(x):
        fail(f"{where}: {value!r} is not finite")
    elif not PSNR_RANGE[0] <= x <= PSNR_RANGE[1]:
        fail(f"{where}: {x} dB is outside {PSNR_RANGE}")


def rows(out, name, column, expected_rows):
    with open(os.path.join(out, name), newline="") as f:
        table = list(csv.DictReader(f))
    if len(table) < expected_rows:
        fail(f"{name}: {len(table)} rows, expected at least {expected_rows}")
    for i, row in enumerate(table):
        psnr_ok(f"{name} row {i + 2} {column}", row.get(column))
        if row.get("model") not in ("direct", "indirect"):
            fail(f"{name} row {i + 2}: model {row.get('model')!r}")
    return table


def check(out):
    for name in FILES:
        path = os.path.join(out, name)
        if not os.path.isfile(path) or os.path.getsize(path) == 0:
            fail(f"missing or empty: {name}")
    if problems:
        return
    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)  # (json accepts NaN and Infinity: checked below)
    cfg = summary.get("config", {})
    seeds, sizes, lrs = len(cfg.get("seeds", [])), len(cfg.get("sizes", [])), len(cfg.get("lrs", []))
    if not (seeds and sizes and lrs):
        fail(f"summary.json: config without seeds, sizes or lrs: {cfg}")
    x = summary.get("identity_psnr")
    if not (isinstance(x, (int, float)) and math.isfinite(x) and 5.0 <= x <= 60.0):
        fail(f"summary.json: identity_psnr {x!r} is not a finite number in [5, 60]")
    for model in ("direct", "indirect"):
        finals = summary.get("final_test_psnr_mean", {}).get(model, {})
        if len(finals) != sizes:
            fail(f"summary.json: {model} has {len(finals)} final PSNRs, expected {sizes}")
        for size, value in finals.items():
            psnr_ok(f"summary.json final_test_psnr_mean.{model}.{size}", value)
        n = summary.get("parameters", {}).get(model)
        if not (isinstance(n, int) and n > 0):
            fail(f"summary.json: parameters.{model} = {n!r}")
        lr = summary.get("learning_rate", {}).get(model)
        if lr not in cfg.get("lrs", []):
            fail(f"summary.json: learning_rate.{model} = {lr!r} is not in the grid")
    rows(out, "lr_grid.csv", "validation_psnr", 2 * lrs)
    rows(out, "data_efficiency.csv", "final_test_psnr", 2 * sizes * seeds)
    rows(out, "learning_speed.csv", "test_psnr", 2 * seeds * 2)
    with open(os.path.join(out, "results.md")) as f:
        text = f.read()
    if re.search(r"\b(nan|inf)\b", text, re.IGNORECASE):
        fail("results.md mentions nan or inf")
    if "| direct: final test PSNR" not in text or "| indirect: final test PSNR" not in text:
        fail("results.md has no table of final PSNRs")


def main(argv):
    if len(argv) == 3 and argv[1] == "--check-only":
        check(argv[2])
    elif len(argv) == 4:
        python, experiment, cajal = argv[1:]
        with tempfile.TemporaryDirectory() as out:
            run = subprocess.run([python, experiment, "--smoke", "--cajal", cajal, "--out", out],
                                 capture_output=True, text=True)
            if run.returncode != 0:
                fail(f"experiment.py --smoke exited {run.returncode}")
            else:
                check(out)
            if problems:
                print(run.stdout[-4000:])
                print(run.stderr[-4000:])
            else:
                print(open(os.path.join(out, "summary.json")).read())
    else:
        print(__doc__)
        return 2
    for p in problems:
        print("FAILED:", p)
    if not problems:
        print("the smoke run's figures are finite and in range")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
