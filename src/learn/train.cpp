// `cajal train` and `--extract` (include/cajal/learn/train.hpp, spec/learning.md).
#include "cajal/learn/train.hpp"

#include <cmath>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "cajal/check/check.hpp"
#include "cajal/compile/compile.hpp"
#include "cajal/network/encode.hpp"
#include "cajal/network/engine.hpp"
#include "cajal/parse/parse.hpp"
#include "cajal/syntax/print.hpp"

namespace cajal {

namespace {

std::string quoted(const std::string& s) { return "`" + s + "`"; }

// The span of line `line` (from 1) of a source, for diagnostics about one example.
Span line_span(const SourcePtr& source, std::size_t begin, std::size_t end) {
  return Span{source.get(), static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end)};
}

// A JSON value where a Cajal value is expected, as text: a string as it is, a number or a list of
// numbers as a JSON list (a raw vector).
std::optional<std::string> value_text(const nlohmann::json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_number()) return "[" + j.dump() + "]";
  if (j.is_array()) {
    for (const auto& x : j)
      if (!x.is_number()) return std::nullopt;
    return j.dump();
  }
  return std::nullopt;
}

}  // namespace

Result<std::vector<TrainingExample>> read_examples(const SourcePtr& jsonl, Outputs outputs) {
  using R = Result<std::vector<TrainingExample>>;
  std::vector<TrainingExample> out;
  std::vector<Diagnostic> errors;
  const std::string& text = jsonl->text();
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(begin, end - begin);
    Span where = line_span(jsonl, begin, end);
    if (line.find_first_not_of(" \t\r") != std::string::npos) {
      nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
      TrainingExample e;
      e.where = where;
      const bool required = outputs == Outputs::Required;
      bool ok = j.is_object() && j.contains("args") && j["args"].is_array() && (j.contains("output") || !required);
      if (ok) {
        for (const auto& a : j["args"]) {
          std::optional<std::string> v = value_text(a);
          ok = ok && v.has_value();
          if (v) e.args.push_back(*v);
        }
        if (j.contains("output")) {
          std::optional<std::string> o = value_text(j["output"]);
          ok = ok && o.has_value();
          if (o) e.output = *o;
        }
      }
      if (ok) out.push_back(std::move(e));
      else
        errors.push_back(error_at(where, std::string(required ? "expected an example {\"args\": [VALUE, ...], \"output\": VALUE}"
                                                              : "expected an input {\"args\": [VALUE, ...]}") +
                                             ", each VALUE a string in source syntax or a list of numbers"));
    }
    begin = end + 1;
  }
  if (!errors.empty()) return R::failure(std::move(errors));
  if (out.empty())
    return R::failure(error_at(Span{jsonl.get(), 0, 0}, std::string(outputs == Outputs::Required ? "no examples" : "no inputs") +
                                                            " in " + jsonl->name()));
  return R::success(std::move(out));
}

namespace {

// A value (source syntax or a JSON list) of type `type`, encoded at `depth`.
Result<Eigen::VectorXd> encode_text(const LoadedProgram& program, const std::string& text, const TypePtr& type,
                                    int depth, const std::string& what, Span where) {
  using R = Result<Eigen::VectorXd>;
  const std::size_t dim = dimension(*type, depth);
  if (text.find_first_not_of(" \t") != std::string::npos && text[text.find_first_not_of(" \t")] == '[') {
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_array() || j.size() != dim)
      return R::failure(error_at(where, what + " is a vector: it must have " + std::to_string(dim) +
                                            " numbers (the encoding of " + print_type(type) + ")"));
    Eigen::VectorXd x(static_cast<Eigen::Index>(dim));
    for (std::size_t k = 0; k < dim; ++k) x(static_cast<Eigen::Index>(k)) = j[k].get<double>();
    return R::success(x);
  }
  auto source = std::make_shared<const Source>(what, text);
  Result<TermPtr> term = parse_term(source);
  if (!term) return R::failure(error_at(where, what + ": " + term.diagnostics.front().message));
  TypeTable types;
  Result<TypePtr> t = check_closed_term(**term, program.checked.globals, types);
  if (!t) return R::failure(error_at(where, what + ": " + t.diagnostics.front().message));
  if (!same_type(*t, type))
    return R::failure(error_at(where, what + " has type " + print_type(*t) + " but " + print_type(type) + " is expected"));
  Evaluator ev(program.program, {});
  Result<ValuePtr> v = ev.eval(**term);
  if (!v) return R::failure(error_at(where, what + ": " + v.diagnostics.front().message));
  // Data is exact: a function whose table needs a natural above D is refused, not trained towards
  // (or fed as) a table with a lost column.
  Result<Eigen::VectorXd> x = encode_value(*v, *type, depth, ev, Columns::Exact);
  if (!x) return R::failure(error_at(where, what + ": " + x.diagnostics.front().message));
  return x;
}

// Adam (Kingma and Ba, 2015) on one vector of weights.
struct Adam {
  Eigen::VectorXd m, v;
  int t = 0;
  void step(Eigen::VectorXd& w, const Eigen::VectorXd& g, double lr) {
    constexpr double b1 = 0.9, b2 = 0.999, eps = 1e-8;
    if (m.size() == 0) {
      m = Eigen::VectorXd::Zero(w.size());
      v = Eigen::VectorXd::Zero(w.size());
    }
    ++t;
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g.cwiseProduct(g);
    const double c1 = 1 - std::pow(b1, t), c2 = 1 - std::pow(b2, t);
    w.array() -= lr * (m.array() / c1) / ((v.array() / c2).sqrt() + eps);
  }
};

}  // namespace

namespace {
// Training that diverged: what it learned is not a function of the examples, so nothing is kept.
Diagnostic diverged(int epoch, double loss, double learning_rate) {
  std::ostringstream ss;
  ss << "training diverged: the loss became " << loss << " at epoch " << epoch << " (learning rate " << learning_rate
     << "); lower --lr";
  return error_at(Span{}, ss.str());
}
}  // namespace

// (Long on purpose: one pass of Adam — forward, loss, reverse mode, update — reads best as one loop.)
Result<TrainResult> train(const LoadedProgram& program, const std::vector<TrainingExample>& examples,
                          const TrainOptions& options) {
  using R = Result<TrainResult>;
  const Def* main = program.program.find_def("main");
  if (!main) return R::failure(error_at(Span{}, "no `def main`: `cajal train` fits main to the examples"));
  if (examples.empty()) return R::failure(error_at(Span{}, "no examples"));
  if (options.epochs < 1) return R::failure(error_at(Span{}, "training takes at least one epoch (--epochs 1 or more)"));
  if (!(options.learning_rate > 0) || !std::isfinite(options.learning_rate))
    return R::failure(error_at(Span{}, "the learning rate must be a positive number"));
  std::vector<const Param*> params;
  for (const Decl& d : program.program.decls)
    if (const Param* p = std::get_if<Param>(&d)) params.push_back(p);
  if (params.empty()) return R::failure(error_at(main->name_span, "the program has no `param` to learn"));

  // main's argument types, as many as the examples give.
  const std::size_t arity = examples.front().args.size();
  std::vector<TypePtr> arg_types;
  TypePtr result = program.checked.globals.find("main")->type;
  for (std::size_t k = 0; k < arity; ++k) {
    if (!result->is_arrow())
      return R::failure(error_at(examples.front().where, "this example gives " + std::to_string(arity) +
                                                             " arguments, but main has type " +
                                                             print_type(program.checked.globals.find("main")->type)));
    arg_types.push_back(result->from);
    result = result->to;
  }
  CompileOptions compile;
  compile.depth = options.depth;
  compile.inputs = arity;
  compile.annotate = false;
  Result<Network> net = compile_program(program, compile);
  if (!net) return R::failure(std::move(net.diagnostics));

  // The examples as one batch: input k is dim_k × N, the targets dim(result) × N.
  const Eigen::Index n = static_cast<Eigen::Index>(examples.size());
  NetworkArgs args;
  for (const TypePtr& t : arg_types) args.inputs.push_back(Eigen::MatrixXd(dimension(*t, options.depth), n));
  Eigen::MatrixXd targets(static_cast<Eigen::Index>(dimension(*result, options.depth)), n);
  std::vector<Diagnostic> errors;
  for (Eigen::Index b = 0; b < n; ++b) {
    const TrainingExample& e = examples[static_cast<std::size_t>(b)];
    if (e.args.size() != arity) {
      errors.push_back(error_at(e.where, "this example gives " + std::to_string(e.args.size()) + " arguments, the first " +
                                             std::to_string(arity)));
      continue;
    }
    for (std::size_t k = 0; k < arity; ++k) {
      Result<Eigen::VectorXd> x = encode_text(program, e.args[k], arg_types[k], options.depth,
                                              "argument " + std::to_string(k + 1), e.where);
      if (!x) errors.insert(errors.end(), x.diagnostics.begin(), x.diagnostics.end());
      else args.inputs[k].col(b) = *x;
    }
    Result<Eigen::VectorXd> y = encode_text(program, e.output, result, options.depth, "the output", e.where);
    if (!y) errors.insert(errors.end(), y.diagnostics.begin(), y.diagnostics.end());
    else targets.col(b) = *y;
  }
  if (!errors.empty()) return R::failure(std::move(errors));

  // Initialization: every weight uniform in [0, 1), from the seed.
  std::mt19937_64 random(options.seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  TrainResult out;
  for (const Param* p : params) {
    Eigen::VectorXd w(static_cast<Eigen::Index>(dimension(*p->type, options.depth)));
    for (Eigen::Index k = 0; k < w.size(); ++k) w(k) = uniform(random);
    out.params.emplace(p->name, w);
  }
  // Full-batch descent on the mean squared distance: L = (1/N) Σ_b |y_b − t_b|².
  std::map<std::string, Adam> adam;
  auto loss_of = [&](const Eigen::MatrixXd& y) {
    Eigen::MatrixXd diff = y.cols() == n ? Eigen::MatrixXd(y - targets) : Eigen::MatrixXd(y.replicate(1, n) - targets);
    return std::pair{diff.squaredNorm() / static_cast<double>(n), Eigen::MatrixXd(2.0 * diff / static_cast<double>(n))};
  };
  Plan plan(*net, options.threads);  // one plan for every epoch: its buffers are reused
  for (int epoch = 1; epoch <= options.epochs; ++epoch) {
    args.params = out.params;
    Result<NetworkRun> run = plan.run(args);
    if (!run) return R::failure(std::move(run.diagnostics));
    auto [loss, cotangent] = loss_of(run->output);
    out.losses.push_back(loss);
    if (options.progress) options.progress(epoch, loss);
    if (!std::isfinite(loss)) return R::failure(diverged(epoch, loss, options.learning_rate));
    Result<NetworkGradients> g = plan.gradient(args, cotangent);
    if (!g) return R::failure(std::move(g.diagnostics));
    for (auto& [name, w] : out.params) {
      auto it = g->params.find(name);
      if (it != g->params.end()) adam[name].step(w, it->second, options.learning_rate);
    }
  }
  args.params = out.params;
  Result<NetworkRun> last = plan.run(args);
  if (!last) return R::failure(std::move(last.diagnostics));
  out.final_loss = loss_of(last->output).first;
  if (!std::isfinite(out.final_loss)) return R::failure(diverged(options.epochs, out.final_loss, options.learning_rate));
  return R::success(std::move(out));
}

namespace {

// The nearest value of `type` to the vector x (per column, the nearest one-hot vector).
TermPtr nearest(const Type& type, const Eigen::VectorXd& x, int depth) {
  Eigen::Index best = 0;
  if (type.kind == Type::Kind::Bool) {
    x.maxCoeff(&best);
    return make_term(BoolLit{best == 0});
  }
  if (type.kind == Type::Kind::Nat) {
    x.maxCoeff(&best);
    return make_term(NatLit{static_cast<std::uint64_t>(best)});
  }
  const std::size_t cols = dimension(*type.from, depth);
  Table table;
  for (std::size_t j = 0; j < cols; ++j) {
    Eigen::VectorXd column = matrix_column(x, cols, j);
    TermPtr key = type.from->kind == Type::Kind::Bool ? make_term(BoolLit{j == 0}) : make_term(NatLit{j});
    table.entries.push_back(TableEntry{key, nearest(*type.to, column, depth)});
  }
  return make_term(std::move(table));
}

bool finite_value_type(const Type& t) {
  return t.is_finite_base() || (t.is_arrow() && t.from->is_finite_base() && finite_value_type(*t.to));
}

}  // namespace

Result<Program> extract(const LoadedProgram& program, const std::map<std::string, Eigen::VectorXd>& params, int depth) {
  using R = Result<Program>;
  Program out = program.program;
  for (Decl& d : out.decls) {
    const Param* p = std::get_if<Param>(&d);
    if (!p) continue;
    auto it = params.find(p->name);
    if (it == params.end()) return R::failure(error_at(p->name_span, "no learned value for param " + quoted(p->name)));
    if (!finite_value_type(*p->type))
      return R::failure(error_at(p->name_span, "param " + quoted(p->name) + " has type " + print_type(p->type) +
                                                   ", not a function between finite types: it cannot be extracted"));
    if (static_cast<std::size_t>(it->second.size()) != dimension(*p->type, depth))
      return R::failure(error_at(p->name_span, "the learned value of " + quoted(p->name) + " does not have the dimension of " +
                                                   print_type(p->type) + " at depth " + std::to_string(depth)));
    d = Def{p->name, p->name_span, p->type, nearest(*p->type, it->second, depth)};
  }
  return R::success(std::move(out));
}

std::string param_vector_text(const Eigen::VectorXd& v) {
  std::ostringstream ss;
  ss.precision(17);
  ss << "[";
  for (Eigen::Index k = 0; k < v.size(); ++k) ss << (k ? ", " : "") << v(k);
  ss << "]";
  return ss.str();
}

std::string training_summary(const TrainResult& r, std::size_t examples, const TrainOptions& options) {
  std::ostringstream summary;
  summary << "trained " << r.params.size() << " param" << (r.params.size() == 1 ? "" : "s") << " on " << examples
          << " example" << (examples == 1 ? "" : "s") << " for " << options.epochs << " epochs at depth " << options.depth
          << ": loss " << (r.losses.empty() ? r.final_loss : r.losses.front()) << " -> " << r.final_loss;
  return summary.str();
}

std::string learned_file(const std::string& source_text, const std::string& data_name, const std::string& summary,
                         const TrainResult& r, int depth) {
  std::string header = "-- Learned by `cajal train` from " + data_name + " (" + summary +
                       "). For the network:\n--   cajal run --engine network --depth " + std::to_string(depth) + " FILE";
  for (const auto& [name, w] : r.params) header += " --param " + shell_word(name + "=" + param_vector_text(w));
  return header + "\n" + source_text;
}

std::string extracted_file(const Program& extracted, const std::string& program_name, const std::string& data_name,
                           const std::string& summary) {
  return "-- Extracted by `cajal train --extract` from " + program_name + " and " + data_name + " (" + summary +
         "):\n-- each learned param is the nearest function, as a table.\n" + format_program(extracted);
}

}  // namespace cajal
