// Export of a compiled network as a self-contained PyTorch module (`cajal compile --emit torch`),
// so a Cajal program can be dropped into a model and trained through (spec/denotation.md §5.4).
//
// The module imports only `torch`. It defines `class Program(torch.nn.Module)` whose
//   forward(*inputs, **params)
// takes main's inputs in order, each a tensor of shape [batch, dim] (a function-typed input
// [batch, rows, cols], the matrix whose column j is the image of basis vector j), and the params
// by name: tensors ([dim] or [rows, cols], or with a leading batch dimension), or, for a
// function-typed param, any callable mapping [batch, cols] to [batch, rows] (an nn.Module, say),
// which is applied wherever the network multiplies by that param's matrix and materialized on
// the basis elsewhere (exact when the callable is linear). It returns [batch, dim] (or
// [batch, rows, cols] for a function-typed output). Every neuron is the engine's operation
// (spec/denotation.md §6), so outputs and autograd gradients equal the C++ engine's.
//
// PyTorch's conventions: the module computes in the dtype and on the device of its tensor inputs
// and params (floating dtypes promoted together; integer tensors converted), or, with none, in
// its own dtype (torch.get_default_dtype() when built, changed by .to()). Constants are buffers
// (float64 when built) cast to that dtype where they are used, so .to(dtype/device) works.
#pragma once

#include <string>

#include "cajal/network/network.hpp"

namespace cajal {

// The Python source of the module. `source_name` is quoted in its docstring.
std::string to_torch(const Network& net, const std::string& source_name);

}  // namespace cajal
