// The compilation rules of spec/denotation.md, one function each, named after the rule.
#include "cajal/compile/compile.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>

#include "cajal/network/encode.hpp"
#include "cajal/syntax/print.hpp"

namespace cajal {

namespace {

struct CompileError {
  Diagnostic diagnostic;
};

// A node of some graph under construction.
struct Ref {
  int graph = -1;
  int node = -1;
};

// What a term compiles to: neurons computing its vector, or (for a `fun` whose use the compiler
// can still see) the abstraction itself with the compile-time environment it closes over.
struct CEnv;
using CEnvPtr = std::shared_ptr<const CEnv>;
struct CVal {
  Ref ref;                     // dense: the node computing the value
  const Lam* lam = nullptr;    // closure: the abstraction...
  CEnvPtr env;                 // ...and its environment
  const Type* type = nullptr;  // (owned by the program's type table or Θ, which outlive the compilation)
  const Term* source = nullptr;  // closure: the `fun` term (for labels)
  bool is_closure() const { return lam != nullptr; }
};
struct CEnv {
  std::string name;
  CVal value;
  CEnvPtr next;
};
CEnvPtr extend(const CEnvPtr& env, const std::string& name, CVal v) {
  return std::make_shared<const CEnv>(CEnv{name, std::move(v), env});
}
bool binds_a_closure(const CEnvPtr& env) {
  for (const CEnv* e = env.get(); e; e = e->next.get())
    if (e->value.is_closure()) return true;
  return false;
}
const CVal* lookup(const CEnvPtr& env, const std::string& name) {
  for (const CEnv* e = env.get(); e; e = e->next.get())
    if (e->name == name) return &e->value;
  return nullptr;
}

// A graph under construction: a subgraph imports the outer nodes it uses as extra inputs
// ("captures"), which become extra arguments of its Iterate / Abstract neuron.
struct Builder {
  int graph;
  std::vector<int> capture_args;        // in the parent graph
  std::map<std::pair<int, int>, int> imported;  // outer (graph, node) -> local input node
};

// Room made in a new graph's node list before its first node, so that a small graph (an
// iteration's step, a function's body) is not moved node by node as its list grows from one
// (16 rather than 8: 1 % fewer instructions in `cajal fuzz`, counted with callgrind).
constexpr std::size_t kNodesAtFirst = 16;

class Compiler {
 public:
  Compiler(const LoadedProgram& program, int depth, bool annotate, std::uint64_t max_bytes)
      : program_(program), depth_(depth), annotate_(annotate), max_bytes_(static_cast<double>(max_bytes)) {
    net_.depth = depth;
    net_.graphs.emplace_back().nodes.reserve(kNodesAtFirst);
    stack_.push_back(Builder{0, {}, {}});
    for (const Decl& d : program.program.decls)
      if (const Param* p = std::get_if<Param>(&d)) net_.params.push_back({p->name, p->type});
  }

  Network finish(const Def& main, std::size_t inputs) {
    CVal m = compile(*main.body, nullptr);
    TypePtr type = program_.checked.globals.find(main.name)->type;
    const Lam* spine = main.body->as<Lam>();
    for (std::size_t i = 0; i < inputs; ++i) {
      std::string name = spine ? spine->param : "arg" + std::to_string(i + 1);
      spine = spine && spine->body->is<Lam>() ? spine->body->as<Lam>() : nullptr;
      int id = add_input(0, dim(*type->from), name, "input", main.name_span);
      net_.inputs.push_back({name, type->from});
      m = apply(m, CVal{Ref{0, id}, nullptr, nullptr, type->from.get()}, *main.body);
      type = type->to;
    }
    net_.graphs[0].output = dense(m, *main.body).node;
    net_.output_type = type;
    return std::move(net_);
  }

 private:
  const LoadedProgram& program_;
  int depth_;
  bool annotate_;
  double max_bytes_;
  double numbers_ = 0;  // the numbers in the neurons made so far
  Network net_;
  std::vector<Builder> stack_;
  std::map<std::string, Ref> defs_;  // compiled defs, in graph 0
  const TypePtr bool_type_ = Type::boolean(), nat_type_ = Type::nat();

  std::size_t dim(const Type& t) const { return dimension(t, depth_); }
  Graph& current() { return net_.graphs[static_cast<std::size_t>(stack_.back().graph)]; }
  int current_id() const { return stack_.back().graph; }

  // Every neuron (and every input, which holds its numbers when the network runs) is counted
  // against the budget before anything of its size is allocated.
  // (`what` names them, e.g. "the input `x`", and is made only for the error.)
  template <class What>
  void count_numbers(std::size_t d, Span where, What what) {
    numbers_ += static_cast<double>(d);
    if (8 * numbers_ > max_bytes_)
      throw CompileError{error_at(where, over_budget("compiling this at depth " + std::to_string(depth_) + " (" + what() + ")",
                                                     8 * numbers_, max_bytes_))};
  }

  // Every neuron passes through here: its size is counted against the budget before any
  // constant of that size is allocated. The neuron is made in place in the current graph; the
  // caller fills in the rest through the reference, before anything else is added there.
  std::pair<int, Node&> made_by(std::string_view rule, const Term& t, Op op, std::size_t d) {
    count_numbers(d, t.span, [] { return std::string("its neurons' values"); });
    Graph& g = current();
    Node& n = g.nodes.emplace_back();  // made in place: the caller fills in the rest
    n.op = op;
    n.dim = d;
    n.rule = rule;
    n.term = &t;
    const int id = static_cast<int>(g.nodes.size()) - 1;
    if (!annotate_) return {id, n};
    n.source = print_term_brief(t, 60);
    if (t.span.known()) {
      LineCol lc = t.span.source->locate(t.span.begin);
      n.line = lc.line;
      n.column = lc.column;
    }
    return {id, n};
  }

  // The node `r` as seen from the graph being built (capturing it through every enclosing
  // subgraph in between).
  int local(Ref r) { return import(stack_.size() - 1, r); }
  int import(std::size_t level, Ref r) {
    Builder& b = stack_[level];
    if (r.graph == b.graph) return r.node;
    if (auto it = b.imported.find({r.graph, r.node}); it != b.imported.end()) return it->second;
    int outer = import(level - 1, r);
    Graph& g = net_.graphs[static_cast<std::size_t>(b.graph)];
    const Node& source = net_.graphs[static_cast<std::size_t>(r.graph)].nodes[static_cast<std::size_t>(r.node)];
    Node& in = g.nodes.emplace_back();  // (source is in another graph: it stays where it is)
    in.op = Op::Input;
    in.dim = source.dim;
    in.name = "capture";
    in.rule = "capture";
    in.source = source.source;
    int id = static_cast<int>(g.nodes.size()) - 1;
    g.inputs.push_back(id);
    b.capture_args.push_back(outer);
    b.imported.emplace(std::make_pair(r.graph, r.node), id);
    return id;
  }

  CVal dense_val(int node, const Type* type) { return CVal{Ref{current_id(), node}, nullptr, nullptr, type}; }

  // A subgraph: `body` runs with the builder pushed and returns the subgraph's output node.
  template <class Body>
  std::pair<int, std::vector<int>> subgraph(Body body) {
    net_.graphs.emplace_back().nodes.reserve(kNodesAtFirst);
    int id = static_cast<int>(net_.graphs.size()) - 1;
    stack_.push_back(Builder{id, {}, {}});
    int out = body(id);
    net_.graphs[static_cast<std::size_t>(id)].output = out;
    std::vector<int> captures = std::move(stack_.back().capture_args);
    stack_.pop_back();
    return {id, captures};
  }

  int add_input(int graph, std::size_t d, const std::string& name, std::string_view rule, Span where = {}) {
    // An input holds d numbers per column when the network runs: counted like any neuron (a
    // type whose dimension saturated, such as (Vec 2^20 -o Vec 2^20) -o Vec 2^20 -o Vec 2^20,
    // is refused here rather than written as a network no reader accepts).
    count_numbers(d, where, [&] { return "the input `" + name + "`"; });
    Graph& g = net_.graphs[static_cast<std::size_t>(graph)];
    Node& in = g.nodes.emplace_back();
    in.op = Op::Input;
    in.dim = d;
    in.name = name;
    in.rule = rule;
    int id = static_cast<int>(g.nodes.size()) - 1;
    g.inputs.push_back(id);
    return id;
  }

  // A value as a vector in the current graph: a closure is materialized here (C-Abs).
  Ref dense(const CVal& v, const Term& at) {
    if (!v.is_closure()) return Ref{current_id(), local(v.ref)};
    return Ref{current_id(), abstraction(v, at)};
  }

  // ---- C-Abs: a `fun` as its matrix: column j is the body at the basis vector e_j -------------
  int abstraction(const CVal& closure, const Term& at) {
    const Lam& l = *closure.lam;
    const Type& from = *closure.type->from;
    const Type& to = *closure.type->to;
    auto [sub, captures] = subgraph([&](int g) {
      int x = add_input(g, dim(from), l.param, "binder");
      CVal body = compile(*l.body, extend(closure.env, l.param, CVal{Ref{g, x}, nullptr, nullptr, closure.type->from.get()}));
      return dense(body, *l.body).node;
    });
    auto [id, n] = made_by("C-Abs", closure.source ? *closure.source : at, Op::Abstract, saturating_product(dim(to), dim(from)));
    n.rows = dim(to);
    n.cols = dim(from);
    n.sub = sub;
    for (int c : captures) n.args.push_back(c);
    return id;
  }

  const Type* type_of(const Term& t) const {
    const Type* ty = program_.checked.types.find(t);
    if (!ty) throw CompileError{error_at(t.span, "internal error: the compiler met a term without a type")};
    return ty;
  }

  CVal compile(const Term& t, const CEnvPtr& env) {
    return std::visit([&](const auto& node) { return rule(t, node, env); }, t.node);
  }

  // ---- C-Var / C-Def / C-Param ----------------------------------------------------------------
  CVal rule(const Term& t, const Var& v, const CEnvPtr& env) {
    if (const CVal* value = lookup(env, v.name)) return *value;
    if (const Param* p = program_.program.find_param(v.name)) {
      auto [id, n] = made_by("C-Param", t, Op::Param, dim(*p->type));
      n.name = p->name;
      return dense_val(id, p->type.get());
    }
    const Def* def = program_.program.find_def(v.name);
    if (!def) throw CompileError{error_at(t.span, "internal error: unbound variable `" + v.name + "`")};
    return CVal{def_node(*def), nullptr, nullptr, type_of(*def->body)};
  }

  // A def is closed: it is compiled once, in the top-level graph, and shared by all its uses.
  Ref def_node(const Def& def) {
    if (auto it = defs_.find(def.name); it != defs_.end()) return it->second;
    std::vector<Builder> saved(stack_.begin() + 1, stack_.end());
    stack_.resize(1);
    CVal v = compile(*def.body, nullptr);
    Ref r = dense(v, *def.body);
    net_.graphs[0].nodes[static_cast<std::size_t>(r.node)].rule += " (def " + def.name + ")";
    stack_.insert(stack_.end(), saved.begin(), saved.end());
    defs_.emplace(def.name, r);
    return r;
  }

  // ---- C-Abs (kept symbolic until its use is known) -------------------------------------------
  CVal rule(const Term& t, const Lam& l, const CEnvPtr& env) { return CVal{{}, &l, env, type_of(t), &t}; }

  // ---- C-App ----------------------------------------------------------------------------------
  CVal rule(const Term& t, const App& a, const CEnvPtr& env) {
    CVal f = compile(*a.fn, env);
    CVal x = compile(*a.arg, env);
    return apply(f, x, t);
  }

  // β when the function is a known `fun` (its parameter is bound to the argument's neurons);
  // otherwise a matrix–vector product, whose result is reshaped when it is itself a function.
  CVal apply(const CVal& f, const CVal& x, const Term& at) {
    if (f.is_closure()) return compile(*f.lam->body, extend(f.env, f.lam->param, x));
    int fn = local(f.ref);
    int arg = dense(x, at).node;
    auto [id, n] = made_by("C-App", at, Op::Apply, dim(*f.type->to));
    n.rows = dim(*f.type->to);
    n.cols = dim(*f.type->from);
    n.args = {fn, arg};
    return dense_val(id, f.type->to.get());
  }

  // ---- C-True / C-False -----------------------------------------------------------------------
  CVal rule(const Term& t, const BoolLit& b, const CEnvPtr&) {
    auto [id, n] = made_by(b.value ? "C-True" : "C-False", t, Op::Const, 2);
    n.value = Eigen::Vector2d(b.value ? 1.0 : 0.0, b.value ? 0.0 : 1.0);
    return dense_val(id, bool_type_.get());
  }

  // ---- C-If: c₀·⟦t⟧ + c₁·⟦u⟧ ------------------------------------------------------------------
  // Both branches use the same linear variables (T-If). A `fun` bound to one of them would be
  // compiled once per branch, and nested ifs would double that at every level, so such closures
  // become matrices once, here, and both branches share them.
  CVal rule(const Term& t, const If& i, const CEnvPtr& env) {
    int c = dense(compile(*i.cond, env), *i.cond).node;
    CEnvPtr shared = env;
    if (binds_a_closure(env))
      for (const std::string& x : free_variables(*i.then_branch))
        if (const CVal* v = lookup(env, x); v && v->is_closure())
          shared = extend(shared, x, CVal{dense(*v, t), nullptr, nullptr, v->type});
    int a = dense(compile(*i.then_branch, shared), *i.then_branch).node;
    int b = dense(compile(*i.else_branch, shared), *i.else_branch).node;
    const Type* type = type_of(t);
    auto [id, n] = made_by("C-If", t, Op::Mix, dim(*type));
    n.args = {c, a, b};
    return dense_val(id, type);
  }

  // ---- C-Zero / C-Num: k = e_k ----------------------------------------------------------------
  CVal rule(const Term& t, const NatLit& k, const CEnvPtr&) {
    if (k.value > static_cast<std::uint64_t>(depth_))
      throw CompileError{error_at(t.span, "the numeral " + std::to_string(k.value) + " exceeds the depth D = " +
                                              std::to_string(depth_) + "; compile with --depth " +
                                              std::to_string(k.value) + " or more")};
    auto [id, n] = made_by(k.value == 0 ? "C-Zero" : "C-Num", t, Op::Const, dim(*nat_type_));
    n.value = basis_vector(n.dim, static_cast<std::size_t>(k.value));
    return dense_val(id, nat_type_.get());
  }

  // ---- C-Table: the constant matrix whose column j encodes the entry for the j-th key -----------
  // (a table on Nat has zero columns past its largest key, and keys past D have no column).
  CVal rule(const Term& t, const Table& table, const CEnvPtr&) {
    const Type* type = type_of(t);
    auto [id, n] = made_by("C-Table", t, Op::Const, dim(*type));
    n.value = table_matrix(table, *type);
    return dense_val(id, type);
  }
  Eigen::VectorXd table_matrix(const Table& table, const Type& type) {
    const std::size_t rows = dim(*type.to), cols = dim(*type.from);
    Eigen::VectorXd m = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(rows * cols));
    for (const TableEntry& e : table.entries) {
      const std::size_t j = table_index(*e.key);
      if (j >= cols) continue;
      set_matrix_column(m, cols, j, entry_vector(*e.value, *type.to));
    }
    return m;
  }
  Eigen::VectorXd entry_vector(const Term& v, const Type& type) {
    if (const BoolLit* b = v.as<BoolLit>()) return basis_vector(2, b->value ? 0 : 1);
    if (const NatLit* k = v.as<NatLit>()) {
      if (k->value > static_cast<std::uint64_t>(depth_))
        throw CompileError{error_at(v.span, "the numeral " + std::to_string(k->value) + " exceeds the depth D = " +
                                                std::to_string(depth_) + "; compile with --depth " +
                                                std::to_string(k->value) + " or more")};
      return basis_vector(dim(*nat_type_), static_cast<std::size_t>(k->value));
    }
    return table_matrix(*v.as<Table>(), type);
  }

  // ---- C-Succ: the shift e_k ↦ e_{k+1} --------------------------------------------------------
  CVal rule(const Term& t, const Succ& s, const CEnvPtr& env) {
    int x = dense(compile(*s.arg, env), *s.arg).node;
    auto [id, n] = made_by("C-Succ", t, Op::Shift, dim(*nat_type_));
    n.args = {x};
    return dense_val(id, nat_type_.get());
  }

  // ---- C-Iter: the recurrent neuron h₀ = ⟦b⟧, h_{k+1} = ⟦s⟧(h_k), read out Σ_k n_k h_k --------
  CVal rule(const Term& t, const Iter& it, const CEnvPtr& env) {
    const Type* state = type_of(t);
    int base = dense(compile(*it.base, env), *it.base).node;
    int count = dense(compile(*it.count, env), *it.count).node;
    auto [sub, captures] = subgraph([&](int g) {
      int y = add_input(g, dim(*state), it.state, "state");
      CVal step = compile(*it.step, extend(env, it.state, CVal{Ref{g, y}, nullptr, nullptr, state}));
      return dense(step, *it.step).node;
    });
    auto [id, n] = made_by("C-Iter", t, Op::Iterate, dim(*state));
    n.sub = sub;
    n.args = {base, count};
    for (int c : captures) n.args.push_back(c);
    return dense_val(id, state);
  }

  // ---- C-Let ----------------------------------------------------------------------------------
  CVal rule(const Term&, const Let& l, const CEnvPtr& env) {
    CVal bound = compile(*l.bound, env);
    return compile(*l.body, extend(env, l.name, bound));
  }
};

}  // namespace


Result<Network> compile_program(const LoadedProgram& program, const CompileOptions& options) {
  using R = Result<Network>;
  if (options.depth < 0 || options.depth > kMaxDepth)
    return R::failure(error_at(Span{}, "the depth must be between 0 and " + std::to_string(kMaxDepth) + ", got " +
                                           std::to_string(options.depth)));
  const Def* main = program.program.find_def(options.entry);
  if (!main) {
    std::string where = program.program.sources.empty() ? "the program" : program.program.sources.front()->name();
    return R::failure(error_at(Span{}, "no `def " + options.entry + "` in " + where + ": the compiler compiles the def named " + options.entry));
  }
  TypePtr type = program.checked.globals.find(options.entry)->type;
  std::size_t arity = 0;
  for (TypePtr t = type; t->is_arrow(); t = t->to) ++arity;
  std::size_t leading = 0;
  for (const Term* t = main->body.get(); t->is<Lam>(); t = t->as<Lam>()->body.get()) ++leading;
  std::size_t inputs = options.inputs.value_or(leading);
  if (inputs > arity)
    return R::failure(error_at(main->name_span, options.entry + " has type " + print_type(type) + ", which takes " +
                                                    std::to_string(arity) + " argument" + (arity == 1 ? "" : "s") +
                                                    ", but " + std::to_string(inputs) + " were given"));
  try {
    Compiler c(program, options.depth, options.annotate, options.max_bytes ? options.max_bytes : memory_budget());
    return R::success(c.finish(*main, inputs));
  } catch (const CompileError& e) {
    return R::failure(e.diagnostic);
  }
}

}  // namespace cajal
