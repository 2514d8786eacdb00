"""The Cajal program /work/main/experiments/fashion_iter/iterate.cj, compiled to neurons at depth D = 9 (`cajal compile --emit torch`).

    module = Program()
    y = module(n, x, step=...)

Inputs, in order (tensors; float64 unless the module is converted with .to()):
    n : Nat  [batch, 10]
    x : Vec 784  [batch, 784]
Params, by keyword (a tensor without or with the batch dimension; a function-typed param may
also be a callable mapping [batch, cols] to [batch, rows], e.g. an nn.Module):
    step : Vec 784 -o Vec 784  [batch, 784, 784]
Output: Vec 784  [batch, 784]

Encodings: Bool = R^2 with true = (1, 0) and false = (0, 1); Nat = R^(D+1) with k = e_k;
Vec n = R^n, the vector itself;
A -o B = the dim B x dim A matrix whose column j is the image of the j-th basis vector of A
(row-major when flattened). Any real tensors are allowed: soft booleans, distributions over
naturals, learned matrices. A one-hot input whose run needs a natural above D loses mass.
"""

import torch


def _as_rows(value, name, dim, matrix):
    """A tensor as [batch, dim] (batch 1 when it has no batch dimension)."""
    if not torch.is_tensor(value):
        raise TypeError(f"{name}: expected a tensor, got {type(value).__name__}")
    if matrix is not None and tuple(value.shape[-2:]) == matrix:
        return value.reshape(-1, dim)
    if value.dim() in (1, 2) and value.shape[-1] == dim:
        return value.reshape(-1, dim)
    want = f"[{dim}] or [batch, {dim}]" if matrix is None else f"{list(matrix)} or [batch, {matrix[0]}, {matrix[1]}]"
    raise ValueError(f"{name}: expected shape {want}, got {list(value.shape)}")


class _Fn:
    """A function-typed param given as a callable [batch, cols] -> [batch, rows]."""

    def __init__(self, fn, rows, cols):
        self.fn, self.rows, self.cols = fn, rows, cols

    def __call__(self, a):
        return self.fn(a)

    def matrix(self, like):
        # Column j is the image of e_j: exact when the callable is linear.
        images = self.fn(torch.eye(self.cols, dtype=like.dtype, device=like.device))
        return images.transpose(0, 1).reshape(1, self.rows * self.cols)


def _dense(v, like):
    return v.matrix(like) if isinstance(v, _Fn) else v


def _shift(x):
    return torch.cat([torch.zeros_like(x[:, :1]), x[:, :-1]], dim=1)


def _mix(c, t, u):
    return c[:, 0:1] * t + c[:, 1:2] * u


def _apply(f, a, rows, cols):
    if isinstance(f, _Fn):
        return f(a)
    return torch.matmul(f.reshape(-1, rows, cols), a.reshape(-1, cols, 1)).reshape(-1, rows)


def _iterate(step, b, n, captures):
    h = b
    out = n[:, 0:1] * h
    for k in range(1, n.shape[1]):
        h = step(h, *captures)
        out = out + n[:, k:k + 1] * h
    return out


def _abstract(body, rows, cols, captures, like):
    eye = torch.eye(cols, dtype=like.dtype, device=like.device)
    columns = torch.broadcast_tensors(*[body(eye[j:j + 1], *captures) for j in range(cols)])
    return torch.stack(columns, dim=-1).reshape(-1, rows * cols)


DEPTH = 9
INPUTS = [("n", "Nat", 10, None), ("x", "Vec 784", 784, None), ]
PARAMS = [("step", "Vec 784 -o Vec 784", 614656, (784, 784)), ]


class Program(torch.nn.Module):
    """/work/main/experiments/fashion_iter/iterate.cj as a module; see the module docstring for the layouts."""

    def __init__(self):
        super().__init__()
        self.register_buffer("_like", torch.zeros((), dtype=torch.float64))

    def forward(self, *inputs, **params):
        if len(inputs) != len(INPUTS):
            raise TypeError(f"expected {len(INPUTS)} inputs, got {len(inputs)}")
        like = self._like
        xs = [_as_rows(x, name, dim, matrix).to(like) for x, (name, _, dim, matrix) in zip(inputs, INPUTS)]
        ps = {}
        for name, type_, dim, matrix in PARAMS:
            if name not in params:
                raise TypeError(f"missing param {name} : {type_}")
            value = params[name]
            if matrix is not None and callable(value) and not torch.is_tensor(value):
                ps[name] = _Fn(value, *matrix)
            else:
                ps[name] = _as_rows(value, name, dim, matrix).to(like)
        unknown = set(params) - {name for name, _, _, _ in PARAMS}
        if unknown:
            raise TypeError(f"unknown params {sorted(unknown)}")
        y = self._g0(ps, *xs)
        # What does not depend on the batch comes out once: give every sample its row.
        batch = max([x.shape[0] for x in xs] + [p.shape[0] for p in ps.values() if torch.is_tensor(p)] + [1])
        if y.shape[0] != batch:
            y = y.expand(batch, -1)
        return y

    def _g0(self, ps, x0, x1):
        like = self._like
        v0 = x0  # input
        v1 = x1  # input
        v2 = _iterate(lambda *a: self._g1(ps, *a), _dense(v1, like), _dense(v0, like), [])  # C-Iter
        return _dense(v2, like)

    def _g1(self, ps, x0):
        like = self._like
        v0 = x0  # state
        v1 = ps["step"]  # C-Param
        v2 = _apply(v1, _dense(v0, like), 784, 784)  # C-App
        return _dense(v2, like)
