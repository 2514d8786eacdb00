#!/usr/bin/env python3
"""The engine beside its physical limit and beside PyTorch, in one run (README, "The engine").

    /usr/bin/python3 bench/engine_vs_torch.py BUILD_DIR [--quick | --smoke]

--quick: dimensions 2, 10, 100 and batches 1, 64; --smoke (the CTest bench.engine_vs_torch):
dimensions 2 and 10, batch 1, timed briefly — it checks the script, not the machine.

For the iteration neuron `iter { s | y => step y } (n)` (state dimension D + 1, a batch of B
states, 4 iterations; bench/network_bench.cpp), at D + 1 in {2, 10, 100, 1000} and B in
{1, 64, 4096}, one core each:
  - engine: a kept cajal::Plan on one thread (BM_IterationNeuron), with the kernels it chose;
  - native GEMM: Eigen's GEMM compiled with -march=native on the same products, timed in the
    same benchmark (the machine's limit);
  - torch float64 / float32: the module `cajal compile --emit torch` writes for the same program,
    run by this Python's PyTorch on the same shapes (torch.set_num_threads(1)). The module
    computes every state h_0 .. h_D (it cannot know which count rows are zero, and gradients
    need them all), a batched product per state, so it does D + 1 steps where the engine does 4;
    skipped where that is more than 20 GFLOP a run.
Prints a Markdown table of microseconds per run (GFLOP/s counted on the 4 steps the answer
needs).
"""
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

PROGRAM = "param step : Nat -o Nat\ndef main = fun s : Nat => fun n : Nat => iter { s | y => step y } (n)\n"


LEAST = 0.2  # seconds each timing runs for at least


def seconds_per_call(f, least=None):
    least = LEAST if least is None else least
    f()
    calls, start = 0, time.perf_counter()
    while True:
        f()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= least:
            return elapsed / calls


def torch_seconds(cajal, dim, batch, dtype, workdir):
    depth = dim - 1
    steps = min(4, depth)
    path = Path(workdir) / f"iter_{dim}.py"
    if not path.exists():
        source = Path(workdir) / "iter.cj"
        source.write_text(PROGRAM)
        text = subprocess.run([cajal, "compile", str(source), "--depth", str(depth), "--emit", "torch"],
                              check=True, capture_output=True, text=True).stdout
        path.write_text(text)
    spec = importlib.util.spec_from_file_location(f"iter_{dim}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    program = module.Program().to(dtype)
    g = torch.Generator().manual_seed(0)
    s = torch.rand(batch, dim, generator=g, dtype=dtype)
    n = torch.zeros(batch, dim, dtype=dtype)
    n[:, steps] = 1
    step = torch.rand(dim, dim, generator=g, dtype=dtype) / dim
    with torch.no_grad():
        return seconds_per_call(lambda: program(s, n, step=step))


def main():
    build = Path(sys.argv[1])
    global LEAST
    quick, smoke = "--quick" in sys.argv, "--smoke" in sys.argv
    if smoke:
        LEAST = 0.01
    torch.set_num_threads(1)
    out = subprocess.run([str(build / "bench" / "cajal_bench"),
                          "--benchmark_filter=BM_IterationNeuron/(2|10)/1$" if smoke else "--benchmark_filter=BM_IterationNeuron/",
                          f"--benchmark_min_time={0.01 if smoke else 0.2}", "--benchmark_format=json"],
                         check=True, capture_output=True, text=True).stdout
    engine = {}
    for b in json.loads(out)["benchmarks"]:
        _, dim, batch = b["name"].split("/")
        engine[(int(dim), int(batch))] = b
    dims = [2, 10] if smoke else [2, 10, 100] if quick else [2, 10, 100, 1000]
    batches = [1] if smoke else [1, 64] if quick else [1, 64, 4096]
    print(f"torch {torch.__version__} (threads: 1); engine kernels: {next(iter(engine.values())).get('label', '?')}")
    print()
    print("| state dim | batch | engine | native GEMM (limit) | engine / limit | torch float64 | torch float32 |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as workdir:
        for dim in dims:
            for batch in batches:
                b = engine[(dim, batch)]
                us = b["real_time"]  # microseconds (the benchmark's unit)
                flops = 2.0 * dim * dim * batch * min(4, dim - 1)
                fraction = b["native_gemm_fraction"]
                gf = lambda t: flops / t / 1e3  # GFLOP/s from microseconds
                if 2.0 * dim * dim * batch * dim > 2e10:
                    torch64 = torch32 = "skipped"
                else:
                    t64 = torch_seconds(str(build / "cajal"), dim, batch, torch.float64, workdir) * 1e6
                    t32 = torch_seconds(str(build / "cajal"), dim, batch, torch.float32, workdir) * 1e6
                    torch64, torch32 = f"{t64:.3g} µs", f"{t32:.3g} µs"
                print(f"| {dim} | {batch} | {us:.3g} µs ({gf(us):.3g} GFLOP/s) | {us * fraction:.3g} µs ({gf(us * fraction):.3g}) "
                      f"| {fraction:.2f} | {torch64} | {torch32} |", flush=True)


if __name__ == "__main__":
    main()
