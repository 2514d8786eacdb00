// The big-step rules of spec/semantics.md, one function each, named after the rule.
#include "cajal/eval/eval.hpp"

#include <limits>
#include <sstream>
#include <string_view>

#include "cajal/syntax/print.hpp"

namespace cajal {

namespace {
// Thrown inside evaluation; turned into a Diagnostic (a value) at the public boundary.
struct EvalFailure {
  Diagnostic diagnostic;
};
[[noreturn]] void fail(Span at, std::string message, std::string code = {}) {
  Diagnostic d = error_at(at, std::move(message));
  d.internal = d.message.rfind("internal error", 0) == 0;
  d.code = std::move(code);
  throw EvalFailure{std::move(d)};
}
std::string quoted(const std::string& name) { return "`" + name + "`"; }
}  // namespace

// The rules, with access to the Evaluator's budget, defs and params.
struct EvalRules {
  Evaluator& ev;

  // Every rule application passes through here: it is charged to the budget and the depth.
  ValuePtr eval(const Term& t, const Env& env) {
    if (++ev.steps_ > ev.options_.max_steps)
      fail(t.span, "evaluation budget exceeded (" + std::to_string(ev.options_.max_steps) +
                       " steps); the program may iterate a very large number of times (raise the budget with --max-steps)");
    if (ev.depth_ >= ev.options_.max_depth)
      fail(t.span, "evaluation is nested too deeply (more than " + std::to_string(ev.options_.max_depth) + " levels)");
    ++ev.depth_;
    struct Leave {
      std::size_t& depth;
      ~Leave() { --depth; }
    } leave{ev.depth_};
    TraceFrame frame(ev, &t, env);
    ValuePtr value = std::visit([&](const auto& node) { return rule(t, node, env); }, t.node);
    frame.done(value);
    return value;
  }

  // ---- tracing (EvalOptions::trace, cajal/eval/trace.hpp) -------------------------------------
  // One frame per rule application: it records a step when tracing and under the limit, and
  // attaches it to its parent (or the trace's roots) when the application ends, normally or not.
  struct TraceFrame {
    Evaluator& ev;
    bool recorded = false;
    std::size_t saved = static_cast<std::size_t>(-1);

    TraceFrame(Evaluator& e, const Term* term, const Env& env, std::string_view applied = {}) : ev(e) {
      if (ev.options_.trace) start(term, env, applied);  // (every rule application passes here)
    }
    [[gnu::noinline]] void start(const Term* term, const Env& env, std::string_view applied) {
      Trace* trace = ev.options_.trace;
      saved = ev.trace_current_;
      if (trace->recorded >= trace->limit) {
        (ev.trace_stack_.empty() ? trace->omitted : ev.trace_stack_.back().omitted) += 1;
        trace->truncated = true;
        ev.trace_current_ = static_cast<std::size_t>(-1);
        return;
      }
      TraceStep step;
      step.term = term ? print_term_brief(*term, 60) : std::string(applied);
      if (term)
        for (const std::string& x : free_variables(*term))
          if (const ValuePtr* v = env.lookup(x)) step.env.emplace_back(x, *v);
      ev.trace_stack_.push_back(std::move(step));
      ++trace->recorded;
      recorded = true;
      ev.trace_current_ = ev.trace_stack_.size() - 1;
    }
    void done(const ValuePtr& value) {
      if (recorded) ev.trace_stack_.back().value = value;
    }
    ~TraceFrame() {
      if (ev.options_.trace) finish();
    }
    [[gnu::noinline]] void finish() {
      ev.trace_current_ = saved;
      if (!recorded) return;
      TraceStep step = std::move(ev.trace_stack_.back());
      ev.trace_stack_.pop_back();
      (ev.trace_stack_.empty() ? ev.options_.trace->roots : ev.trace_stack_.back().premises).push_back(std::move(step));
    }
  };

  // Names the rule of the application now running (its premises evaluated so far have returned).
  void named(const char* rule) {
    if (ev.options_.trace && ev.trace_current_ < ev.trace_stack_.size()) ev.trace_stack_[ev.trace_current_].rule = rule;
  }

  // E-Var (linear variables, from the environment) / E-Def / E-Param (from Θ).
  ValuePtr rule(const Term& t, const Var& v, const Env& env) {
    if (const ValuePtr* value = env.lookup(v.name)) {
      named("E-Var");
      return *value;
    }
    if (ev.options_.trace) named(ev.program_.find_def(v.name) ? "E-Def" : "E-Param");  // (a search)
    return global(v.name, t.span);
  }

  ValuePtr global(const std::string& name, Span site) {
    if (auto it = ev.defs_.find(name); it != ev.defs_.end()) {
      count_natural(it->second.max_natural);
      return it->second.value;
    }
    if (const Def* def = ev.program_.find_def(name)) {
      // E-Def: a def is a closed term, evaluated once. The naturals it met count again at each
      // use, as if it were evaluated there: max_natural does not depend on which use came first.
      struct Apart {
        Evaluator& ev;
        std::uint64_t outer_max = ev.max_natural_;
        int outer_uncounted = ev.uncounted_;
        ~Apart() {
          ev.max_natural_ = outer_max;
          ev.uncounted_ = outer_uncounted;
        }
      };
      Evaluator::DefValue entry;
      {
        Apart apart{ev};
        ev.max_natural_ = 0;
        ev.uncounted_ = 0;
        entry.value = eval(*def->body, Env{});
        entry.max_natural = ev.max_natural_;
      }
      ev.defs_.emplace(name, entry);
      count_natural(entry.max_natural);
      return entry.value;
    }
    if (ev.program_.find_param(name)) {
      if (auto it = ev.params_.find(name); it != ev.params_.end()) return it->second;  // E-Param
      fail(site, "param " + quoted(name) + " has no value; give it one with --param " + name + "=TERM");
    }
    fail(site, "internal error: unbound variable " + quoted(name) + " (the program was not type-checked?)");
  }

  // E-Abs: a function evaluates to a closure over the current (immutable) environment.
  ValuePtr rule(const Term&, const Lam& l, const Env& env) {
    named("E-Abs");
    return make_closure(Closure{l.param, l.param_type, l.body, env});
  }

  // E-App: evaluate the function, then the argument, then the body with the parameter bound.
  ValuePtr rule(const Term& t, const App& a, const Env& env) {
    ValuePtr fn = eval(*a.fn, env);
    ValuePtr arg = eval(*a.arg, env);
    named(fn->as<TableValue>() ? "E-AppTable" : fn->as<MatrixValue>() ? "E-AppMatrix" : "E-App");
    return apply(fn, arg, t.span);
  }

  ValuePtr apply(const ValuePtr& fn, const ValuePtr& arg, Span site) {
    if (const TableValue* table = fn->as<TableValue>()) return apply_table(*table, arg, site);
    if (const MatrixValue* m = fn->as<MatrixValue>()) return apply_matrix(*m, arg, site);
    const Closure* c = fn->as<Closure>();
    if (!c) fail(site, "internal error: applying a value that is not a function");
    if (!ev.opaque_.count(fn.get())) return eval(*c->body, c->env.bind(c->param, arg));
    ValuePtr result;
    {
      ++ev.uncounted_;
      struct Leave {
        int& n;
        ~Leave() { --n; }
      } leave{ev.uncounted_};
      result = eval(*c->body, c->env.bind(c->param, arg));
    }
    if (result->as<Closure>()) ev.mark_opaque(result);
    // What the input's table gives the network counts (its column must hold it), not how it was computed.
    if (const NatValue* n = result->as<NatValue>(); n && ev.uncounted_ == 0) ev.max_natural_ = std::max(ev.max_natural_, n->value);
    return result;
  }

  // E-AppTable: a table applied to a key gives that key's entry; a table on Nat has no entry
  // beyond its largest key, and applying it there is an error.
  ValuePtr apply_table(const TableValue& table, const ValuePtr& arg, Span site) {
    std::size_t j = 0;
    if (const BoolValue* b = arg->as<BoolValue>()) {
      j = b->value ? 0 : 1;
    } else if (const NatValue* n = arg->as<NatValue>()) {
      if (n->value >= table.entries.size())
        fail(site, "the table has no entry for " + std::to_string(n->value) + " (its keys are 0 to " +
                       std::to_string(table.entries.size() - 1) + ")",
             "eval.table-miss");
      j = static_cast<std::size_t>(n->value);
    } else {
      fail(site, "internal error: a table applied to a function");
    }
    // The entry read counts towards max_natural (an input table's entries were made by no rule here).
    if (const NatValue* n = table.entries[j]->as<NatValue>(); n && ev.uncounted_ == 0)
      ev.max_natural_ = std::max(ev.max_natural_, n->value);
    return table.entries[j];
  }

  // E-AppMatrix: a linear map given by its numbers (a param or argument written as a list)
  // multiplies the argument's encoding: M v ⇓ ⟦·⟧⁻¹(M ⟦v⟧). The encoding is not the
  // interpreter's: the matrix value carries the map that does this arithmetic (LinearMap, made
  // with the value by cajal/network/encode.hpp).
  ValuePtr apply_matrix(const MatrixValue& m, const ValuePtr& arg, Span site) {
    if (!m.map) fail(site, "internal error: a matrix value without its linear map");
    Result<ValuePtr> r = m.map->apply(m, arg, ev);
    if (!r) fail(site, r.diagnostics.front().message, r.diagnostics.front().code);  // (a zero image: eval.table-miss)
    return *r;
  }

  // E-Table: a table evaluates to its entries, in key order.
  ValuePtr rule(const Term& t, const Table& table, const Env& env) {
    named("E-Table");
    TableValue out{nullptr, std::vector<ValuePtr>(table.entries.size())};
    for (const TableEntry& e : table.entries) out.entries[table_index(*e.key)] = eval(*e.value, env);
    out.type = table_type(t, table);
    return make_table(std::move(out));
  }
  // A table's type, from its keys and its first entry (the type checker has checked the rest).
  static TypePtr table_type(const Term& t, const Table& table) {
    const Term& key = *table.entries.front().key;
    TypePtr domain = key.is<BoolLit>() ? Type::boolean() : Type::nat();
    const Term& v = *table.entries.front().value;
    if (const Table* inner = v.as<Table>()) return Type::arrow(domain, table_type(v, *inner));
    (void)t;
    return Type::arrow(domain, v.is<BoolLit>() ? Type::boolean() : Type::nat());
  }

  // E-True / E-False.
  ValuePtr rule(const Term&, const BoolLit& b, const Env&) {
    named(b.value ? "E-True" : "E-False");
    return make_bool(b.value);
  }

  // E-IfTrue / E-IfFalse: only the branch the condition selects is evaluated.
  ValuePtr rule(const Term& t, const If& i, const Env& env) {
    ValuePtr cond = eval(*i.cond, env);
    const BoolValue* b = cond->as<BoolValue>();
    if (!b) fail(t.span, "internal error: `if` condition is not a boolean");
    named(b->value ? "E-IfTrue" : "E-IfFalse");
    return b->value ? eval(*i.then_branch, env) : eval(*i.else_branch, env);
  }

  // E-Num: the numeral k is succ^k 0.
  ValuePtr rule(const Term&, const NatLit& n, const Env&) {
    named("E-Num");
    return nat_value(n.value);
  }

  ValuePtr nat_value(std::uint64_t n) {
    count_natural(n);
    return make_nat(n);
  }
  void count_natural(std::uint64_t n) {
    if (ev.uncounted_ == 0) ev.max_natural_ = std::max(ev.max_natural_, n);
  }

  // E-Succ: naturals are exact; past 2^64 - 1 evaluation stops with an error.
  ValuePtr rule(const Term& t, const Succ& s, const Env& env) {
    std::uint64_t n = nat(eval(*s.arg, env), t.span);
    named("E-Succ");
    if (n == std::numeric_limits<std::uint64_t>::max())
      fail(t.span, "natural number overflow: `succ` of " + std::to_string(n) + " does not fit in 64 bits");
    return nat_value(n + 1);
  }

  // E-IterZero / E-IterSucc: iter{b | y => s}(0) ⇓ v_b, and iter{b | y => s}(k+1) ⇓ v when
  // iter{b | y => s}(k) ⇓ v_k and s[v_k / y] ⇓ v. Unrolled here as a loop (same derivation).
  ValuePtr rule(const Term& t, const Iter& it, const Env& env) {
    ValuePtr state = eval(*it.base, env);
    std::uint64_t n = nat(eval(*it.count, env), it.count->span);
    named(n == 0 ? "E-IterZero" : "E-IterSucc");
    for (std::uint64_t k = 0; k < n; ++k) state = eval(*it.step, env.bind(it.state, std::move(state)));
    (void)t;
    return state;
  }

  // E-Let: let x = t in u evaluates u with x bound to t's value.
  ValuePtr rule(const Term&, const Let& l, const Env& env) {
    named("E-Let");
    ValuePtr bound = eval(*l.bound, env);
    return eval(*l.body, env.bind(l.name, std::move(bound)));
  }

  static std::uint64_t nat(const ValuePtr& v, Span site) {
    const NatValue* n = v->as<NatValue>();
    if (!n) fail(site, "internal error: expected a natural number");
    return n->value;
  }

  // ---- readback ------------------------------------------------------------------------------
  // A closure prints as its code with the captured values substituted in. When that would be
  // larger than kReadbackNodes (a closure built by iteration shares its captures, and printing
  // unshares them), a function on Bool prints as its table `fun x : Bool => if x then .. else ..`,
  // computed by applying it; other functions that large are reported as too large to print.
  static constexpr std::size_t kReadbackNodes = 20000;
  struct TooLarge {};
  struct NotATerm {};  // a vector, or a function that captures one: Vec has no literals
  static constexpr std::size_t kReadbackDepth = 100;
  std::size_t readback_nodes_ = 0;
  std::size_t readback_depth_ = 0;

  TermPtr readback(const ValuePtr& v) {
    if (const BoolValue* b = v->as<BoolValue>()) return make_term(BoolLit{b->value});
    if (const NatValue* n = v->as<NatValue>()) return make_term(NatLit{n->value});
    if (const TableValue* table = v->as<TableValue>()) return table_term(*table);
    if (v->as<VecValue>() || v->as<MatrixValue>()) throw NotATerm{};
    const Closure& c = std::get<Closure>(v->v);
    try {
      readback_nodes_ = 0;
      readback_depth_ = 0;
      std::vector<std::string> bound{c.param};
      return make_term(Lam{c.param, {}, c.param_type, substitute(c.body, c.env, bound)});
    } catch (const TooLarge&) {
      if (c.param_type->kind != Type::Kind::Bool)
        fail(Span{}, "the function value is too large to print as a term (more than " +
                         std::to_string(kReadbackNodes) + " nodes or " + std::to_string(kReadbackDepth) +
                         " levels of nesting), and only functions on Bool print as tables");
      TermPtr if_true = readback(apply(v, make_bool(true), Span{}));
      TermPtr if_false = readback(apply(v, make_bool(false), Span{}));
      return make_term(Lam{c.param, {}, c.param_type, make_term(If{make_term(Var{c.param}), if_true, if_false})});
    }
  }

  TermPtr table_term(const TableValue& table) {
    Table out;
    for (std::size_t j = 0; j < table.entries.size(); ++j) {
      TermPtr key = table.type->from->kind == Type::Kind::Bool ? make_term(BoolLit{j == 0}) : make_term(NatLit{j});
      out.entries.push_back(TableEntry{key, readback(table.entries[j])});
    }
    return make_term(std::move(out));
  }

  // Replaces each free variable of `t` (not in `bound`) by the readback of its value.
  TermPtr substitute(const TermPtr& t, const Env& env, std::vector<std::string>& bound) {
    auto under = [&](const std::string& x, const TermPtr& body) {
      bound.push_back(x);
      TermPtr r = substitute(body, env, bound);
      bound.pop_back();
      return r;
    };
    // Deeper terms would not parse back (the parser bounds nesting): print those as tables too.
    if (++readback_nodes_ > kReadbackNodes || readback_depth_ > kReadbackDepth) throw TooLarge{};
    ++readback_depth_;
    struct Leave {
      std::size_t& depth;
      ~Leave() { --depth; }
    } leave{readback_depth_};
    auto rebuild = [&](Term::Node node) { return make_term(std::move(node), t->span); };
    if (const Var* v = t->as<Var>()) {
      for (const std::string& b : bound)
        if (b == v->name) return t;
      const ValuePtr* captured = env.lookup(v->name);
      ValuePtr value = captured ? *captured : global(v->name, t->span);
      if (const BoolValue* b = value->as<BoolValue>()) return make_term(BoolLit{b->value});
      if (const NatValue* n = value->as<NatValue>()) return make_term(NatLit{n->value});
      if (const TableValue* table = value->as<TableValue>()) return table_term(*table);
      if (value->as<VecValue>() || value->as<MatrixValue>()) throw NotATerm{};
      const Closure& c = std::get<Closure>(value->v);
      std::vector<std::string> inner{c.param};
      return make_term(Lam{c.param, {}, c.param_type, substitute(c.body, c.env, inner)});
    }
    if (const Lam* l = t->as<Lam>()) return rebuild(Lam{l->param, l->param_span, l->param_type, under(l->param, l->body)});
    if (const App* a = t->as<App>())
      return rebuild(App{substitute(a->fn, env, bound), substitute(a->arg, env, bound)});
    if (const If* i = t->as<If>())
      return rebuild(If{substitute(i->cond, env, bound), substitute(i->then_branch, env, bound),
                        substitute(i->else_branch, env, bound)});
    if (const Succ* s = t->as<Succ>()) return rebuild(Succ{substitute(s->arg, env, bound)});
    if (const Iter* it = t->as<Iter>())
      return rebuild(Iter{substitute(it->base, env, bound), it->state, it->state_span, under(it->state, it->step),
                          substitute(it->count, env, bound)});
    if (const Let* l = t->as<Let>())
      return rebuild(Let{l->name, l->name_span, substitute(l->bound, env, bound), under(l->name, l->body)});
    return t;  // literals
  }
};

Evaluator::Evaluator(const Program& program, std::map<std::string, ValuePtr> params, EvalOptions options)
    : program_(program), params_(std::move(params)), options_(options) {}

namespace {
template <class F>
Result<std::invoke_result_t<F>> guarded(F f) {
  using R = Result<std::invoke_result_t<F>>;
  try {
    return R::success(f());
  } catch (const EvalFailure& e) {
    return R::failure(e.diagnostic);
  }
}
}  // namespace

void Evaluator::mark_opaque(const ValuePtr& value) {
  if (!value->as<Closure>() || !opaque_.insert(value.get()).second) return;
  opaque_values_.push_back(value);
}

Result<ValuePtr> Evaluator::eval(const Term& term) {
  return guarded([&] { return EvalRules{*this}.eval(term, Env{}); });
}

Result<ValuePtr> Evaluator::eval(const Term& term, const Env& env) {
  return guarded([&] { return EvalRules{*this}.eval(term, env); });
}

Result<ValuePtr> Evaluator::def_value(const std::string& name) {
  return guarded([&] {
    EvalRules rules{*this};
    EvalRules::TraceFrame frame(*this, nullptr, Env{}, name);
    rules.named(program_.find_def(name) ? "E-Def" : "E-Param");
    ValuePtr value = rules.global(name, Span{});
    frame.done(value);
    return value;
  });
}

Result<ValuePtr> Evaluator::apply(const ValuePtr& fn, const ValuePtr& arg, Span site) {
  return guarded([&] { return EvalRules{*this}.apply(fn, arg, site); });
}

Result<ValuePtr> Evaluator::apply_counting(const ValuePtr& fn, const ValuePtr& arg, std::uint64_t& largest_natural) {
  const std::uint64_t before = max_natural_;
  max_natural_ = 0;
  Result<ValuePtr> value = apply(fn, arg);
  largest_natural = max_natural_;
  max_natural_ = std::max(before, largest_natural);
  return value;
}

Result<ValuePtr> Evaluator::apply_traced(const ValuePtr& fn, const ValuePtr& arg, Span site, const std::string& text,
                                         std::size_t premises_from) {
  return guarded([&] {
    EvalRules rules{*this};
    EvalRules::TraceFrame frame(*this, nullptr, Env{}, text);
    if (frame.recorded && trace_stack_.size() == 1 && premises_from < options_.trace->roots.size()) {
      std::vector<TraceStep>& roots = options_.trace->roots;
      std::vector<TraceStep>& premises = trace_stack_.back().premises;
      premises.insert(premises.begin(), std::make_move_iterator(roots.begin() + static_cast<long>(premises_from)),
                      std::make_move_iterator(roots.end()));
      roots.erase(roots.begin() + static_cast<long>(premises_from), roots.end());
    }
    rules.named(fn->as<TableValue>() ? "E-AppTable" : fn->as<MatrixValue>() ? "E-AppMatrix" : "E-App");
    ValuePtr value = rules.apply(fn, arg, site);
    frame.done(value);
    return value;
  });
}

Result<TermPtr> Evaluator::readback(const ValuePtr& value) {
  return guarded([&] {
    try {
      return EvalRules{*this}.readback(value);
    } catch (const EvalRules::NotATerm&) {
      fail(Span{}, "a vector, or a function that captures one, has no source syntax (Vec has no literals)");
    }
  });
}

Result<std::string> Evaluator::show(const ValuePtr& value) {
  if (const VecValue* x = value->as<VecValue>()) return Result<std::string>::success(print_numbers(x->x));
  if (const MatrixValue* m = value->as<MatrixValue>()) return Result<std::string>::success(print_numbers(m->data));
  Result<TermPtr> t = readback(value);
  if (!t) return Result<std::string>::failure(std::move(t.diagnostics));
  return Result<std::string>::success(print_term(**t));
}

}  // namespace cajal
