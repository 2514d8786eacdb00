#!/usr/bin/python3
"""`cajal compile --emit torch` agrees with the C++ engine, on outputs and on gradients.

    check_torch.py CAJAL GENERATE EXAMPLES_DIR [RANDOM_COUNT]

For every spec example (with those in examples/vectors and examples/learning) and RANDOM_COUNT random well-typed programs (written by GENERATE, the
oracle's generator): export the network as a PyTorch module, run it on random real inputs and
params (not only encodings) in one batch, and compare, sample by sample, with
`cajal grad --json` (the engine's output and its reverse-mode gradients of the summed output).
Also: a function-typed param given as a callable equals the same param given as its matrix.
Prints 'N passed, M failed, K skipped' (skipped: a numeral above the depth, or two inputs with one
name) and exits 1 on any failure.

Each program runs twice: in float64 (the module converted with .to(torch.float64), float64
inputs), which must equal the engine to TOL = 1e-9; and in float32 (the module as built, float32
inputs and params: the module computes in its inputs' dtype), whose outputs must be float32 and,
like its gradients, within the float32 bound of the engine's float64 values:

    |torch_float32 - engine| <= BOUND32 * (1 + max |engine|)      (per sample, BOUND32 = 1e-5)

The inputs are drawn in float32 so that both runs see the same numbers; the largest error seen is
printed, so the bound's margin is visible in the CTest log.
"""
import glob
import importlib.util
import json
import os
import random
import subprocess
import sys
import tempfile

try:
    import torch
except ImportError:
    print("python3-torch is missing: run scripts/install-deps.sh (Debian's python3-torch)")
    sys.exit(1)

DEPTH = 5
BATCH = 3
TOL = 1e-9
BOUND32 = 1e-5
SKIP = "skip"
worst32 = {"error": 0.0, "where": ""}


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def vector_text(t):
    return json.dumps([float(x) for x in t.reshape(-1).tolist()])


def flat(x):
    """A JSON value from `cajal grad --json` (a list, or a list of rows) as a flat tensor."""
    return torch.tensor(x, dtype=torch.float64).reshape(-1)


def close(a, b):
    return a.shape == b.shape and torch.allclose(a, b, rtol=TOL, atol=TOL)


def close32(a, engine, where):
    """a (float32) is within the float32 bound of the engine's float64 values; records the worst."""
    if a.dtype != torch.float32 or a.shape != engine.shape:
        return False
    error = ((a.double() - engine).abs().max() / (1 + engine.abs().max())).item() if engine.numel() else 0.0
    if error > worst32["error"]:
        worst32.update(error=error, where=where)
    return error <= BOUND32


def check_program(cajal, path, workdir, index):
    """None when the module agrees with the engine, else a description of the difference."""
    module_path = os.path.join(workdir, f"m{index}.py")
    r = subprocess.run([cajal, "compile", path, "--depth", str(DEPTH), "--emit", "torch", "--out", module_path],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return SKIP if "exceeds the depth" in r.stderr else f"compile failed: {r.stderr.strip()}"
    m = load(module_path, f"cajal_m{index}")
    names = [name for name, _, _, _ in m.INPUTS]
    if len(set(names)) != len(names):
        return SKIP  # inputs that share a name cannot be told apart in `cajal grad --json`
    batch = BATCH if m.INPUTS else 1  # (params carry no batch dimension here)
    gen = torch.Generator().manual_seed(index)
    # Random reals in [-1, 1], representable in float32 (both runs and the engine see the same numbers).
    xs = [(torch.rand(batch, dim, generator=gen, dtype=torch.float32) * 2 - 1).double().requires_grad_()
          for _, _, dim, _ in m.INPUTS]
    ps = {name: (torch.rand(dim, generator=gen, dtype=torch.float32) * 2 - 1).double().requires_grad_()
          for name, _, dim, _ in m.PARAMS}
    y = m.Program().to(torch.float64)(*xs, **ps)
    if y.dtype != torch.float64:
        return f"float64 inputs gave a {y.dtype} output"
    if y.requires_grad:  # (a constant program has no gradient at all)
        y.sum().backward()
    # The same in float32: the module as built, float32 inputs and params.
    xs32 = [x.detach().float().requires_grad_() for x in xs]
    ps32 = {name: p.detach().float().requires_grad_() for name, p in ps.items()}
    y32 = m.Program()(*xs32, **ps32)
    if y32.requires_grad:
        y32.sum().backward()

    def grad(t):
        return t.grad if t.grad is not None else torch.zeros_like(t)

    y = y.reshape(batch, -1).detach()
    y32 = y32.reshape(batch, -1).detach()
    where = os.path.basename(path)
    param_grads = {name: torch.zeros_like(p) for name, p in ps.items()}
    for b in range(batch):
        cmd = [cajal, "grad", path, "--depth", str(DEPTH), "--json"]
        for x in xs:
            cmd += ["--arg", vector_text(x[b].detach())]
        for name, p in ps.items():
            cmd += ["--param", f"{name}={vector_text(p.detach())}"]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            return f"cajal grad failed: {r.stderr.strip()}"
        engine = json.loads(r.stdout)
        if not close(flat(engine["output"]), y[b]):
            return f"output of sample {b}: engine {engine['output']}, torch {y[b].tolist()}"
        if not close32(y32[b], flat(engine["output"]), f"{where}: output"):
            return f"float32 output of sample {b}: engine {engine['output']}, torch {y32[b].tolist()} ({y32.dtype})"
        for name, x, x32 in zip(names, xs, xs32):
            if not close(flat(engine["inputs"][name]), grad(x)[b]):
                return f"gradient for input {name}, sample {b}: engine {engine['inputs'][name]}, torch {grad(x)[b].tolist()}"
            if not close32(grad(x32)[b], flat(engine["inputs"][name]), f"{where}: d/d {name}"):
                return f"float32 gradient for input {name}, sample {b}: engine {engine['inputs'][name]}, torch {grad(x32)[b].tolist()}"
        for name in ps:
            if name in engine["params"]:
                param_grads[name] += flat(engine["params"][name])
    for name, p in ps.items():
        if not close(param_grads[name], grad(p)):
            return f"gradient for param {name}: engine {param_grads[name].tolist()}, torch {grad(p).tolist()}"
        if not close32(grad(ps32[name]), param_grads[name], f"{where}: d/d {name}"):
            return f"float32 gradient for param {name}: engine {param_grads[name].tolist()}, torch {grad(ps32[name]).tolist()}"
    return None


def check_callable_param(cajal, workdir):
    """A callable `rule` (here a linear map) gives the output and gradients of its matrix."""
    module_path = os.path.join(workdir, "callable.py")
    program = os.path.join(workdir, "callable.cj")
    with open(program, "w") as f:
        f.write("param rule : Bool -o Bool\n"
                "def main = fun n : Nat => fun b : Bool => iter { b | y => rule y } (n)\n")
    subprocess.run([cajal, "compile", program, "--depth", str(DEPTH), "--emit", "torch", "--out", module_path], check=True)
    m = load(module_path, "cajal_callable")
    gen = torch.Generator().manual_seed(7)
    n = torch.rand(BATCH, DEPTH + 1, generator=gen, dtype=torch.float64)
    b = torch.rand(BATCH, 2, generator=gen, dtype=torch.float64)
    as_matrix = torch.rand(2, 2, generator=gen, dtype=torch.float64, requires_grad=True)
    as_layer = as_matrix.detach().clone().requires_grad_()
    y1 = m.Program()(n, b, rule=as_matrix)
    y2 = m.Program()(n, b, rule=lambda a: a @ as_layer.T)  # [batch, cols] -> [batch, rows]
    (y1 ** 2).sum().backward()
    (y2 ** 2).sum().backward()
    if not close(y1, y2) or not close(as_matrix.grad, as_layer.grad):
        return "a callable param differs from the same param as a matrix"
    return None


def check_matrix_layout(cajal, workdir):
    """A function-typed input as [batch, rows, cols] equals it flattened row-major, and a
    function-typed output comes back as [batch, rows, cols]."""
    module_path = os.path.join(workdir, "layout.py")
    program = os.path.join(workdir, "layout.cj")
    with open(program, "w") as f:
        f.write("def main = fun f : Bool -o Nat -o Bool => fun b : Bool => f b\n")
    subprocess.run([cajal, "compile", program, "--depth", "2", "--emit", "torch", "--out", module_path], check=True)
    m = load(module_path, "cajal_layout")
    gen = torch.Generator().manual_seed(3)
    f = torch.rand(BATCH, 6, 2, generator=gen, dtype=torch.float64)   # rows = dim(Nat -o Bool) = 6
    b = torch.rand(BATCH, 2, generator=gen, dtype=torch.float64)
    y_matrix = m.Program()(f, b)
    y_flat = m.Program()(f.reshape(BATCH, 12), b)
    if tuple(y_matrix.shape) != (BATCH, 2, 3) or not close(y_matrix, y_flat):
        return f"layouts differ: shape {tuple(y_matrix.shape)}"
    expected = torch.einsum("brc,bc->br", f, b).reshape(BATCH, 2, 3)  # f applied to b, as a 2 x 3 matrix
    if not close(y_matrix, expected):
        return "a function input is not applied as its matrix"
    return None


def main():
    cajal, generate, examples = sys.argv[1:4]
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 30
    random.seed(0)
    passed, failed, skipped = 0, 0, 0
    with tempfile.TemporaryDirectory() as workdir:
        programs = sorted(glob.glob(os.path.join(examples, "*.cj")) + glob.glob(os.path.join(examples, "vectors", "*.cj")) +
                          glob.glob(os.path.join(examples, "learning", "*.cj")))
        subprocess.run([generate, os.path.join(workdir, "random"), str(count), "20261122", "25"], check=True)
        programs += sorted(glob.glob(os.path.join(workdir, "random", "*.cj")))
        sys.path.insert(0, workdir)
        for i, path in enumerate(programs):
            problem = check_program(cajal, path, workdir, i)
            if problem is None:
                passed += 1
            elif problem == SKIP:
                skipped += 1
            else:
                failed += 1
                print(f"FAIL {path}: {problem}")
                if "random" in path:
                    print(open(path).read())
        for name, check in [("callable param", check_callable_param), ("matrix layout", check_matrix_layout)]:
            problem = check(cajal, workdir)
            if problem is None:
                passed += 1
            else:
                failed += 1
                print(f"FAIL {name}: {problem}")
    print(f"float32: largest error {worst32['error']:.3g} (relative to 1 + max |engine|; bound {BOUND32:g}) "
          f"at {worst32['where']}")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
