#!/usr/bin/python3
"""Smoke test of experiments/fashion: the metric, then a small run of both experiments (--smoke)
with its figures checked.

Usage: fashion_smoke.py PYTHON EXPERIMENT.py CAJAL [--device cuda]
                                                  (checks the metric, runs the smoke experiment, checks it;
                                                   with --device cuda on the GPU, and exit 77, skipped,
                                                   when PyTorch sees none)
       fashion_smoke.py --check-only DIR          (checks an existing output directory)

Passing requires more than files that exist:
- the metric is the aggregate PSNR, 10 log10(4 / MSE over every pixel): on a set where some
  targets equal their inputs, the identity map gets exactly that figure (not the mean of per-image
  PSNRs, which an exact copy of an unchanged image would inflate without bound), and the PSNR over
  changed images leaves the unchanged ones out;
- the run exits 0; every PSNR in the CSVs and in summary.json is a finite number, at most 80 dB
  (NaN or inf means training diverged, and above 80 dB means a metric that rewards copies), and at
  least 0 dB at each run's best validation checkpoint; each task's identity score is in 5 to 60 dB; the chosen learning rate and batch size of
  every task and model are in the grid; every CSV has the rows the smoke configuration asks for;
  the count agreements are fractions for the direct models; the compiled module and the
  hand-written loop give the same output; results.md has both tasks' tables and no NaN.
"""
import csv
import importlib.util
import json
import math
import os
import re
import subprocess
import sys
import tempfile

TASKS = ["iterate", "conditional"]
MODELS = ["direct", "indirect", "direct_resstep", "indirect_unet"]
FILES = ["grid.csv", "curves.csv", "finals.csv", "results.md", "summary.json"] + [
    f"{t}_{kind}.png" for t in TASKS for kind in ("learning", "data_efficiency", "examples")]
PSNR_RANGE = (0.0, 80.0)
# Early in training a model can be far worse than the identity: the paper's direct model starts
# with a random 13x13 kernel applied up to 9 times, whose output is orders of magnitude off (below
# 0 dB). A curve's PSNR (and a grid score) need only be finite and not above the range.
CURVE_RANGE = (-math.inf, 80.0)
problems = []


def fail(message):
    problems.append(message)


def number(where, value, lo, hi):
    try:
        x = float(value)
    except (TypeError, ValueError):
        fail(f"{where}: {value!r} is not a number")
        return None
    if not math.isfinite(x):
        fail(f"{where}: {value!r} is not finite")
    elif not lo <= x <= hi:
        fail(f"{where}: {x} is outside [{lo}, {hi}]")
    return x


def check_metric(experiment):
    """The experiment's metric on a hand-made set: two images changed, two equal to their targets."""
    spec = importlib.util.spec_from_file_location("experiment", experiment)
    e = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(e)
    import torch
    x = torch.zeros(4, 1, 28, 28)
    target = x.clone()
    target[0] += 0.5   # per-pixel error 0.25 for the identity map
    target[1] -= 1.0   # per-pixel error 1.0
    m = e.metrics(x, target, x)  # the identity map: exact copies of images 2 and 3
    expected = 10 * math.log10(4.0 / ((0.25 + 1.0 + 0 + 0) / 4))
    if abs(m["psnr"] - expected) > 1e-9:
        fail(f"metric: aggregate PSNR of the identity map is {m['psnr']}, expected {expected} (one MSE over all pixels)")
    changed = (10 * math.log10(4.0 / 0.25) + 10 * math.log10(4.0 / 1.0)) / 2
    if abs(m["psnr_changed"] - changed) > 1e-9:
        fail(f"metric: PSNR over changed images is {m['psnr_changed']}, expected {changed} (images 0 and 1 only)")
    if abs(m["mse"] - 0.3125) > 1e-12:
        fail(f"metric: MSE {m['mse']}, expected 0.3125")


def read(out, name):
    with open(os.path.join(out, name), newline="") as f:
        return list(csv.DictReader(f))


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
    seeds, sizes = cfg.get("seeds", []), cfg.get("sizes", [])
    lrs, batches = cfg.get("lrs", []), cfg.get("batches", [])
    if not (seeds and sizes and lrs and batches):
        fail(f"summary.json: config without seeds, sizes, lrs or batches: {cfg}")
        return
    for task in TASKS:
        for key in ("psnr", "psnr_changed"):
            number(f"summary.json identity.{task}.{key}", summary.get("identity", {}).get(task, {}).get(key), 5.0, 60.0)
        for model in MODELS:
            chosen = summary.get("chosen", {}).get(task, {}).get(model, {})
            if chosen.get("lr") not in lrs or chosen.get("batch") not in batches:
                fail(f"summary.json: chosen.{task}.{model} = {chosen} is not in the grid")
            finals = summary.get("final_test_psnr", {}).get(task, {}).get(model, {})
            if sorted(finals) != sorted(str(s) for s in sizes):
                fail(f"summary.json: final_test_psnr.{task}.{model} has sizes {sorted(finals)}, expected {sizes}")
            for size, value in finals.items():
                number(f"summary.json final_test_psnr.{task}.{model}.{size}", value, *PSNR_RANGE)
            n = summary.get("parameters", {}).get(task, {}).get(model)
            if not (isinstance(n, int) and n > 0):
                fail(f"summary.json: parameters.{task}.{model} = {n!r}")
    cost = summary.get("overhead", {})
    if cost.get("same_output") is not True:
        fail(f"summary.json: the compiled module and the hand-written loop differ: {cost}")
    for key in ("compiled_ms_per_step", "by_hand_ms_per_step"):
        number(f"summary.json overhead.{key}", cost.get(key), 1e-3, 1e6)

    grid = read(out, "grid.csv")
    if len(grid) != len(TASKS) * len(MODELS) * len(lrs) * len(batches):
        fail(f"grid.csv: {len(grid)} rows, expected {len(TASKS) * len(MODELS) * len(lrs) * len(batches)}")
    for i, row in enumerate(grid):
        number(f"grid.csv row {i + 2} val_psnr", row.get("val_psnr"), *CURVE_RANGE)
    finals = read(out, "finals.csv")
    if len(finals) != len(TASKS) * len(MODELS) * len(sizes) * len(seeds):
        fail(f"finals.csv: {len(finals)} rows, expected {len(TASKS) * len(MODELS) * len(sizes) * len(seeds)}")
    for i, row in enumerate(finals):
        for key in ("best_val_psnr", "best_test_psnr", "best_test_psnr_changed"):
            number(f"finals.csv row {i + 2} {key}", row.get(key), *PSNR_RANGE)
        if row.get("model", "").startswith("direct"):
            number(f"finals.csv row {i + 2} best_test_count_agreement", row.get("best_test_count_agreement"), 0.0, 1.0)
            if row.get("task") == "conditional":
                number(f"finals.csv row {i + 2} best_test_parity_agreement", row.get("best_test_parity_agreement"), 0.0, 1.0)
    curves = read(out, "curves.csv")
    if len(curves) < 2 * len(finals):
        fail(f"curves.csv: {len(curves)} rows, expected at least two evaluations per run ({2 * len(finals)})")
    for i, row in enumerate(curves):
        number(f"curves.csv row {i + 2} test_psnr", row.get("test_psnr"), *CURVE_RANGE)
    with open(os.path.join(out, "results.md")) as f:
        text = f.read()
    if re.search(r"\b(nan|inf)\b", text, re.IGNORECASE):
        fail("results.md mentions nan or inf")
    for task in TASKS:
        if f"## {task}" not in text:
            fail(f"results.md has no section for {task}")
    if text.count("| direct |") < 2 * len(TASKS):
        fail("results.md lacks the per-task tables")


def main(argv):
    if len(argv) == 3 and argv[1] == "--check-only":
        check(argv[2])
    elif len(argv) == 4 or (len(argv) == 6 and argv[4] == "--device"):
        python, experiment, cajal = argv[1:4]
        device = argv[5] if len(argv) == 6 else "cpu"
        if device != "cpu":
            probe = subprocess.run([python, "-c", "import torch; print(torch.cuda.is_available())"],
                                   capture_output=True, text=True)
            if probe.stdout.strip() != "True":
                print(f"skipped: PyTorch ({python}) sees no GPU for --device {device}")
                return 77
        check_metric(experiment)
        with tempfile.TemporaryDirectory() as out:
            run = subprocess.run([python, experiment, "--smoke", "--device", device, "--cajal", cajal, "--out", out],
                                 capture_output=True, text=True)
            if run.returncode != 0:
                fail(f"experiment.py --smoke exited {run.returncode}")
            else:
                check(out)
            if problems:
                print(run.stdout[-4000:])
                print(run.stderr[-4000:])
            else:
                print(open(os.path.join(out, "results.md")).read())
    else:
        print(__doc__)
        return 2
    for p in problems:
        print("FAILED:", p)
    if not problems:
        print("the metric is aggregate, and the smoke run's figures are finite and in range")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
