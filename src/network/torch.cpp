// `cajal compile --emit torch`: a network as a PyTorch module (include/cajal/network/torch.hpp).
//
// Each graph becomes one method `_g<k>`; each neuron one line, computing the engine's operation
// on tensors of shape [batch, dim] (batch 1 for values shared by the batch, broadcast by torch).
#include "cajal/network/torch.hpp"

#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cajal/syntax/print.hpp"

namespace cajal {

namespace {

std::string literal(const std::string& s) { return nlohmann::json(s).dump(); }  // a valid Python str

std::string number(double x) {
  std::ostringstream ss;
  ss << std::setprecision(17) << x;
  return ss.str();
}

// A function type's matrix shape at depth D (rows = dim B, cols = dim A), or (0, 0).
std::pair<std::size_t, std::size_t> matrix_shape(const Type& t, int depth) {
  if (!t.is_arrow()) return {0, 0};
  return {dimension(*t.to, depth), dimension(*t.from, depth)};
}

std::string shape_text(const Type& t, int depth) {
  auto [rows, cols] = matrix_shape(t, depth);
  if (rows) return "[batch, " + std::to_string(rows) + ", " + std::to_string(cols) + "]";
  return "[batch, " + std::to_string(dimension(t, depth)) + "]";
}

const char* kPrelude = R"PY(
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


def _like(values, own):
    """A zero in the dtype and on the device the module computes in: those of its tensor inputs
    and params (floating dtypes promoted together, as torch does), else the module's own (the
    default dtype when it was built, changed by .to())."""
    dtype, device = None, None
    for v in values:
        if torch.is_tensor(v):
            device = v.device if device is None else device
            if v.is_floating_point():
                dtype = v.dtype if dtype is None else torch.promote_types(dtype, v.dtype)
    return torch.zeros((), dtype=own.dtype if dtype is None else dtype, device=own.device if device is None else device)


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
)PY";

}  // namespace

// (Long on purpose: it writes the module top to bottom, in the order of the file it emits, so the
// template reads like the Python it produces.)
std::string to_torch(const Network& net, const std::string& source_name) {
  const int depth = net.depth;
  std::ostringstream py;
  // ---- docstring: the interface ----
  py << "\"\"\"The Cajal program " << source_name << ", compiled to neurons at depth D = " << depth
     << " (`cajal compile --emit torch`).\n\n"
     << "    module = Program()\n"
     << "    y = module(";
  for (std::size_t k = 0; k < net.inputs.size(); ++k) py << (k ? ", " : "") << net.inputs[k].name;
  for (std::size_t k = 0; k < net.params.size(); ++k)
    py << (k || !net.inputs.empty() ? ", " : "") << net.params[k].name << "=...";
  py << ")\n\nThe module computes in the dtype and on the device of its tensor inputs and params (float32\n"
        "in, float32 out; mixed floating dtypes are promoted as torch promotes them; integer tensors are\n"
        "converted); with none, in the module's own dtype: torch.get_default_dtype() when it was built,\n"
        "changed by .to(dtype). Its constants are buffers (float64 when built), so .to(dtype/device)\n"
        "moves them too.\n\nInputs, in order (tensors):\n";
  if (net.inputs.empty()) py << "    (none)\n";
  for (const NetworkInput& in : net.inputs)
    py << "    " << in.name << " : " << print_type(in.type) << "  " << shape_text(*in.type, depth) << "\n";
  py << "Params, by keyword (a tensor without or with the batch dimension; a function-typed param may\n"
        "also be a callable mapping [batch, cols] to [batch, rows], e.g. an nn.Module):\n";
  if (net.params.empty()) py << "    (none)\n";
  for (const NetworkInput& p : net.params)
    py << "    " << p.name << " : " << print_type(p.type) << "  " << shape_text(*p.type, depth) << "\n";
  py << "Output: " << print_type(net.output_type) << "  " << shape_text(*net.output_type, depth) << "\n\n"
     << "Encodings: Bool = R^2 with true = (1, 0) and false = (0, 1); Nat = R^(D+1) with k = e_k;\n"
     << "Vec n = R^n, the vector itself;\n"
     << "A -o B = the dim B x dim A matrix whose column j is the image of the j-th basis vector of A\n"
     << "(row-major when flattened). Any real tensors are allowed: soft booleans, distributions over\n"
     << "naturals, learned matrices. A one-hot input whose run needs a natural above D loses mass.\n"
     << "\"\"\"\n"
     << kPrelude << "\n\n"
     << "DEPTH = " << depth << "\n";
  auto table = [&](const char* name, const std::vector<NetworkInput>& xs) {
    py << name << " = [";
    for (const NetworkInput& x : xs) {
      auto [rows, cols] = matrix_shape(*x.type, depth);
      py << "(" << literal(x.name) << ", " << literal(print_type(x.type)) << ", " << dimension(*x.type, depth) << ", "
         << (rows ? "(" + std::to_string(rows) + ", " + std::to_string(cols) + ")" : std::string("None")) << "), ";
    }
    py << "]\n";
  };
  table("INPUTS", net.inputs);
  table("PARAMS", net.params);
  auto [out_rows, out_cols] = matrix_shape(*net.output_type, depth);

  py << "\n\nclass Program(torch.nn.Module):\n"
     << "    \"\"\"" << source_name << " as a module; see the module docstring for the layouts.\"\"\"\n\n"
     << "    def __init__(self):\n"
     << "        super().__init__()\n"
     << "        self.register_buffer(\"_like\", torch.zeros((), dtype=torch.get_default_dtype()))\n";
  for (std::size_t gi = 0; gi < net.graphs.size(); ++gi)
    for (std::size_t i = 0; i < net.graphs[gi].nodes.size(); ++i) {
      const Node& n = net.graphs[gi].nodes[i];
      if (n.op != Op::Const) continue;
      py << "        self.register_buffer(\"c" << gi << "_" << i << "\", torch.tensor([[";
      for (Eigen::Index k = 0; k < n.value.size(); ++k) py << (k ? ", " : "") << number(n.value(k));
      py << "]], dtype=torch.float64))\n";
    }

  py << "\n    def forward(self, *inputs, **params):\n"
     << "        if len(inputs) != len(INPUTS):\n"
     << "            raise TypeError(f\"expected {len(INPUTS)} inputs, got {len(inputs)}\")\n"
     << "        like = _like(list(inputs) + list(params.values()), self._like)\n"
     << "        xs = [_as_rows(x, name, dim, matrix).to(like) for x, (name, _, dim, matrix) in zip(inputs, INPUTS)]\n"
     << "        ps = {}\n"
     << "        for name, type_, dim, matrix in PARAMS:\n"
     << "            if name not in params:\n"
     << "                raise TypeError(f\"missing param {name} : {type_}\")\n"
     << "            value = params[name]\n"
     << "            if matrix is not None and callable(value) and not torch.is_tensor(value):\n"
     << "                ps[name] = _Fn(value, *matrix)\n"
     << "            else:\n"
     << "                ps[name] = _as_rows(value, name, dim, matrix).to(like)\n"
     << "        unknown = set(params) - {name for name, _, _, _ in PARAMS}\n"
     << "        if unknown:\n"
     << "            raise TypeError(f\"unknown params {sorted(unknown)}\")\n"
     << "        y = self._g0(like, ps, *xs)\n"
     << "        # What does not depend on the batch comes out once: give every sample its row.\n"
     << "        batch = max([x.shape[0] for x in xs] + [p.shape[0] for p in ps.values() if torch.is_tensor(p)] + [1])\n"
     << "        if y.shape[0] != batch:\n"
     << "            y = y.expand(batch, -1)\n";
  if (out_rows)
    py << "        return y.reshape(-1, " << out_rows << ", " << out_cols << ")\n";
  else
    py << "        return y\n";

  for (std::size_t gi = 0; gi < net.graphs.size(); ++gi) {
    const Graph& g = net.graphs[gi];
    py << "\n    def _g" << gi << "(self, like, ps";
    for (std::size_t k = 0; k < g.inputs.size(); ++k) py << ", x" << k;
    py << "):\n";
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
      const Node& n = g.nodes[i];
      auto v = [&](std::size_t k) { return "v" + std::to_string(n.args[k]); };
      auto d = [&](std::size_t k) { return "_dense(" + v(k) + ", like)"; };
      auto captures = [&](std::size_t from) {
        std::string s = "[";
        for (std::size_t k = from; k < n.args.size(); ++k) s += (k > from ? ", " : "") + d(k);
        return s + "]";
      };
      py << "        v" << i << " = ";
      switch (n.op) {
        case Op::Input: {
          std::size_t k = 0;
          while (g.inputs[k] != static_cast<int>(i)) ++k;
          py << "x" << k;
          break;
        }
        case Op::Param: py << "ps[" << literal(n.name) << "]"; break;
        case Op::Const: py << "self.c" << gi << "_" << i << ".to(like)"; break;
        case Op::Shift: py << "_shift(" << d(0) << ")"; break;
        case Op::Mix: py << "_mix(" << d(0) << ", " << d(1) << ", " << d(2) << ")"; break;
        case Op::Apply: py << "_apply(" << v(0) << ", " << d(1) << ", " << n.rows << ", " << n.cols << ")"; break;
        case Op::Iterate:
          py << "_iterate(lambda *a: self._g" << n.sub << "(like, ps, *a), " << d(0) << ", " << d(1) << ", " << captures(2) << ")";
          break;
        case Op::Abstract:
          py << "_abstract(lambda *a: self._g" << n.sub << "(like, ps, *a), " << n.rows << ", " << n.cols << ", "
             << captures(0) << ", like)";
          break;
      }
      py << "  # " << n.rule << "\n";
    }
    py << "        return _dense(v" << g.output << ", like)\n";
  }
  return py.str();
}

}  // namespace cajal
