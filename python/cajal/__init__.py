"""Cajal from Python: load, type-check, run, compile to neurons, prove and check programs.

    import cajal
    p = cajal.load("def main = fun b : Bool => b")      # source text, or a path to a .cj file
    p.run(True)                                         # True (the reference interpreter)
    p.type_of("main")                                   # 'Bool -o Bool'
    net = p.compile(depth=9)                            # main compiled to neurons
    net.tensor(), net.run(True), net.grad([0.3, 0.7])   # NumPy arrays / values
    net.run_batch([(True,), (False,)])                  # many inputs as one batch: [True, False]
    module = net.to_torch()                             # an nn.Module (what `--emit torch` writes)
    cajal.prove(p)                                      # Z3: the network equals the program up to D
    cajal.check(p, cajal.load("def main = fun b : Bool => if b then true else false"))

Values cross as Python bools (Bool), ints (Nat), dicts (tables, e.g. {True: False, False: True}),
NumPy arrays (Vec n, matrices, network outputs); any other function comes back as its term in
source syntax (a str), and a str argument is read as a term. Errors in the program or in an
argument are raised as cajal.Error, with .message, .file, .line and .column. prove, check and
fuzz release the GIL while they run.
"""
import os

from ._cajal import (CheckResult, Error, FuzzReport, Network, Program, ProveResult)
from . import _cajal

__all__ = ["load", "check", "prove", "fuzz", "Error", "Program", "Network", "ProveResult", "CheckResult",
           "FuzzReport"]


def load(text_or_path, name=None):
    """Parses and type-checks a program: source text, or the path of a file (an os.PathLike, an
    existing file, or a str ending in .cj). Raises cajal.Error on a parse or type error, and
    FileNotFoundError for a .cj path that does not exist."""
    if isinstance(text_or_path, os.PathLike):
        return _cajal.load_file(os.fspath(text_or_path))
    if not isinstance(text_or_path, str):
        raise TypeError(f"cajal.load takes source text or a path, got {type(text_or_path).__name__}")
    one_line = "\n" not in text_or_path
    if one_line and text_or_path.strip().endswith(".cj") and not os.path.isfile(text_or_path):
        raise FileNotFoundError(f"no such file: {text_or_path}")
    if one_line and os.path.isfile(text_or_path):
        return _cajal.load_file(text_or_path)
    return _cajal.load_text(text_or_path, "<string>" if name is None else name)


def _program(x):
    return x if isinstance(x, Program) else load(x)


def prove(program, depth=9, *, timeout=60.0, seed=0, mutant=None, whole=False):
    """Asks Z3 whether some input makes main's compiled network differ from the program, at depth
    D. Returns a ProveResult: .verdict 'proved', 'refuted' (with .counterexample: the inputs, the
    program's value, the network's output, the first disagreeing subterm) or 'unknown' (.reason).
    The question is asked case by case (spec/denotation.md 8.7); whole=True asks it as one
    question, as a certificate states it, and keeps its SMT-LIB2 text in .obligation.
    `mutant` plants a deliberately wrong compiler rule (tests only: see `cajal prove --mutant`)."""
    return _cajal.prove(_program(program), depth, float(timeout), seed, mutant, bool(whole))


def check(a, b=None, *, defs=None, depth=9, neural=False, method="auto", timeout=60.0):
    """Decides whether two programs' mains (or, with defs=(F, G), two defs of `a`, or of a and b)
    mean the same for every input up to depth D (neural=True: the compiled networks on all real
    inputs). Returns a CheckResult: .verdict 'equivalent', 'not equivalent' (with the least
    .counterexample: inputs, params, left and right values) or 'unknown' (.reason)."""
    left = _program(a)
    right = left if b is None else _program(b)
    if defs is None:
        if b is None:
            raise TypeError("cajal.check takes two programs, or one program and defs=(F, G)")
        left_def, right_def = "main", "main"
    else:
        left_def, right_def = defs
    return _cajal.check(left, right, left_def, right_def, depth, neural, method, float(timeout))


def fuzz(count=1000, seed=0, depth=9, max_size=50, mutant=None):
    """`cajal fuzz`: the compiled network against the interpreter on `count` random programs.
    Returns a FuzzReport (.checked, .compared, ..., .failures: each with its index, message and a
    reproduction file's text)."""
    return _cajal.fuzz(count, seed, depth, max_size, mutant)
