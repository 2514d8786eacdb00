"""PyTorch conventions of exported modules (Network.to_torch, the module `--emit torch` writes):
dtype and device follow the inputs, .to() moves the buffers, gradients reach inputs and params,
and what TorchScript does with the module on PyTorch 1.13. The float32 error bound against the
engine over every example and random programs is in tests/torch/check_torch.py."""
import numpy as np
import pytest

import cajal

torch = pytest.importorskip("torch")

RNN = "param W : Vec 2 -o Vec 2\ndef main = fun n : Nat => fun x : Vec 2 => iter { x | h => W h } (n)"
EVEN = ("def not : Bool -o Bool = fun b : Bool => if b then false else true\n"
        "def main : Nat -o Bool = fun n : Nat => iter { true | y => not y } (n)")


def module(text, depth=5):
    return cajal.load(text).compile(depth=depth).to_torch()


def test_to_torch_is_an_nn_module_equal_to_the_engine():
    net = cajal.load(EVEN).compile(depth=5)
    m = net.to_torch()
    assert isinstance(m, torch.nn.Module)
    x = torch.tensor([[0.1, 0.2, 0.3, 0.1, 0.2, 0.1]], dtype=torch.float64)
    np.testing.assert_allclose(m(x)[0].numpy(), net.run(x[0].numpy(), raw=True), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_output_has_the_inputs_dtype(dtype):
    m = module(EVEN)
    y = m(torch.nn.functional.one_hot(torch.tensor([3, 4]), 6).to(dtype))
    assert y.dtype == dtype
    torch.testing.assert_close(y, torch.tensor([[0.0, 1.0], [1.0, 0.0]], dtype=dtype))


def test_mixed_dtypes_promote_and_integer_inputs_take_the_module_dtype():
    m = module(RNN)
    n = torch.nn.functional.one_hot(torch.tensor([1]), 6).float()
    x = torch.tensor([[1.0, 0.0]], dtype=torch.float32)
    w = torch.tensor([0.0, -1.0, 1.0, 0.0], dtype=torch.float64)
    assert m(n, x, W=w).dtype == torch.float64          # float32 with float64: float64, as torch promotes
    ints = module(EVEN)(torch.nn.functional.one_hot(torch.tensor([2]), 6))  # an int64 one-hot
    assert ints.dtype == torch.get_default_dtype()


def test_no_inputs_default_dtype_and_to():
    text = "def main = {true ↦ false, false ↦ true}"
    assert module(text)().dtype == torch.get_default_dtype()
    assert module(text).to(torch.float64)().dtype == torch.float64
    old = torch.get_default_dtype()
    try:
        torch.set_default_dtype(torch.float64)
        built = module(text)
    finally:
        torch.set_default_dtype(old)
    assert built().dtype == torch.float64


def test_buffers_move_with_to():
    m = module(EVEN)
    buffers = dict(m.named_buffers())
    assert buffers and all(b.dtype in (torch.float64, torch.get_default_dtype()) for b in buffers.values())
    m.to(torch.float16)
    assert all(b.dtype == torch.float16 for b in m.buffers())
    m.to(torch.float64)
    assert all(b.dtype == torch.float64 for b in m.buffers())
    on_cpu = m.to(torch.device("cpu"))
    assert all(b.device.type == "cpu" for b in on_cpu.buffers())


def test_gradients_reach_inputs_and_params_in_float32():
    m = module(RNN)
    n = torch.nn.functional.one_hot(torch.tensor([2, 1]), 6).float().requires_grad_()
    x = torch.tensor([[1.0, 0.5], [0.0, 1.0]], requires_grad=True)
    w = torch.nn.Parameter(torch.tensor([[0.0, -1.0], [1.0, 0.0]]))
    y = m(n, x, W=w)
    assert y.dtype == torch.float32
    y.sum().backward()
    for t in (n, x, w):
        assert t.grad is not None and t.grad.dtype == torch.float32 and torch.isfinite(t.grad).all()
    assert w.grad.abs().sum() > 0
    # The engine's gradient for the first sample (float64) agrees within float32's bound.
    g = cajal.load(RNN).compile(depth=5).grad(2, [1.0, 0.5], params={"W": [0.0, -1.0, 1.0, 0.0]})
    np.testing.assert_allclose(x.grad[0].numpy(), g["inputs"]["x"], rtol=1e-5, atol=1e-6)


def test_a_learned_param_trains():
    m = module(RNN)
    w = torch.nn.Parameter(torch.eye(2))
    opt = torch.optim.SGD([w], lr=0.1)
    n = torch.nn.functional.one_hot(torch.tensor([1]), 6).float()
    x, target = torch.tensor([[1.0, 0.0]]), torch.tensor([[0.0, 1.0]])
    losses = []
    for _ in range(50):
        opt.zero_grad()
        loss = ((m(n, x, W=w) - target) ** 2).sum()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.01 * losses[0]


def test_torchscript():
    """torch.jit.script cannot compile the module (its forward takes *inputs and **params; built in
    memory, it also has no source file for TorchScript to read); torch.jit.trace records a
    param-free module and replays it, at other batch sizes too (PyTorch 1.13 has no torch.compile).
    README states the same."""
    m = module(EVEN)
    with pytest.raises(Exception):
        torch.jit.script(m)
    x = torch.nn.functional.one_hot(torch.tensor([3, 4]), 6).float()
    with pytest.warns(torch.jit.TracerWarning):  # the shape checks are recorded as constants
        traced = torch.jit.trace(m, (x,))
    other = torch.nn.functional.one_hot(torch.tensor([0, 5, 2]), 6).float()  # another batch size
    torch.testing.assert_close(traced(other), m(other))
