// The Python module `cajal` (its compiled part, `cajal._cajal`): the library's pipeline for
// notebooks and training code. It converts values between Python and Cajal and calls the library
// (frontend, driver, compile, network, prove, check, testing); it decides nothing of its own.
//
// Values cross as: Bool <-> bool, Nat <-> int, a table <-> dict (keys bool or int), Vec n and
// matrices <-> NumPy arrays; any other function comes back as its term in source syntax (a str),
// and a str argument is read as a term. Diagnostics are raised as cajal.Error (message, file,
// line, column, diagnostics). Every library call runs with the GIL released, on a thread with a
// large stack (as the `cajal` tool does: the library bounds its recursion, not Python's 8 MiB).
#include <pthread.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <exception>
#include <iomanip>
#include <memory>
#include <sstream>

#include "cajal/check/check.hpp"
#include "cajal/compile/compile.hpp"
#include "cajal/draw/draw.hpp"
#include "cajal/driver/driver.hpp"
#include "cajal/eval/trace.hpp"
#include "cajal/typecheck/typecheck.hpp"
#include "cajal/frontend/frontend.hpp"
#include "cajal/network/encode.hpp"
#include "cajal/network/torch.hpp"
#include "cajal/parse/parse.hpp"
#include "cajal/prove/prove.hpp"
#include "cajal/syntax/print.hpp"
#include "cajal/testing/mutant.hpp"
#include "cajal/testing/oracle.hpp"

namespace py = pybind11;
using namespace pybind11::literals;

namespace cajal::python {

namespace {

PyObject* error_type = nullptr;  // cajal.Error (kept for the life of the process)

// ---- running library code ----------------------------------------------------------------------

template <class F>
struct Call {
  F* f;
  std::optional<decltype((*f)())> result;
  std::exception_ptr error;
};

template <class F>
void* run_call(void* p) {
  auto* call = static_cast<Call<F>*>(p);
  try {
    call->result.emplace((*call->f)());
  } catch (...) {
    call->error = std::current_exception();
  }
  return nullptr;
}

// f() with the GIL released, on a thread with a 512 MiB stack (the main thread's when one cannot
// be made). f must not touch Python objects.
template <class F>
auto library(F f) -> decltype(f()) {
  Call<F> call{&f, std::nullopt, nullptr};
  {
    py::gil_scoped_release release;
    pthread_attr_t attr;
    pthread_t thread;
    if (pthread_attr_init(&attr) == 0 && pthread_attr_setstacksize(&attr, std::size_t{512} << 20) == 0 &&
        pthread_create(&thread, &attr, run_call<F>, &call) == 0) {
      pthread_join(thread, nullptr);
    } else {
      run_call<F>(&call);
    }
    pthread_attr_destroy(&attr);
  }
  if (call.error) std::rethrow_exception(call.error);
  return std::move(*call.result);
}

// ---- errors ------------------------------------------------------------------------------------

py::dict diagnostic_dict(const Diagnostic& d) {
  py::dict out;
  out["message"] = d.message;
  out["file"] = py::none();
  out["line"] = py::none();
  out["column"] = py::none();
  if (d.span.known()) {
    LineCol lc = d.span.source->locate(d.span.begin);
    out["file"] = d.span.source->name();
    out["line"] = lc.line;
    out["column"] = lc.column;
  }
  return out;
}

// Raises cajal.Error: str(e) is the clang-style rendering; e.message, e.file, e.line, e.column
// are those of the first diagnostic (None when it has no location); e.diagnostics lists them all.
[[noreturn]] void raise(const std::vector<Diagnostic>& ds) {
  std::string text = render(ds);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  py::object e = py::reinterpret_borrow<py::object>(error_type)(text);
  py::list all;
  bool internal = false;
  for (const Diagnostic& d : ds) {
    all.append(diagnostic_dict(d));
    internal = internal || d.internal;
  }
  py::dict first = ds.empty() ? diagnostic_dict(error_at(Span{}, "error")) : diagnostic_dict(ds.front());
  for (const char* key : {"message", "file", "line", "column"}) e.attr(key) = first[key];
  e.attr("diagnostics") = all;
  e.attr("internal") = internal;
  PyErr_SetObject(error_type, e.ptr());
  throw py::error_already_set();
}

template <class T>
T value_or_raise(Result<T> r) {
  if (!r) raise(r.diagnostics);
  return std::move(*r);
}

// ---- values ------------------------------------------------------------------------------------

std::string number_text(double x) {
  std::ostringstream ss;
  ss << std::setprecision(17) << x;
  return ss.str();
}

bool is_arraylike(py::handle h) {
  return py::isinstance<py::list>(h) || py::isinstance<py::tuple>(h) || py::hasattr(h, "__array__");
}

// A Python value as a Cajal term (or, for an array, the JSON list the driver reads as a vector).
std::string term_text(py::handle h) {
  if (py::hasattr(h, "dtype") && py::hasattr(h, "ndim") && h.attr("ndim").cast<int>() == 0 && py::hasattr(h, "item"))
    return term_text(h.attr("item")());  // a NumPy (or torch) scalar
  if (PyBool_Check(h.ptr())) return h.ptr() == Py_True ? "true" : "false";
  if (PyLong_Check(h.ptr())) {
    if (h.cast<py::int_>() < py::int_(0)) throw py::value_error("a Nat cannot be negative: " + py::str(h).cast<std::string>());
    return py::str(h).cast<std::string>();
  }
  if (py::isinstance<py::str>(h)) return h.cast<std::string>();
  if (py::isinstance<py::dict>(h)) {
    std::string out = "{";
    for (auto [key, value] : h.cast<py::dict>()) {
      if (!PyBool_Check(key.ptr()) && !PyLong_Check(key.ptr()))
        throw py::type_error("a table's keys are bools or ints, got " + py::repr(key).cast<std::string>());
      out += (out.size() > 1 ? ", " : "") + term_text(key) + " \u21a6 " + term_text(value);
    }
    return out + "}";
  }
  if (is_arraylike(h)) {
    py::module_ np = py::module_::import("numpy");
    py::object x = py::reinterpret_borrow<py::object>(h);
    if (py::hasattr(h, "detach")) x = h.attr("detach")().attr("cpu")();  // a torch tensor
    py::array_t<double> a = np.attr("asarray")(x, "dtype"_a = "float64").attr("reshape")(-1);
    std::string out = "[";
    for (py::ssize_t k = 0; k < a.size(); ++k) {
      double v = a.at(k);
      if (!std::isfinite(v)) throw py::value_error("a vector's entries must be finite");
      out += (k ? ", " : "") + number_text(v);
    }
    return out + "]";
  }
  throw py::type_error("cannot pass a " + py::str(h.get_type().attr("__name__")).cast<std::string>() +
                       " to Cajal: give a bool, an int, a dict (a table), an array (a vector) or a str (a term)");
}

py::array_t<double> array_of(const Eigen::VectorXd& v) {
  py::array_t<double> a(static_cast<py::ssize_t>(v.size()));
  for (Eigen::Index k = 0; k < v.size(); ++k) a.mutable_at(k) = v(k);
  return a;
}

// v (an encoding of type t at depth D) shaped as Python sees it: [rows, cols] for a function.
py::array_t<double> shaped(const Eigen::VectorXd& v, const Type& t, int depth) {
  py::array_t<double> a = array_of(v);
  if (t.is_arrow())
    return a.reshape({static_cast<py::ssize_t>(dimension(*t.to, depth)), static_cast<py::ssize_t>(dimension(*t.from, depth))});
  return a;
}

py::object to_python(const ValuePtr& v, Evaluator& ev);

py::object to_python(const ValuePtr& v, Evaluator& ev) {
  if (const auto* b = v->as<BoolValue>()) return py::bool_(b->value);
  if (const auto* n = v->as<NatValue>()) return py::int_(n->value);
  if (const auto* x = v->as<VecValue>()) {
    py::array_t<double> a(static_cast<py::ssize_t>(x->x.size()));
    for (std::size_t k = 0; k < x->x.size(); ++k) a.mutable_at(k) = x->x[k];
    return a;
  }
  if (const auto* m = v->as<MatrixValue>()) {
    Eigen::VectorXd data = Eigen::Map<const Eigen::VectorXd>(m->data.data(), static_cast<Eigen::Index>(m->data.size()));
    return shaped(data, *m->type, m->depth);
  }
  if (const auto* t = v->as<TableValue>()) {
    py::dict out;
    for (std::size_t j = 0; j < t->entries.size(); ++j) out[to_python(basis_value(*t->type->from, j), ev)] = to_python(t->entries[j], ev);
    return out;
  }
  return py::str(value_or_raise(ev.show(v)));  // a closure: its term
}

// A value printed in source syntax (a counterexample's) as a Python value: a JSON list as an array,
// a closed term evaluated and converted; anything else stays the string.
py::object value_of_text(const std::string& text) {
  if (!text.empty() && text.front() == '[') {
    try {
      py::object list = py::module_::import("json").attr("loads")(text);
      return py::module_::import("numpy").attr("asarray")(list, "dtype"_a = "float64");
    } catch (const py::error_already_set&) {
      return py::str(text);
    }
  }
  auto source = std::make_shared<const Source>("<value>", text);
  Result<TermPtr> term = parse_term(source);
  if (!term) return py::str(text);
  TypeTable types;
  if (!check_closed_term(**term, Globals{}, types)) return py::str(text);
  Program empty;
  Evaluator ev(empty, {});
  Result<ValuePtr> value = ev.eval(**term);
  if (!value) return py::str(text);
  return to_python(*value, ev);
}

// ---- programs and networks -----------------------------------------------------------------------

struct PyProgram {
  std::string name;
  SourcePtr source;
  std::shared_ptr<const LoadedProgram> loaded;
};

PyProgram load_text(const std::string& text, const std::string& name) {
  auto source = std::make_shared<const Source>(name, text);
  auto loaded = library([&] { return load_program(source); });
  return PyProgram{name, source, std::make_shared<const LoadedProgram>(value_or_raise(std::move(loaded)))};
}

PyProgram load_file(const std::string& path) {
  std::string error;
  std::optional<std::string> text = read_file_bounded(path, error);
  if (!text) raise({error_at(Span{}, error)});
  return load_text(*text, path);
}

// The sources of a run: arguments and params as terms, kept alive with the request.
struct Request {
  RunRequest run;
};

Request make_request(const py::args& args, const py::object& params, const std::string& entry, int depth) {
  Request r;
  r.run.entry = entry;
  r.run.depth = depth;
  for (std::size_t i = 0; i < args.size(); ++i)
    r.run.args.push_back(std::make_shared<const Source>("<arg " + std::to_string(i + 1) + ">", term_text(args[i])));
  if (!params.is_none())
    for (auto [name, value] : params.cast<py::dict>()) {
      std::string n = py::str(name).cast<std::string>();
      r.run.params.emplace_back(n, std::make_shared<const Source>("<param " + n + ">", term_text(value)));
    }
  return r;
}

py::object run(const PyProgram& p, const py::args& args, const py::object& params, const std::string& entry,
               std::optional<std::uint64_t> max_steps) {
  Request request = make_request(args, params, entry, 9);
  if (max_steps) request.run.eval.max_steps = *max_steps;
  auto result = value_or_raise(library([&] { return run_main(*p.loaded, request.run); }));
  Evaluator ev(p.loaded->program, {});
  if (result.value->as<Closure>()) return py::str(result.text);  // (its params are substituted in the text)
  return to_python(result.value, ev);
}

// The big-step derivation of `entry` applied to the arguments (`cajal run --trace`), as text or
// LaTeX; a run that stops with an error raises it (cajal.Error), as Program.run does.
std::string trace(const PyProgram& p, const py::args& args, const py::object& params, const std::string& entry,
                  std::uint64_t limit, bool latex) {
  Request request = make_request(args, params, entry, 9);
  Trace steps;
  steps.limit = limit;
  request.run.eval.trace = &steps;
  value_or_raise(library([&] { return run_main(*p.loaded, request.run); }));
  return latex ? render_trace_latex(steps) : render_trace(steps);
}

// A def's typing derivation (`cajal type --derivation`), as text or LaTeX.
std::string derivation(const PyProgram& p, const std::string& name, bool latex) {
  auto checked = value_or_raise(library([&] { return check_program(p.loaded->program, CheckOptions{true}); }));
  auto it = checked.derivations.find(name);
  if (it == checked.derivations.end()) throw py::key_error("no def named `" + name + "` in " + p.name);
  return latex ? render_derivation_latex(it->second) : render_derivation(it->second);
}

std::string type_of(const PyProgram& p, const std::string& name) {
  const Global* g = p.loaded->checked.globals.find(name);
  if (!g) throw py::key_error("no def or param named `" + name + "` in " + p.name);
  return print_type(g->type);
}

std::vector<std::string> names(const PyProgram& p, bool params) {
  std::vector<std::string> out;
  for (const Decl& d : p.loaded->program.decls)
    if (std::holds_alternative<Param>(d) == params) out.push_back(decl_name(d));
  return out;
}

struct PyNetwork {
  PyProgram program;
  int depth = 9;
  std::shared_ptr<const Network> network;  // main compiled with its leading `fun`s as inputs
};

PyNetwork compile(const PyProgram& p, int depth) {
  CompileOptions options;
  options.depth = depth;
  auto net = value_or_raise(library([&] { return compile_program(*p.loaded, options); }));
  return PyNetwork{p, depth, std::make_shared<const Network>(std::move(net))};
}

py::array_t<double> tensor(const PyNetwork& n, const py::object& params) {
  Request request = make_request(py::args(), params, "main", n.depth);
  auto r = value_or_raise(library([&] { return materialize_main(*n.program.loaded, request.run); }));
  if (r.mass_lost > 1e-9) {
    std::string w = "the tensor lost mass past the depth D = " + std::to_string(n.depth) +
                    ": for some arguments main's result needs naturals above " + std::to_string(n.depth);
    if (PyErr_WarnEx(PyExc_RuntimeWarning, w.c_str(), 1) != 0) throw py::error_already_set();
  }
  return shaped(r.tensor, *r.type, n.depth);
}

py::object network_run(const PyNetwork& n, const py::args& args, const py::object& params, bool raw) {
  Request request = make_request(args, params, "main", n.depth);
  auto r = value_or_raise(library([&] { return run_main_on_network(*n.program.loaded, request.run); }));
  Eigen::VectorXd out = r.run.output.col(0);
  const Type& t = *r.type;
  if (!raw && r.value && !t.is_arrow()) {
    Result<ValuePtr> v = value_from_vector(out, r.type, n.depth);
    if (v) {
      Program empty;
      Evaluator ev(empty, {});
      return to_python(*v, ev);
    }
  }
  return shaped(out, t, n.depth);
}

// Many argument tuples through the network at once (`cajal run --inputs`): one output per row, as
// Network.run gives it.
py::list network_run_batch(const PyNetwork& n, const py::iterable& rows, const py::object& params, bool raw, unsigned threads) {
  Request request = make_request(py::args(), params, "main", n.depth);
  std::vector<BatchRow> batch;
  for (const py::handle& row : rows) {
    BatchRow r;
    for (const py::handle& a : py::cast<py::sequence>(row))
      r.args.push_back(std::make_shared<const Source>("<row " + std::to_string(batch.size() + 1) + ", arg " +
                                                          std::to_string(r.args.size() + 1) + ">",
                                                      term_text(py::reinterpret_borrow<py::object>(a))));
    batch.push_back(std::move(r));
  }
  auto r = value_or_raise(library([&] { return run_batch_on_network(*n.program.loaded, request.run, batch, threads); }));
  py::list out;
  const Type& t = *r.type;
  for (std::size_t b = 0; b < batch.size(); ++b) {
    Eigen::VectorXd column = r.run.output.col(batch_column(r.run.output, b));
    if (!raw && r.values[b] && !t.is_arrow()) {
      if (Result<ValuePtr> v = value_from_vector(column, r.type, n.depth)) {
        Program empty;
        Evaluator ev(empty, {});
        out.append(to_python(*v, ev));
        continue;
      }
    }
    out.append(shaped(column, t, n.depth));
  }
  return out;
}

py::dict grad(const PyNetwork& n, const py::args& args, const py::object& params) {
  Request request = make_request(args, params, "main", n.depth);
  auto r = value_or_raise(library([&] { return grad_main(*n.program.loaded, request.run); }));
  const NetworkRunResult& run = r.first;
  const NetworkGradients& g = r.second;
  py::dict inputs, ps;
  for (std::size_t k = 0; k < run.network.inputs.size(); ++k)
    inputs[py::str(run.network.inputs[k].name)] = shaped(g.inputs[k].col(0), *run.network.inputs[k].type, n.depth);
  for (const NetworkInput& p : run.network.params)
    if (g.params.count(p.name)) ps[py::str(p.name)] = shaped(g.params.at(p.name), *p.type, n.depth);
  py::dict out;
  out["output"] = shaped(run.run.output.col(0), *run.type, n.depth);
  out["inputs"] = inputs;
  out["params"] = ps;
  return out;
}

std::string torch_source(const PyNetwork& n) { return to_torch(*n.network, n.program.name); }

// The module `--emit torch` writes, executed into a fresh module namespace (no file), and its
// Program() instance.
py::object to_torch_module(const PyNetwork& n) {
  std::string source = torch_source(n);
  py::module_ types = py::module_::import("types");
  py::object module = types.attr("ModuleType")("cajal_torch");
  py::object code = py::module_::import("builtins").attr("compile")(source, "<cajal torch: " + n.program.name + ">", "exec");
  py::module_::import("builtins").attr("exec")(code, module.attr("__dict__"));
  py::object program = module.attr("Program")();
  return program;
}

py::list io_list(const std::vector<NetworkInput>& xs) {
  py::list out;
  for (const NetworkInput& x : xs) out.append(py::make_tuple(x.name, print_type(x.type)));
  return out;
}

// ---- decisions -----------------------------------------------------------------------------------

struct ProveVerdict {
  std::string verdict;
  std::string reason;
  int depth = 9;
  double seconds = 0;
  py::object counterexample = py::none();
  std::vector<std::string> warnings;
  std::string obligation;
};

std::optional<Mutant> mutant_option(const std::optional<std::string>& name) {
  if (!name) return std::nullopt;
  std::optional<Mutant> m = mutant_from_name(*name);
  if (!m) throw py::value_error("unknown mutant `" + *name + "`");
  return m;
}

ProveVerdict prove(const PyProgram& p, int depth, double timeout, unsigned seed, const std::optional<std::string>& mutant,
                   bool whole) {
  ProveOptions options;
  options.depth = depth;
  options.whole = whole;  // one question, whose SMT-LIB2 text is kept (`obligation`)
  options.obligation_text = whole;
  options.timeout_seconds = timeout;
  options.seed = seed;
  if (std::optional<Mutant> m = mutant_option(mutant); m && *m != Mutant::None)
    options.rewrite = [m = *m](Network& net) { apply_mutant(net, m); };
  ProveResult r = value_or_raise(library([&] { return prove_program(*p.loaded, options); }));
  ProveVerdict out{verdict_name(r.verdict), r.reason, r.depth, r.seconds, py::none(), r.warnings, r.obligation};
  if (r.verdict == ProveResult::Verdict::Refuted) {
    py::dict inputs;
    for (const auto& [name, value] : r.inputs) inputs[py::str(name)] = value_of_text(value);
    py::dict ce;
    ce["inputs"] = inputs;
    ce["program"] = value_of_text(r.interpreter_value);
    ce["network"] = value_of_text(r.network_value);
    ce["first_disagreement"] = r.first_disagreement;
    out.counterexample = ce;
  }
  return out;
}

struct CheckVerdict {
  std::string verdict;
  std::string reason;
  std::string method;
  std::string type;
  int depth = 9;
  double seconds = 0;
  py::object counterexample = py::none();
  std::size_t counterexamples = 0;
  bool counted_all = true;
  std::vector<std::string> warnings;
  std::vector<std::string> reproduce;
};

CheckVerdict check(const PyProgram& a, const PyProgram& b, const std::string& left_def, const std::string& right_def,
                   int depth, bool neural, const std::string& method, double timeout) {
  EquivalenceOptions options;
  options.depth = depth;
  options.neural = neural;
  options.timeout_seconds = timeout;
  if (method == "auto") options.method = EquivalenceOptions::Method::Auto;
  else if (method == "exhaustive") options.method = EquivalenceOptions::Method::Exhaustive;
  else if (method == "symbolic") options.method = EquivalenceOptions::Method::Symbolic;
  else throw py::value_error("method is 'auto', 'exhaustive' or 'symbolic', got '" + method + "'");
  CheckSide left{a.loaded.get(), left_def, a.name};
  CheckSide right{b.loaded.get(), right_def, b.name};
  EquivalenceResult r = value_or_raise(library([&] { return check_equivalence(left, right, options); }));
  CheckVerdict out{verdict_name(r.verdict), r.reason, r.method, r.type ? print_type(r.type) : "", r.depth, r.seconds,
                   py::none(), r.counterexamples, r.counted_all, r.warnings, reproduce_commands(left, right, r, neural)};
  if (r.counterexample) {
    py::dict inputs, params;
    for (const auto& in : r.counterexample->inputs) (in.is_param ? params : inputs)[py::str(in.name)] = value_of_text(in.value);
    py::dict ce;
    ce["inputs"] = inputs;
    ce["params"] = params;
    ce["left"] = value_of_text(r.counterexample->left);
    ce["right"] = value_of_text(r.counterexample->right);
    out.counterexample = ce;
  }
  return out;
}

struct FuzzSummary {
  std::uint64_t seed = 0, checked = 0, compared = 0, overflows = 0, skipped = 0, too_large = 0;
  double seconds = 0;
  py::list failures;
};

FuzzSummary fuzz(std::uint64_t count, std::uint64_t seed, int depth, int max_size, const std::optional<std::string>& mutant) {
  if (depth < 1) throw py::value_error("depth must be at least 1 for fuzzing");
  testing::FuzzOptions options;
  options.count = count;
  options.seed = seed;
  options.max_depth = depth;
  options.max_size = max_size;
  options.mutant = mutant_option(mutant).value_or(Mutant::None);
  testing::FuzzReport report = library([&] { return testing::fuzz(options); });
  FuzzSummary out{seed, report.checked, report.compared, report.overflows, report.skipped, report.too_large, report.seconds, py::list()};
  for (const testing::FuzzFailure& f : report.failures) {
    testing::FuzzFailureFile file = testing::failure_file(options, f);
    py::dict failure;
    failure["index"] = f.index;
    failure["message"] = f.verdict.failure;
    failure["depth"] = file.depth;
    failure["name"] = file.name;
    failure["reproduction"] = file.text;
    out.failures.append(failure);
  }
  return out;
}

}  // namespace
}  // namespace cajal::python

PYBIND11_MODULE(_cajal, m) {
  using namespace cajal::python;
  m.doc() = "The compiled part of the Python module `cajal` (import cajal, not cajal._cajal).";
  error_type = PyErr_NewExceptionWithDoc(
      "cajal.Error",
      "A Cajal diagnostic: str(e) is the clang-style message; e.message, e.file, e.line and e.column are those of "
      "the first diagnostic (None when it has no location); e.diagnostics lists every one as a dict.",
      PyExc_Exception, nullptr);
  Py_INCREF(error_type);
  m.attr("Error") = py::handle(error_type);

  py::class_<PyProgram>(m, "Program", "A program that parsed and type-checked (cajal.load).")
      .def_readonly("name", &PyProgram::name)
      .def_property_readonly("source", [](const PyProgram& p) { return p.source->text(); })
      .def_property_readonly("defs", [](const PyProgram& p) { return names(p, false); })
      .def_property_readonly("params", [](const PyProgram& p) { return names(p, true); })
      .def("type_of", &type_of, "name"_a, "The type of a def or param, in source syntax (KeyError when there is none).")
      .def("run", &run, "params"_a = py::none(), "entry"_a = "main", "max_steps"_a = py::none(),
           "Evaluates `entry` (main) applied to the arguments with the reference interpreter.")
      .def("compile", &compile, "depth"_a = 9, "Compiles main to neurons at depth D.")
      .def("trace", &trace, "params"_a = py::none(), "entry"_a = "main", "limit"_a = 500, "latex"_a = false,
           "The big-step derivation of `entry` applied to the arguments, rule by rule (`cajal run --trace`); "
           "latex=True gives bussproofs proof trees.")
      .def("derivation", &derivation, "name"_a = "main", "latex"_a = false,
           "The typing derivation of a def (`cajal type --derivation`); latex=True gives a bussproofs proof tree.")
      .def("__repr__", [](const PyProgram& p) { return "<cajal.Program " + p.name + ">"; });

  py::class_<PyNetwork>(m, "Network", "main compiled to neurons (Program.compile).")
      .def_readonly("depth", &PyNetwork::depth)
      .def_property_readonly("neurons", [](const PyNetwork& n) { return n.network->node_count(); })
      .def_property_readonly("inputs", [](const PyNetwork& n) { return io_list(n.network->inputs); })
      .def_property_readonly("params", [](const PyNetwork& n) { return io_list(n.network->params); })
      .def_property_readonly("type", [](const PyNetwork& n) { return cajal::print_type(n.network->output_type); })
      .def("tensor", &tensor, "params"_a = py::none(), "main as one tensor ([rows, cols] for a function).")
      .def("run", &network_run, "params"_a = py::none(), "raw"_a = false,
           "Runs the network on the arguments' encodings; the decoded value when the output is an exact encoding of a "
           "Bool or Nat (else, or with raw=True, the output vector).")
      .def("run_batch", &network_run_batch, "rows"_a, "params"_a = py::none(), "raw"_a = false, "threads"_a = 0u,
           "Runs the network once on many argument tuples (one batch, split across `threads` threads, 0: one per core; "
           "the same result for every number): a list with each row's output as Network.run gives it.")
      .def("grad", &grad, "params"_a = py::none(),
           "Reverse mode: {'output', 'inputs': {name: grad}, 'params': {name: grad}} of the summed output.")
      .def("torch_source", &torch_source, "The Python text `cajal compile --emit torch` writes.")
      .def("to_torch", &to_torch_module, "The same module as an nn.Module, built in memory.")
      .def("dot", [](const PyNetwork& n) { return to_dot(*n.network); },
           "The network as a Graphviz graph (`cajal compile --emit dot`).")
      .def("svg", [](const PyNetwork& n) { return value_or_raise(library([&] { return network_svg(*n.network); })); },
           "The network drawn by Graphviz, as SVG text (`cajal compile --emit svg`).")
      .def("_repr_svg_", [](const PyNetwork& n) { return value_or_raise(library([&] { return network_svg(*n.network); })); },
           "Jupyter shows a Network as its drawing.")
      .def("__repr__", [](const PyNetwork& n) {
        return "<cajal.Network " + n.program.name + " at depth " + std::to_string(n.depth) + ": " +
               std::to_string(n.network->node_count()) + " neurons>";
      });

  py::class_<ProveVerdict>(m, "ProveResult", "The answer of cajal.prove.")
      .def_readonly("verdict", &ProveVerdict::verdict)
      .def_readonly("reason", &ProveVerdict::reason)
      .def_readonly("depth", &ProveVerdict::depth)
      .def_readonly("seconds", &ProveVerdict::seconds)
      .def_readonly("counterexample", &ProveVerdict::counterexample)
      .def_readonly("warnings", &ProveVerdict::warnings)
      .def_readonly("obligation", &ProveVerdict::obligation)
      .def_property_readonly("proved", [](const ProveVerdict& v) { return v.verdict == "proved"; })
      .def("__bool__", [](const ProveVerdict& v) { return v.verdict == "proved"; })
      .def("__repr__", [](const ProveVerdict& v) {
        return "<cajal.ProveResult " + v.verdict + " at depth " + std::to_string(v.depth) + ">";
      });

  py::class_<CheckVerdict>(m, "CheckResult", "The answer of cajal.check.")
      .def_readonly("verdict", &CheckVerdict::verdict)
      .def_readonly("reason", &CheckVerdict::reason)
      .def_readonly("method", &CheckVerdict::method)
      .def_readonly("type", &CheckVerdict::type)
      .def_readonly("depth", &CheckVerdict::depth)
      .def_readonly("seconds", &CheckVerdict::seconds)
      .def_readonly("counterexample", &CheckVerdict::counterexample)
      .def_readonly("counterexamples", &CheckVerdict::counterexamples)
      .def_readonly("counted_all", &CheckVerdict::counted_all)
      .def_readonly("warnings", &CheckVerdict::warnings)
      .def_readonly("reproduce", &CheckVerdict::reproduce)
      .def_property_readonly("equivalent", [](const CheckVerdict& v) { return v.verdict == "equivalent"; })
      .def("__bool__", [](const CheckVerdict& v) { return v.verdict == "equivalent"; })
      .def("__repr__", [](const CheckVerdict& v) {
        return "<cajal.CheckResult " + v.verdict + " at depth " + std::to_string(v.depth) + ">";
      });

  py::class_<FuzzSummary>(m, "FuzzReport", "The result of cajal.fuzz.")
      .def_readonly("seed", &FuzzSummary::seed)
      .def_readonly("checked", &FuzzSummary::checked)
      .def_readonly("compared", &FuzzSummary::compared)
      .def_readonly("overflows", &FuzzSummary::overflows)
      .def_readonly("skipped", &FuzzSummary::skipped)
      .def_readonly("too_large", &FuzzSummary::too_large)
      .def_readonly("seconds", &FuzzSummary::seconds)
      .def_readonly("failures", &FuzzSummary::failures)
      .def("__bool__", [](const FuzzSummary& f) { return f.failures.empty(); })
      .def("__repr__", [](const FuzzSummary& f) {
        return "<cajal.FuzzReport " + std::to_string(f.checked) + " programs, " + std::to_string(f.failures.size()) +
               " failures>";
      });

  m.def("load_text", &load_text, "text"_a, "name"_a = "<string>");
  m.def("load_file", &load_file, "path"_a);
  m.def("prove", &prove, "program"_a, "depth"_a = 9, "timeout"_a = 60.0, "seed"_a = 0u, "mutant"_a = py::none(),
        "whole"_a = false);
  m.def("check", &check, "a"_a, "b"_a, "left_def"_a, "right_def"_a, "depth"_a, "neural"_a, "method"_a, "timeout"_a);
  m.def("fuzz", &fuzz, "count"_a = 1000, "seed"_a = 0, "depth"_a = 9, "max_size"_a = 50, "mutant"_a = py::none());
}
