#include "cajal/driver/driver.hpp"

#include <cctype>

#include <cmath>
#include <nlohmann/json.hpp>

#include "cajal/compile/compile.hpp"
#include "cajal/network/encode.hpp"
#include "cajal/parse/parse.hpp"
#include "cajal/prove/certificate.hpp"
#include "cajal/syntax/print.hpp"

namespace cajal {

namespace {
std::string quoted(const std::string& name) { return "`" + name + "`"; }
Diagnostic plain_error(std::string message) { return error_at(Span{}, std::move(message)); }

// The budgets of request.eval without its trace: only the run of main itself is traced
// (run_main), not the evaluation of params, arguments' encodings or probes.
EvalOptions untraced(EvalOptions options) {
  options.trace = nullptr;
  return options;
}

// Arguments and params parsed, type-checked and evaluated.
struct Prepared {
  std::map<std::string, ValuePtr> params;
  std::map<std::string, Eigen::VectorXd> param_vectors;  // `--param p=[x, y, ...]` (network only)
  std::vector<TermPtr> args;                         // null for a vector argument
  std::vector<std::optional<Eigen::VectorXd>> vectors;  // `[x, y, ...]` arguments (network only)
  std::vector<TypePtr> arg_types;
  TypePtr result_type;
};

// A JSON list of finite numbers of the given length, or nullopt.
std::optional<Eigen::VectorXd> json_vector(const std::string& text, std::size_t want) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  bool ok = j.is_array() && !j.empty();
  for (const auto& x : j) ok = ok && x.is_number() && std::isfinite(x.get<double>());
  if (!ok) return std::nullopt;
  std::vector<double> numbers = j.get<std::vector<double>>();
  if (numbers.size() != want) return std::nullopt;
  return Eigen::Map<const Eigen::VectorXd>(numbers.data(), static_cast<Eigen::Index>(numbers.size()));
}

bool is_vector_text(const std::string& text) {
  std::size_t first = text.find_first_not_of(" \t\n");
  return first != std::string::npos && text[first] == '[';
}

// Params: parsed, type-checked and evaluated (or read as raw vectors) into `out`.
std::vector<Diagnostic> prepare_params(const LoadedProgram& loaded, const RunRequest& request, Prepared& out) {
  // Params: closed terms of the declared type. They may not mention defs or other params.
  Program empty;
  for (const auto& [name, source] : request.params) {
    const Param* param = loaded.program.find_param(name);
    if (!param) return {plain_error("--param " + name + ": the program declares no param " + quoted(name))};
    if (out.params.count(name) || out.param_vectors.count(name))
      return {plain_error("--param " + name + " is given twice")};
    if (is_vector_text(source->text())) {  // a raw vector, for the network (a learned weight, say)
      std::size_t want = dimension(*param->type, request.depth);
      std::optional<Eigen::VectorXd> x = json_vector(source->text(), want);
      if (!x)
        return {error_at(Span{source.get(), 0, static_cast<std::uint32_t>(source->text().size())},
                                   "param " + quoted(name) + " is a vector: it must be a JSON list of " +
                                       std::to_string(want) + " finite numbers (the encoding of " +
                                       print_type(param->type) + " at depth " + std::to_string(request.depth) + ")")};
      out.param_vectors.emplace(name, *x);
      continue;
    }
    Result<TermPtr> term = parse_term(source);
    if (!term) return std::move(term.diagnostics);
    TypeTable types;
    Result<TypePtr> type = check_closed_term(**term, Globals{}, types);
    if (!type) return std::move(type.diagnostics);
    if (!same_type(*type, param->type))
      return {error_at((*term)->span, "param " + quoted(name) + " is declared as " +
                                                    print_type(param->type) + " but this value has type " +
                                                    print_type(*type))};
    Evaluator closed(empty, {}, untraced(request.eval));
    Result<ValuePtr> value = closed.eval(**term);
    if (!value) return std::move(value.diagnostics);
    out.params.emplace(name, *value);
  }
  return {};
}

// Arguments: parsed and type-checked against main's parameter types (or read as raw vectors) into
// `out`, and the type main has after them.
std::vector<Diagnostic> prepare_args(const LoadedProgram& loaded, const RunRequest& request, const TypePtr& main_type,
                                       Prepared& out) {
  // Arguments: closed terms (they may mention defs and params) of main's parameter types.
  TypePtr type = main_type;
  for (std::size_t i = 0; i < request.args.size(); ++i) {
    const std::string& text = request.args[i]->text();
    if (is_vector_text(text)) {
      Span whole{request.args[i].get(), 0, static_cast<std::uint32_t>(text.size())};
      if (!type->is_arrow())
        return {error_at(whole, request.entry + " has type " + print_type(main_type) + ", which takes " +
                                              std::to_string(i) + " arguments, but " +
                                              std::to_string(request.args.size()) + " were given")};
      std::size_t want = dimension(*type->from, request.depth);
      std::optional<Eigen::VectorXd> x = json_vector(text, want);
      if (!x)
        return {error_at(whole, "argument " + std::to_string(i + 1) + " is a vector: it must be a JSON list of " +
                                              std::to_string(want) + " finite numbers (the encoding of " +
                                              print_type(type->from) + " at depth " + std::to_string(request.depth) + ")")};
      out.args.push_back(nullptr);
      out.vectors.push_back(*x);
      out.arg_types.push_back(type->from);
      type = type->to;
      continue;
    }
    Result<TermPtr> term = parse_term(request.args[i]);
    if (!term) return std::move(term.diagnostics);
    if (!type->is_arrow())
      return {error_at((*term)->span, request.entry + " has type " + print_type(main_type) + ", which takes " +
                                                    std::to_string(i) + " argument" + (i == 1 ? "" : "s") + ", but " +
                                                    std::to_string(request.args.size()) + " were given")};
    TypeTable types;
    Result<TypePtr> arg_type = check_closed_term(**term, loaded.checked.globals, types);
    if (!arg_type) return std::move(arg_type.diagnostics);
    if (!same_type(*arg_type, type->from))
      return {error_at((*term)->span, "argument " + std::to_string(i + 1) + " has type " +
                                                    print_type(*arg_type) + " but main expects " +
                                                    print_type(type->from))};
    out.args.push_back(*term);
    out.vectors.push_back(std::nullopt);
    out.arg_types.push_back(type->from);
    type = type->to;
  }
  out.result_type = type;
  return {};
}

Result<Prepared> prepare(const LoadedProgram& loaded, const RunRequest& request) {
  using R = Result<Prepared>;
  const Global* main = loaded.checked.globals.find(request.entry);
  if (!main || main->kind != Global::Kind::Def) {
    std::string where = loaded.program.sources.empty() ? "the program" : loaded.program.sources.front()->name();
    return R::failure(plain_error("no `def " + request.entry + "` in " + where + ": `cajal run` evaluates the def named " +
                                  request.entry));
  }
  Prepared out;
  if (std::vector<Diagnostic> d = prepare_params(loaded, request, out); !d.empty()) return R::failure(std::move(d));
  if (std::vector<Diagnostic> d = prepare_args(loaded, request, main->type, out); !d.empty()) return R::failure(std::move(d));
  return R::success(std::move(out));
}
}  // namespace

Result<RunResult> run_main(const LoadedProgram& loaded, const RunRequest& request) {
  using R = Result<RunResult>;
  Result<Prepared> prepared = prepare(loaded, request);
  if (!prepared) return R::failure(std::move(prepared.diagnostics));
  // Vectors (`[x, y, ...]`) are values too: a Vec as itself, a function as its matrix, a Bool or a
  // Nat when exactly one-hot (soft ones only the network can take).
  auto vector_value = [&](const Eigen::VectorXd& x, const TypePtr& type, const std::string& what, Span site) {
    Result<ValuePtr> v = value_from_vector(x, type, request.depth);
    if (!v) return Result<ValuePtr>::failure(error_at(site, what + ": " + v.diagnostics.front().message));
    return v;
  };
  std::map<std::string, ValuePtr> params = prepared->params;
  for (const auto& [name, x] : prepared->param_vectors) {
    Result<ValuePtr> v = vector_value(x, loaded.program.find_param(name)->type, "param " + quoted(name), Span{});
    if (!v) return R::failure(std::move(v.diagnostics));
    params.emplace(name, *v);
  }
  Evaluator evaluator(loaded.program, params, request.eval);
  Trace* trace = request.eval.trace;
  // Traced, the run is the derivation of `main t₁ … tₙ`: each application's premises are the
  // steps that computed its function (main's E-Def, or the previous application) and argument.
  std::size_t function_steps = trace ? trace->roots.size() : 0;
  Result<ValuePtr> value = evaluator.def_value(request.entry);
  if (!value) return R::failure(std::move(value.diagnostics));
  std::string applied = request.entry;  // what a trace shows for each application: "main 7", "main 7 true"
  for (std::size_t i = 0; i < prepared->args.size(); ++i) {
    Span site = prepared->args[i] ? prepared->args[i]->span
                                  : Span{request.args[i].get(), 0, static_cast<std::uint32_t>(request.args[i]->text().size())};
    Result<ValuePtr> a = prepared->args[i] ? evaluator.eval(*prepared->args[i])
                                           : vector_value(*prepared->vectors[i], prepared->arg_types[i],
                                                          "argument " + std::to_string(i + 1), site);
    if (!a) return R::failure(std::move(a.diagnostics));
    if (trace) {
      std::string text(request.args[i]->text());
      while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
      const bool atomic = text.find_first_of(" \t\n") == std::string::npos;
      applied += " " + (atomic ? text : "(" + text + ")");
      value = evaluator.apply_traced(*value, *a, site, applied, function_steps);
      function_steps = std::min(function_steps, trace->roots.size() - (trace->roots.empty() ? 0 : 1));
    } else {
      value = evaluator.apply(*value, *a, site);
    }
    if (!value) return R::failure(std::move(value.diagnostics));
  }
  evaluator.set_trace(nullptr);  // printing the value below is not part of the run
  std::uint64_t max_natural = evaluator.max_natural();
  // A vector (or a function that captures one) has no term: its text is a list.
  Result<TermPtr> term = evaluator.readback(*value);
  Result<std::string> text = evaluator.show(*value);
  if (!text) return R::failure(std::move(text.diagnostics));
  return R::success(RunResult{prepared->result_type, *value, term ? *term : nullptr, *text, max_natural});
}

namespace {
// Whether x is a distribution over encodings of type t (a mix of values, so that the mass check
// applies): non-negative with mass one for Bool and Nat; for a function on Bool or Nat, every
// column (the image of one basis value) a distribution over the result type.
bool is_distribution(const Eigen::VectorXd& x, const Type& t, int depth) {
  if (x.size() == 0 || x.minCoeff() < 0.0 || !without_vec(t)) return false;  // (a vector has no mass)
  if (!t.is_arrow()) return std::abs(x.sum() - 1.0) <= 1e-9;
  if (t.from->is_arrow()) return false;  // no notion of a distribution over higher-order tables here
  const std::size_t cols = dimension(*t.from, depth);
  for (std::size_t j = 0; j < cols; ++j)
    if (!is_distribution(matrix_column(x, cols, j), *t.to, depth)) return false;
  return true;
}

// The largest natural in a value's encoding at `depth` (for a function, over its whole table:
// every column is computed, also past the first one that overflows).
std::uint64_t largest_natural(const ValuePtr& v, const Type& t, int depth, Evaluator& ev) {
  if (const NatValue* n = v->as<NatValue>()) return n->value;
  if (!is_function(*v) || !t.is_arrow() || t.from->is_arrow()) return 0;
  const TableValue* table = v->as<TableValue>();
  std::uint64_t most = 0;
  std::size_t basis = dimension(*t.from, depth);
  for (std::size_t j = 0; j < basis && (!table || j < table->entries.size()); ++j)
    if (Result<ValuePtr> image = ev.apply(v, basis_value(*t.from, j)))
      most = std::max(most, largest_natural(*image, *t.to, depth, ev));
  return most;
}

std::uint64_t natural_of(const ValuePtr& v) {
  const NatValue* n = v->as<NatValue>();
  return n ? n->value : 0;
}

// The interpreter on the same inputs, for the depth a network would need: the naturals given as
// inputs (arguments and params), those main's run meets, including those it reads from an input
// function's table (a column whose natural is above D is zero: only the columns used count), and
// for a function result those of its whole table. Returns nullopt when the interpreter itself fails.
std::optional<std::uint64_t> interpreter_depth(const LoadedProgram& loaded, const Prepared& prepared,
                                               const RunRequest& request, const TypePtr& result, int depth) {
  Evaluator probe(loaded.program, prepared.params, untraced(request.eval));
  std::uint64_t inputs = 0;
  for (const auto& [name, v] : prepared.params) {
    inputs = std::max(inputs, natural_of(v));
    probe.mark_opaque(v);
  }
  Result<ValuePtr> m = probe.def_value(request.entry);
  for (std::size_t i = 0; m && i < prepared.args.size(); ++i) {
    if (!prepared.args[i]) return std::nullopt;  // a vector argument: no interpreter run
    Evaluator values(loaded.program, prepared.params, untraced(request.eval));
    Result<ValuePtr> a = values.eval(*prepared.args[i]);  // how it is computed is not the network's concern
    if (!a) return std::nullopt;
    inputs = std::max(inputs, natural_of(*a));
    probe.mark_opaque(*a);
    m = probe.apply(*m, *a);
  }
  if (!m) return std::nullopt;
  std::uint64_t table = result->is_arrow() ? largest_natural(*m, *result, depth, probe) : 0;
  return std::max({inputs, table, probe.max_natural()});
}

std::string depth_hint(std::optional<std::uint64_t> needed, const Type& result, int depth) {
  if (!needed || *needed <= static_cast<std::uint64_t>(depth)) return "";
  if (*needed > static_cast<std::uint64_t>(kMaxDepth))
    return "; the interpreter meets naturals up to " + std::to_string(*needed) + " on these inputs, more than any depth (at most " +
           std::to_string(kMaxDepth) + ") can represent";
  if (result.is_arrow())
    return "; the output is a function whose table at this depth needs naturals up to " + std::to_string(*needed) +
           " (its table covers every argument up to D, so a larger depth may need larger naturals still: apply it to "
           "arguments instead)";
  return "; the interpreter meets naturals up to " + std::to_string(*needed) + " on these inputs: rerun with --depth " +
         std::to_string(*needed);
}
}  // namespace

namespace {
// A value's encoding for the network (through the interpreter: a function by its table), or an
// error at `site` that says which depth would do when a natural in it is past D.
Result<Eigen::VectorXd> encode_input(const LoadedProgram& loaded, const Prepared& prepared, const RunRequest& request,
                                     Evaluator& evaluator, const ValuePtr& v, const Type& t, const std::string& what,
                                     Span site) {
  const int depth = request.depth;
  Result<Eigen::VectorXd> x = encode_value(v, t, depth, evaluator);
  if (x) return x;
  std::string message = what + ": " + x.diagnostics.front().message;
  if (std::optional<std::uint64_t> needed = interpreter_depth(loaded, prepared, request, prepared.result_type, depth);
      needed && *needed > static_cast<std::uint64_t>(depth) && !prepared.result_type->is_arrow())
    message = what + ": " + x.diagnostics.front().message.substr(0, x.diagnostics.front().message.find(';')) +
              depth_hint(needed, *prepared.result_type, depth);
  return Result<Eigen::VectorXd>::failure(error_at(site, message));
}

// The arguments of `prepared` as column `row` of the network's inputs (a batch of `rows`): each
// one's encoding, a vector argument as given. `encoded` is cleared when one is a real vector that
// is not a distribution over encodings (the mass check is then off).
std::vector<Diagnostic> encode_args(const LoadedProgram& loaded, const Prepared& prepared, const RunRequest& request,
                                    Eigen::Index row, Eigen::Index rows, NetworkArgs& inputs, bool& encoded) {
  Evaluator evaluator(loaded.program, prepared.params, untraced(request.eval));
  inputs.inputs.resize(prepared.args.size());
  for (std::size_t i = 0; i < prepared.args.size(); ++i) {
    Eigen::VectorXd x;
    if (const auto& vector = prepared.vectors[i]) {
      // A vector that is a distribution over encodings (non-negative, with an encoding's total
      // mass) keeps the mass check exact; any other real vector turns it off.
      x = *vector;
      encoded = encoded && is_distribution(x, *prepared.arg_types[i], request.depth);
    } else {
      Result<ValuePtr> v = evaluator.eval(*prepared.args[i]);
      if (!v) return std::move(v.diagnostics);
      Result<Eigen::VectorXd> e = encode_input(loaded, prepared, request, evaluator, *v, *prepared.arg_types[i],
                                               "argument " + std::to_string(i + 1), prepared.args[i]->span);
      if (!e) return std::move(e.diagnostics);
      x = std::move(*e);
    }
    Eigen::MatrixXd& column = inputs.inputs[i];
    if (column.cols() != rows) column.resize(x.size(), rows);
    column.col(row) = x;
  }
  return {};
}

// The params of `prepared` as the network's params, as encode_args does for arguments.
std::vector<Diagnostic> encode_params(const LoadedProgram& loaded, const Prepared& prepared, const RunRequest& request,
                                      NetworkArgs& inputs, bool& encoded) {
  Evaluator evaluator(loaded.program, prepared.params, untraced(request.eval));
  for (const auto& [name, value] : prepared.params) {
    Result<Eigen::VectorXd> x = encode_input(loaded, prepared, request, evaluator, value,
                                             *loaded.program.find_param(name)->type, "param " + quoted(name), Span{});
    if (!x) return std::move(x.diagnostics);
    inputs.params.emplace(name, *x);
  }
  for (const auto& [name, x] : prepared.param_vectors) {  // as for vector arguments
    inputs.params.emplace(name, x);
    encoded = encoded && is_distribution(x, *loaded.program.find_param(name)->type, request.depth);
  }
  return {};
}

// Main compiled at request.depth with `inputs` network inputs (the request's rewrite applied), or
// why not; a param the network uses and `params` has no value for is an error.
Result<Network> compiled_main(const LoadedProgram& loaded, const RunRequest& request, std::size_t inputs) {
  CompileOptions options;
  options.depth = request.depth;
  options.inputs = inputs;
  options.entry = request.entry;
  Result<Network> net = compile_program(loaded, options);
  if (net && request.rewrite) request.rewrite(*net);
  return net;
}

std::optional<Diagnostic> missing_param(const Network& net, const NetworkArgs& inputs) {
  for (const NetworkInput& p : net.params)
    if (!inputs.params.count(p.name))
      for (const Graph& g : net.graphs)
        for (const Node& n : g.nodes)
          if (n.op == Op::Param && n.name == p.name)
            return plain_error("param " + quoted(p.name) + " has no value; give it one with --param " + p.name + "=TERM");
  return std::nullopt;
}

// A run that lost mass past D is an error that says which depth would do (never silently wrong).
std::string mass_lost_message(const LoadedProgram& loaded, const Prepared& prepared, const RunRequest& request) {
  const int depth = request.depth;
  return "the network lost mass past the depth D = " + std::to_string(depth) + " (a natural exceeded " +
         std::to_string(depth) + "), so its output is not the program's value" +
         depth_hint(interpreter_depth(loaded, prepared, request, prepared.result_type, depth), *prepared.result_type, depth);
}
}  // namespace

Result<NetworkRunResult> run_main_on_network(const LoadedProgram& loaded, const RunRequest& request) {
  using R = Result<NetworkRunResult>;
  const int depth = request.depth;
  Result<Prepared> prepared = prepare(loaded, request);
  if (!prepared) return R::failure(std::move(prepared.diagnostics));
  Result<Network> net = compiled_main(loaded, request, prepared->args.size());
  if (!net) return R::failure(std::move(net.diagnostics));
  // Encode the arguments and params through the interpreter (a function argument by its table).
  NetworkRunResult out;
  bool encoded = true;  // every input is the encoding of a value (so mass is conserved)
  if (std::vector<Diagnostic> d = encode_args(loaded, *prepared, request, 0, 1, out.inputs, encoded); !d.empty())
    return R::failure(std::move(d));
  if (std::vector<Diagnostic> d = encode_params(loaded, *prepared, request, out.inputs, encoded); !d.empty())
    return R::failure(std::move(d));
  if (std::optional<Diagnostic> d = missing_param(*net, out.inputs)) return R::failure(std::move(*d));
  Result<NetworkRun> run = run_network(*net, out.inputs);
  if (!run) return R::failure(std::move(run.diagnostics));
  out.run = std::move(*run);
  out.type = prepared->result_type;
  out.network = std::move(*net);
  out.value = decode(out.run.output.col(0), *out.type, depth);
  if (encoded && out.run.mass_lost.cwiseAbs().maxCoeff() > 1e-9)
    return R::failure(plain_error(mass_lost_message(loaded, *prepared, request)));
  return R::success(std::move(out));
}

Result<NetworkBatchResult> run_batch_on_network(const LoadedProgram& loaded, const RunRequest& request,
                                                const std::vector<BatchRow>& rows, unsigned threads) {
  using R = Result<NetworkBatchResult>;
  const int depth = request.depth;
  if (!request.args.empty()) return R::failure(plain_error("a batch takes its arguments from its rows, not from --arg"));
  if (rows.empty()) return R::failure(plain_error("a batch needs at least one row"));
  // Every row's arguments parsed, type-checked and evaluated; the params once.
  std::vector<RunRequest> requests;  // each row's, as for one run
  std::vector<Prepared> prepared;
  for (const BatchRow& row : rows) {
    RunRequest& one = requests.emplace_back(request);
    one.args = row.args;
    Result<Prepared> p = prepare(loaded, one);
    if (!p) return R::failure(std::move(p.diagnostics));
    if (p->args.size() != rows.front().args.size())
      return R::failure(error_at(row.where, "this row has " + std::to_string(p->args.size()) + " arguments and the first " +
                                                std::to_string(rows.front().args.size()) + ": a batch runs one network"));
    prepared.push_back(std::move(*p));
  }
  Result<Network> net = compiled_main(loaded, request, prepared.front().args.size());
  if (!net) return R::failure(std::move(net.diagnostics));
  // The inputs' columns, sized before they are made (the run is sized by the engine).
  double numbers = 0;
  for (const TypePtr& t : prepared.front().arg_types) numbers += static_cast<double>(dimension(*t, depth));
  if (const double bytes = 8 * numbers * static_cast<double>(rows.size()); bytes > static_cast<double>(memory_budget()))
    return R::failure(plain_error(over_budget("the inputs of a batch of " + std::to_string(rows.size()) + " rows", bytes)));
  NetworkBatchResult out;
  bool params_encoded = true;
  if (std::vector<Diagnostic> d = encode_params(loaded, prepared.front(), request, out.inputs, params_encoded); !d.empty())
    return R::failure(std::move(d));
  std::vector<bool> encoded(rows.size(), params_encoded);
  const auto count = static_cast<Eigen::Index>(rows.size());
  for (Eigen::Index b = 0; b < count; ++b) {
    const std::size_t k = static_cast<std::size_t>(b);
    bool e = params_encoded;
    if (std::vector<Diagnostic> d = encode_args(loaded, prepared[k], requests[k], b, count, out.inputs, e); !d.empty())
      return R::failure(std::move(d));
    encoded[k] = e;
  }
  if (std::optional<Diagnostic> d = missing_param(*net, out.inputs)) return R::failure(std::move(*d));
  Plan plan(*net, threads);
  Result<NetworkRun> run = plan.run(out.inputs);
  if (!run) return R::failure(std::move(run.diagnostics));
  out.run = std::move(*run);
  out.type = prepared.front().result_type;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const Eigen::Index column = batch_column(out.run.output, k);
    if (encoded[k] && std::abs(out.run.mass_lost(column)) > 1e-9)
      return R::failure(error_at(rows[k].where, mass_lost_message(loaded, prepared[k], requests[k])));
    out.values.push_back(decode(out.run.output.col(column), *out.type, depth));
  }
  out.network = std::move(*net);
  return R::success(std::move(out));
}

namespace {
// The params' encodings at request.depth: terms through the interpreter, lists as given.
Result<std::map<std::string, Eigen::VectorXd>> encoded_params(const LoadedProgram& loaded, const Prepared& prepared,
                                                               const RunRequest& request) {
  using R = Result<std::map<std::string, Eigen::VectorXd>>;
  std::map<std::string, Eigen::VectorXd> out;
  Evaluator evaluator(loaded.program, prepared.params, untraced(request.eval));
  for (const auto& [name, value] : prepared.params) {
    Result<Eigen::VectorXd> x = encode_value(value, *loaded.program.find_param(name)->type, request.depth, evaluator);
    if (!x) return R::failure(plain_error("param " + quoted(name) + ": " + x.diagnostics.front().message));
    out.emplace(name, *x);
  }
  for (const auto& [name, x] : prepared.param_vectors) out.emplace(name, x);
  return R::success(std::move(out));
}
}  // namespace

Result<std::map<std::string, Eigen::VectorXd>> param_encodings(const LoadedProgram& loaded, const RunRequest& params_only) {
  using R = Result<std::map<std::string, Eigen::VectorXd>>;
  if (!params_only.args.empty()) return R::failure(plain_error("params only: no arguments"));
  Result<Prepared> prepared = prepare(loaded, params_only);
  if (!prepared) return R::failure(std::move(prepared.diagnostics));
  return encoded_params(loaded, *prepared, params_only);
}

Result<Materialized> materialize_main(const LoadedProgram& loaded, const RunRequest& params_only) {
  using R = Result<Materialized>;
  const int depth = params_only.depth;
  if (!params_only.args.empty()) return R::failure(plain_error("materializing main takes no arguments"));
  Result<Prepared> prepared = prepare(loaded, params_only);
  if (!prepared) return R::failure(std::move(prepared.diagnostics));
  CompileOptions options;
  options.depth = depth;
  options.inputs = 0;
  options.entry = params_only.entry;
  Result<Network> net = compile_program(loaded, options);
  if (!net) return R::failure(std::move(net.diagnostics));
  NetworkArgs args;
  Result<std::map<std::string, Eigen::VectorXd>> params = encoded_params(loaded, *prepared, params_only);
  if (!params) return R::failure(std::move(params.diagnostics));
  args.params = std::move(*params);
  Result<NetworkRun> run = run_network(*net, args);
  if (!run) return R::failure(std::move(run.diagnostics));
  return R::success(Materialized{net->output_type, run->output.col(0), run->mass_lost.cwiseAbs().maxCoeff(),
                                 net->node_count()});
}

Result<std::pair<NetworkBatchResult, NetworkGradients>> grad_batch(const LoadedProgram& loaded, const RunRequest& request,
                                                                   const std::vector<BatchRow>& rows, unsigned threads) {
  using R = Result<std::pair<NetworkBatchResult, NetworkGradients>>;
  Result<NetworkBatchResult> run = run_batch_on_network(loaded, request, rows, threads);
  if (!run) return R::failure(std::move(run.diagnostics));
  Eigen::MatrixXd ones = Eigen::MatrixXd::Ones(static_cast<Eigen::Index>(dimension(*run->type, request.depth)), 1);
  Plan plan(run->network, threads);
  Result<NetworkGradients> g = plan.gradient(run->inputs, ones);
  if (!g) return R::failure(std::move(g.diagnostics));
  return R::success({std::move(*run), std::move(*g)});
}

Result<std::pair<NetworkRunResult, NetworkGradients>> grad_main(const LoadedProgram& loaded, const RunRequest& request) {
  using R = Result<std::pair<NetworkRunResult, NetworkGradients>>;
  const int depth = request.depth;
  Result<NetworkRunResult> run = run_main_on_network(loaded, request);
  if (!run) return R::failure(std::move(run.diagnostics));
  Eigen::MatrixXd ones = Eigen::MatrixXd::Ones(static_cast<Eigen::Index>(dimension(*run->type, depth)), 1);
  Result<NetworkGradients> g = gradient(run->network, run->inputs, ones);
  if (!g) return R::failure(std::move(g.diagnostics));
  return R::success({std::move(*run), std::move(*g)});
}

Result<ProveResult> certify_text(const std::string& name, const std::string& text,
                                 const std::map<std::string, Eigen::VectorXd>& params, int depth, const std::string& dir) {
  Result<LoadedProgram> loaded = load_program(std::make_shared<const Source>(name, text));
  if (!loaded) return Result<ProveResult>::failure(std::move(loaded.diagnostics));
  ProveOptions options;
  options.depth = depth;
  options.params = params;
  return write_certificate(*loaded, text, options, dir);
}

}  // namespace cajal
