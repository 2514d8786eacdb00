"""The Python module `cajal`: every function, with its errors (run by CTest as python.pytest)."""
import pathlib
import subprocess
import threading

import numpy as np
import pytest

import cajal

NOT = "def main = fun b : Bool => if b then false else true"


# ---- load ---------------------------------------------------------------------------------------

def test_the_readme_line():
    p = cajal.load('def main = fun b : Bool => b')
    assert p.run(True) is True


def test_load_text_path_and_pathlike(example):
    even = example("even.cj")
    for source in (even, pathlib.Path(even)):
        p = cajal.load(source)
        assert p.name == even
        assert p.run(4) is True and p.run(7) is False
    with open(even) as f:
        assert cajal.load(f.read()).run(3) is False
    assert cajal.load(NOT, name="not.cj").name == "not.cj"
    assert cajal.load(NOT).name == "<string>"


def test_load_missing_file():
    with pytest.raises(FileNotFoundError):
        cajal.load("no/such/program.cj")
    with pytest.raises(TypeError):
        cajal.load(42)


def test_parse_error_has_line_and_column():
    with pytest.raises(cajal.Error) as e:
        cajal.load("def main =\n  fun b : Bool => (b")
    err = e.value
    assert (err.line, err.column) == (2, 21)
    assert err.file == "<string>"
    assert "<string>:2:21: error:" in str(err)
    assert err.diagnostics[0]["line"] == 2 and not err.internal


def test_type_error_has_line_and_column():
    with pytest.raises(cajal.Error) as e:
        cajal.load("def main = fun x : Bool => if x then x else x")
    assert e.value.line == 1 and e.value.column > 1
    assert "linear" in e.value.message
    assert isinstance(e.value, Exception)


def test_program_names_and_types(example):
    p = cajal.load(example("vectors", "rnn.cj"))
    assert p.defs == ["main"] and p.params == ["W"]
    assert p.type_of("main") == "Nat -o Vec 2 -o Vec 2"
    assert p.type_of("W") == "Vec 2 -o Vec 2"
    assert "rnn.cj" in repr(p) and "def main" in p.source
    with pytest.raises(KeyError):
        p.type_of("nope")


# ---- run ----------------------------------------------------------------------------------------

def test_run_values_cross_as_python_values(example):
    add = cajal.load(example("add.cj"))
    assert add.run(2, 3) == 5 and type(add.run(2, 3)) is int
    assert cajal.load(NOT).run(np.bool_(True)) is False          # NumPy scalars too
    assert cajal.load("def main = 18446744073709551615").run() == 2**64 - 1


def test_run_tables_are_dicts():
    table = cajal.load("def main = {true ↦ false, false ↦ true}").run()
    assert table == {True: False, False: True}
    apply = cajal.load("def main = fun f : Bool -o Bool => fun x : Bool => f x")
    assert apply.run({True: False, False: True}, True) is False
    counts = cajal.load("def main = fun f : Nat -o Bool => f 2")
    assert counts.run({0: True, 1: True, 2: False}) is False


def test_run_functions_as_terms():
    apply = cajal.load("def main = fun f : Bool -o Bool => fun x : Bool => f x")
    assert apply.run("fun y : Bool => y", False) is False
    add = cajal.load("def main = fun m : Nat => fun n : Nat => iter { m | y => succ y } (n)")
    partial = add.run(2)  # a closure: its term, which run() takes back
    assert isinstance(partial, str) and partial.startswith("fun")
    assert cajal.load("def main = fun f : Nat -o Nat => f 4").run(partial) == 6


def test_run_vectors_are_arrays(example):
    rnn = cajal.load(example("vectors", "rnn.cj"))
    out = rnn.run(2, np.array([1.0, 0.0]), params={"W": np.array([[0.0, -1.0], [1.0, 0.0]])})
    assert isinstance(out, np.ndarray)
    np.testing.assert_allclose(out, [-1.0, 0.0])


def test_run_params_and_entry(example):
    p = cajal.load("param step : Bool -o Bool\ndef other = true\ndef main = fun n : Nat => iter { true | y => step y } (n)")
    assert p.run(3, params={"step": {True: False, False: True}}) is False
    assert p.run(entry="other") is True
    with pytest.raises(cajal.Error, match="step"):
        p.run(3)  # the param has no value


def test_run_errors():
    p = cajal.load(NOT)
    with pytest.raises(cajal.Error) as e:
        p.run(3)
    assert e.value.file == "<arg 1>" and e.value.line == 1 and e.value.column == 1
    with pytest.raises(cajal.Error):
        p.run(True, True)  # too many arguments
    with pytest.raises(ValueError):
        cajal.load("def main = fun n : Nat => n").run(-1)
    with pytest.raises(TypeError):
        p.run(object())
    with pytest.raises(TypeError):
        cajal.load("def main = fun f : Bool -o Bool => f true").run({"a": True})
    with pytest.raises(cajal.Error, match="budget"):
        cajal.load("def main = iter { 0 | y => succ y } (100000)").run(max_steps=1000)
    with pytest.raises(cajal.Error, match="no `def nope`"):
        p.run(entry="nope")


# ---- compile: tensor, run, grad ----------------------------------------------------------------

def test_compile_and_tensor(example):
    net = cajal.load(example("not.cj")).compile()
    assert net.depth == 9 and net.neurons > 0 and net.type == "Bool"
    assert net.inputs == [("b", "Bool")] and net.params == []
    t = net.tensor()
    assert t.shape == (2, 2)
    np.testing.assert_array_equal(t, [[0.0, 1.0], [1.0, 0.0]])
    even = cajal.load(example("even.cj")).compile(depth=4).tensor()
    assert even.shape == (2, 5)
    np.testing.assert_array_equal(even[0], [1, 0, 1, 0, 1])
    assert "not.cj" in repr(net)


def test_tensor_warns_when_mass_is_lost():
    with pytest.warns(RuntimeWarning, match="lost mass"):
        cajal.load("def main = fun n : Nat => succ n").compile(depth=3).tensor()


def test_network_run(example):
    net = cajal.load(example("even.cj")).compile()
    assert net.run(7) is False and net.run(8) is True
    soft = net.run(np.eye(10)[3] * 0.5 + np.eye(10)[4] * 0.5)  # a distribution over naturals
    assert isinstance(soft, np.ndarray)
    np.testing.assert_allclose(soft, [0.5, 0.5])
    raw = net.run(2, raw=True)
    np.testing.assert_array_equal(raw, [1.0, 0.0])
    with pytest.raises(cajal.Error, match="depth"):
        cajal.load("def main = fun n : Nat => succ n").compile().run(9)  # lost mass past D


def test_network_params_and_function_outputs(example):
    net = cajal.load(example("vectors", "rnn.cj")).compile()
    out = net.run(1, [1.0, 0.0], params={"W": [0.0, -1.0, 1.0, 0.0]})
    np.testing.assert_allclose(out, [0.0, 1.0])
    m = cajal.load("def main = fun b : Bool => if b then (fun c : Bool => c) else (fun c : Bool => if c then false else true)")
    net = m.compile()
    np.testing.assert_array_equal(net.run(True), [[1, 0], [0, 1]])  # a function output is its matrix
    np.testing.assert_array_equal(net.run(False), [[0, 1], [1, 0]])


def test_network_run_batch(example):
    net = cajal.load(example("even.cj")).compile()
    rows = [(n,) for n in range(10)] * 60  # more rows than a chunk of the batch (256)
    one = net.run_batch(rows, threads=1)
    assert one == [net.run(n) for (n,) in rows]
    assert net.run_batch(rows, threads=3) == one
    rnn = cajal.load(example("vectors", "rnn.cj")).compile()
    w = {"W": [0.0, -1.0, 1.0, 0.0]}
    outs = rnn.run_batch([(1, [1.0, 0.0]), (2, [1.0, 0.0])], params=w)
    np.testing.assert_allclose(outs[0], [0.0, 1.0])
    np.testing.assert_allclose(outs[1], [-1.0, 0.0])
    with pytest.raises(cajal.Error, match="lost mass"):
        cajal.load("def main = fun n : Nat => succ n").compile().run_batch([(3,), (9,)])
    with pytest.raises(cajal.Error, match="at least one row"):
        net.run_batch([])


def test_grad(example):
    g = cajal.load(example("not.cj")).compile().grad([1.0, 2.0])
    np.testing.assert_allclose(g["output"], [2.0, 1.0])
    np.testing.assert_allclose(g["inputs"]["b"], [1.0, 1.0])
    assert g["params"] == {}
    r = cajal.load(example("vectors", "rnn.cj")).compile().grad(1, [1.0, 0.0], params={"W": [0.0, -1.0, 1.0, 0.0]})
    assert r["params"]["W"].shape == (2, 2)
    np.testing.assert_allclose(r["params"]["W"], [[1.0, 0.0], [1.0, 0.0]])
    with pytest.raises(cajal.Error):
        cajal.load(NOT).compile().grad([1.0, 2.0, 3.0])  # the wrong length


def test_compile_errors():
    with pytest.raises(cajal.Error, match="depth"):
        cajal.load("def main = 12").compile(depth=9)


def test_torch_source_is_what_the_cli_writes(example, cli):
    path = example("even.cj")
    text = subprocess.run([cli, "compile", path, "--depth", "5", "--emit", "torch"], capture_output=True, text=True,
                          check=True).stdout
    assert cajal.load(path).compile(depth=5).torch_source() == text


# ---- prove, check, fuzz -------------------------------------------------------------------------

def test_prove(example):
    r = cajal.prove(cajal.load(example("even.cj")))
    assert r and r.proved and r.verdict == "proved" and r.depth == 9 and r.counterexample is None
    assert r.obligation == ""  # decided case by case (spec/denotation.md 8.7): no one question
    whole = cajal.prove(cajal.load(example("even.cj")), whole=True)
    assert whole.proved and "(assert" in whole.obligation
    refuted = cajal.prove(example("even.cj"), depth=5, mutant="swap-if")
    assert not refuted and refuted.verdict == "refuted"
    ce = refuted.counterexample
    assert set(ce["inputs"]) == {"n"} and isinstance(ce["inputs"]["n"], int)
    assert isinstance(ce["program"], bool) and ce["program"] != ce["network"]
    assert "iter" in ce["first_disagreement"]
    # (an iteration of vectors is proved by induction, spec/denotation.md 8.8; one of functions is unrolled)
    unknown = cajal.prove("param W : Vec 6 -o Vec 6\n"
                          "def main = fun n : Nat => iter { fun y : Vec 6 => y | f => fun y : Vec 6 => W (f y) } (n)")
    assert unknown.verdict == "unknown" and unknown.reason.startswith("size cap")


def test_prove_errors(example):
    with pytest.raises(cajal.Error, match="depth"):
        cajal.prove(example("even.cj"), depth=1000)
    with pytest.raises(ValueError):
        cajal.prove(example("even.cj"), mutant="nope")


def test_check(example):
    same = cajal.check(example("not.cj"), cajal.load("def main = {true ↦ false, false ↦ true}"))
    assert same and same.equivalent and same.verdict == "equivalent" and same.type == "Bool -o Bool"
    differ = cajal.check(example("equivalence", "eta_wrong.cj"), defs=("left", "right"))
    assert not differ and differ.verdict == "not equivalent" and differ.counterexamples == 4
    ce = differ.counterexample
    assert ce["inputs"] == {"f": {True: False, False: True}, "x": False}
    assert (ce["left"], ce["right"]) == (True, False) and ce["params"] == {}
    assert len(differ.reproduce) == 2 and differ.reproduce[0].startswith("cajal run")
    neural = cajal.check(example("equivalence", "params.cj"), defs=("left", "right"), neural=True)
    assert neural.verdict == "not equivalent"
    assert isinstance(neural.counterexample["params"]["p"], np.ndarray)
    symbolic = cajal.check(example("not.cj"), example("not.cj"), method="symbolic")
    assert symbolic.equivalent and "Z3" in symbolic.method


def test_check_errors(example):
    with pytest.raises(cajal.Error, match="type"):
        cajal.check(example("not.cj"), example("add.cj"))
    with pytest.raises(ValueError):
        cajal.check(example("not.cj"), example("not.cj"), method="guess")
    with pytest.raises(TypeError):
        cajal.check(example("not.cj"))
    with pytest.raises(cajal.Error, match="nope"):
        cajal.check(example("equivalence", "eta_wrong.cj"), defs=("left", "nope"))


def test_fuzz():
    clean = cajal.fuzz(count=40, seed=5)
    assert clean and clean.checked == 40 and clean.failures == [] and clean.seed == 5
    broken = cajal.fuzz(count=300, seed=5, mutant="iter-extra-step")
    assert not broken and broken.failures
    f = broken.failures[0]
    assert "cajal run" in f["reproduction"] and f["message"]
    assert f["name"] == f"failure-5-{f['index']}.cj" and 1 <= f["depth"] <= 9
    with pytest.raises(ValueError):
        cajal.fuzz(depth=0)


def test_long_calls_release_the_gil():
    """While fuzz runs in one thread, another thread keeps running Python."""
    ticks = 0
    done = threading.Event()
    seen = {}

    def work():
        before = ticks
        cajal.fuzz(count=400, seed=1)
        seen["during"] = ticks - before
        done.set()

    t = threading.Thread(target=work)
    t.start()
    while not done.is_set():
        ticks += 1
    t.join()
    assert seen["during"] > 0


# ---- teaching: traces, derivations, drawings ------------------------------------------------------

def test_trace_names_the_rules(example):
    p = cajal.load(example("even.cj"))
    text = p.trace(1)
    assert text.splitlines()[0] == "E-App  ⊢ main 1 ⇓ false"
    assert "E-IterSucc  n ↦ 1 ⊢ iter { true | y => not y } (n) ⇓ false" in text
    assert "\\begin{prooftree}" in p.trace(1, latex=True)
    assert "raise the limit with --trace-limit" in p.trace(9, limit=5)
    with pytest.raises(cajal.Error):
        p.trace(True)  # not a Nat


def test_derivation(example):
    p = cajal.load(example("even.cj"))
    assert p.derivation().splitlines()[0] == "T-Abs  ⊢ fun n : Nat => iter { true | y => not y } (n) : Nat -o Bool"
    assert "T-If" in p.derivation("not")
    assert "\\RightLabel{\\scriptsize T-Iter}" in p.derivation(latex=True)
    with pytest.raises(KeyError):
        p.derivation("nope")


def test_network_drawings(example):
    net = cajal.load(example("even.cj")).compile()
    assert net.dot().startswith("digraph cajal {")
    svg = net.svg()
    assert "<svg" in svg and "C&#45;Iter" in svg  # (Graphviz writes - as &#45;)
    assert net._repr_svg_() == svg
