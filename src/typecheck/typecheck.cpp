// The typing rules of spec/typing.md, one function each, named after the rule.
//
// Linear resources are tracked by marking: Δ is a stack of bindings, each with a `used` mark. A
// rule with several premises checks them in order, so the premises split Δ between them
// implicitly (a variable marked by one premise cannot be marked again by another). T-If checks
// both branches from the same marks and demands they mark the same set. T-Iter raises a barrier:
// bindings below it are outside the loop and may not be used by the step.
#include "cajal/typecheck/typecheck.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include "cajal/syntax/print.hpp"

namespace cajal {

const Global* Globals::find(const std::string& name) const {
  auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : &it->second;
}

TypePtr TypeTable::of(const Term& t) const {
  auto it = types_.find(&t);
  return it == types_.end() ? nullptr : it->second;
}

const Type* TypeTable::find(const Term& t) const {
  auto it = types_.find(&t);
  return it == types_.end() ? nullptr : it->second.get();
}

namespace {

// Thrown inside one def's check; turned into a Diagnostic (a value) at the library boundary.
struct TypeError {
  Diagnostic diagnostic;
};
// Thrown when a def uses an earlier def that failed to check: no further error is reported for
// it, since the real error was already reported.
struct UsesBrokenDef {};

std::string quoted(const std::string& name) { return "`" + name + "`"; }

struct Binding {
  std::string name;
  TypePtr type;
  Span site;
  bool used = false;
  Span use_site;
};

class Checker {
 public:
  Checker(const Globals& globals, const std::map<std::string, Span>& later_defs,
          const std::map<std::string, Span>& broken_defs, TypeTable& types, bool derivations,
          std::string current_def = {})
      : globals_(globals), later_defs_(later_defs), broken_defs_(broken_defs), types_(types),
        derivations_(derivations), current_def_(std::move(current_def)) {}

  // Θ; · ⊢ t : A for a closed term.
  TypePtr check_closed(const Term& t, Derivation* out) {
    Derivation d;
    TypePtr type = check(t, &d);
    if (out) *out = std::move(d);
    return type;
  }

 private:
  const Globals& globals_;
  const std::map<std::string, Span>& later_defs_;   // defs declared after the one being checked
  const std::map<std::string, Span>& broken_defs_;  // earlier defs that failed without annotation
  TypeTable& types_;
  bool derivations_;
  std::string current_def_;     // the def being checked (it may not mention itself)
  std::vector<Binding> delta_;  // Δ, innermost binding last
  std::size_t barrier_ = 0;     // bindings below this index lie outside the current `iter` step

  [[noreturn]] static void fail(Span at, std::string message, std::vector<Note> notes = {}) {
    throw TypeError{Diagnostic{Severity::error, at, std::move(message), std::move(notes)}};
  }

  // Dispatch: the rule for each syntactic form, recording the subterm's type and derivation.
  TypePtr check(const Term& t, Derivation* d) {
    std::vector<bool> marks_before;
    if (derivations_) marks_before = marks();
    TypePtr type = std::visit([&](const auto& node) { return rule(t, node, d); }, t.node);
    types_.set(t, type);
    if (derivations_ && d) {
      d->type = type;
      for (std::size_t i = 0; i < delta_.size() && i < marks_before.size(); ++i)
        if (delta_[i].used && !marks_before[i]) d->consumed.emplace_back(delta_[i].name, delta_[i].type);
    }
    return type;
  }

  Derivation* premise(Derivation* d) {
    if (!derivations_ || !d) return nullptr;
    d->premises.emplace_back();
    return &d->premises.back();
  }
  static void name_rule(Derivation* d, const char* rule, const Term& t) {
    if (!d) return;
    d->rule = rule;
    d->term = &t;
  }

  std::vector<bool> marks() const {
    std::vector<bool> m;
    m.reserve(delta_.size());
    for (const Binding& b : delta_) m.push_back(b.used);
    return m;
  }

  // Binds x : A for the extent of `body`, then demands x was used (exactly once: a second use
  // fails at T-Var). `what` names the binder in the error ("linear variable", "state variable").
  template <class Body>
  TypePtr with_linear(const std::string& x, TypePtr type, Span site, const char* what, Body body) {
    delta_.push_back(Binding{x, type, site, false, {}});
    TypePtr result = body();
    Binding b = std::move(delta_.back());
    delta_.pop_back();
    if (!b.used) fail(b.site, std::string(what) + " `" + x + " : " + print_type(type) + "` is never used");
    return result;
  }

  // ---- T-Var / T-Def / T-Param ----------------------------------------------------------------
  TypePtr rule(const Term& t, const Var& v, Derivation* d) {
    for (std::size_t i = delta_.size(); i-- > 0;) {
      Binding& b = delta_[i];
      if (b.name != v.name) continue;
      name_rule(d, "T-Var", t);
      if (i < barrier_)
        fail(t.span,
             "`iter` step may not use linear variable " + quoted(v.name) +
                 " from outside the loop; make it a `param` or pass it through the state",
             {Note{b.site, quoted(v.name) + " is bound here, outside the loop"}});
      if (b.used)
        fail(t.span, "linear variable " + quoted(v.name) + " is used twice (first use at " + b.use_site.line_col() + ")",
             {Note{b.use_site, "first use of " + quoted(v.name) + " is here"}});
      b.used = true;
      b.use_site = t.span;
      return b.type;
    }
    if (broken_defs_.count(v.name)) throw UsesBrokenDef{};
    if (const Global* g = globals_.find(v.name)) {
      name_rule(d, g->kind == Global::Kind::Def ? "T-Def" : "T-Param", t);
      return g->type;
    }
    if (v.name == current_def_)
      fail(t.span, "def " + quoted(v.name) + " refers to itself; Cajal has no recursion (repeat with `iter`)");
    if (auto it = later_defs_.find(v.name); it != later_defs_.end())
      fail(t.span, quoted(v.name) + " is defined later, at " + it->second.line_col() +
                       "; a def may refer only to earlier defs and params (there is no recursion)",
           {Note{it->second, quoted(v.name) + " is defined here"}});
    fail(t.span, "unknown variable " + quoted(v.name));
  }

  // ---- T-Abs ----------------------------------------------------------------------------------
  TypePtr rule(const Term& t, const Lam& l, Derivation* d) {
    name_rule(d, "T-Abs", t);
    TypePtr body = with_linear(l.param, l.param_type, l.param_span, "linear variable",
                               [&] { return check(*l.body, premise(d)); });
    return Type::arrow(l.param_type, body);
  }

  // ---- T-App ----------------------------------------------------------------------------------
  TypePtr rule(const Term& t, const App& a, Derivation* d) {
    name_rule(d, "T-App", t);
    TypePtr fn = check(*a.fn, premise(d));
    if (!fn->is_arrow())
      fail(a.fn->span, "this has type " + print_type(fn) + ", which is not a function; it cannot be applied");
    TypePtr arg = check(*a.arg, premise(d));
    if (!same_type(arg, fn->from))
      fail(a.arg->span, "argument has type " + print_type(arg) + " but the function expects " + print_type(fn->from));
    return fn->to;
  }

  // ---- T-True / T-False -----------------------------------------------------------------------
  TypePtr rule(const Term& t, const BoolLit& b, Derivation* d) {
    name_rule(d, b.value ? "T-True" : "T-False", t);
    return Type::boolean();
  }

  // ---- T-If -----------------------------------------------------------------------------------
  TypePtr rule(const Term& t, const If& i, Derivation* d) {
    name_rule(d, "T-If", t);
    TypePtr cond = check(*i.cond, premise(d));
    if (cond->kind != Type::Kind::Bool)
      fail(i.cond->span, "the condition of `if` must be Bool, but it has type " + print_type(cond));
    std::vector<bool> start = marks();
    TypePtr then_type = check(*i.then_branch, premise(d));
    std::vector<bool> after_then = marks();
    for (std::size_t k = 0; k < delta_.size(); ++k) delta_[k].used = start[k];
    TypePtr else_type = check(*i.else_branch, premise(d));
    bool same_uses = true;  // (the sets below are made only for the error)
    for (std::size_t k = 0; k < delta_.size(); ++k) same_uses = same_uses && after_then[k] == delta_[k].used;
    if (!same_uses) {
      std::vector<std::string> then_only, else_only, then_set, else_set;
      for (std::size_t k = 0; k < delta_.size(); ++k) {
        bool in_then = after_then[k] && !start[k];
        bool in_else = delta_[k].used && !start[k];
        if (in_then) then_set.push_back(delta_[k].name);
        if (in_else) else_set.push_back(delta_[k].name);
        if (in_then != in_else) (in_then ? then_only : else_only).push_back(delta_[k].name);
      }
      auto set = [](const std::vector<std::string>& xs) {
        std::string s = "{";
        for (std::size_t k = 0; k < xs.size(); ++k) s += (k ? ", " : "") + xs[k];
        return s + "}";
      };
      std::vector<Note> notes;
      for (const std::string& x : then_only) notes.push_back({i.else_branch->span, quoted(x) + " is not used in the else-branch"});
      for (const std::string& x : else_only) notes.push_back({i.then_branch->span, quoted(x) + " is not used in the then-branch"});
      fail(t.span,
           "branches of `if` use different linear variables: then-branch uses " + set(then_set) +
               ", else-branch uses " + set(else_set),
           std::move(notes));
    }
    if (!same_type(then_type, else_type))
      fail(i.else_branch->span, "branches of `if` have different types: then-branch is " + print_type(then_type) +
                                    ", else-branch is " + print_type(else_type));
    return then_type;
  }

  // ---- T-Zero / T-Num -------------------------------------------------------------------------
  TypePtr rule(const Term& t, const NatLit& n, Derivation* d) {
    name_rule(d, n.value == 0 ? "T-Zero" : "T-Num", t);
    return Type::nat();
  }

  // ---- T-Succ ---------------------------------------------------------------------------------
  TypePtr rule(const Term& t, const Succ& s, Derivation* d) {
    name_rule(d, "T-Succ", t);
    TypePtr arg = check(*s.arg, premise(d));
    if (arg->kind != Type::Kind::Nat)
      fail(s.arg->span, "`succ` needs a Nat, but its argument has type " + print_type(arg));
    return arg;
  }

  // ---- T-Iter ---------------------------------------------------------------------------------
  TypePtr rule(const Term& t, const Iter& it, Derivation* d) {
    name_rule(d, "T-Iter", t);
    TypePtr state = check(*it.base, premise(d));
    // The step runs n times: it sees Θ and its state variable only.
    std::size_t saved_barrier = barrier_;
    barrier_ = delta_.size();
    TypePtr step = with_linear(it.state, state, it.state_span, "state variable",
                               [&] { return check(*it.step, premise(d)); });
    barrier_ = saved_barrier;
    if (!same_type(step, state))
      fail(it.step->span, "`iter` step has type " + print_type(step) + " but the base has type " + print_type(state) +
                              "; they must agree");
    TypePtr count = check(*it.count, premise(d));
    if (count->kind != Type::Kind::Nat)
      fail(it.count->span, "`iter` counts with a Nat, but this has type " + print_type(count));
    return state;
  }

  // ---- T-Table --------------------------------------------------------------------------------
  // {k₁ ↦ v₁, ..., kₙ ↦ vₙ} : A ⊸ B when the keys are the values of A (Bool: true and false; Nat:
  // 0, 1, ..., m, each once, in any order) and every entry is a value of type B (a literal or a
  // table: the table is a constant, so it uses no linear variable).
  TypePtr rule(const Term& t, const Table& table, Derivation* d) {
    name_rule(d, "T-Table", t);
    TypePtr domain, codomain;
    std::map<std::size_t, Span> seen;
    for (const TableEntry& e : table.entries) {
      TypePtr key = check(*e.key, premise(d));
      if (!e.key->is<BoolLit>() && !e.key->is<NatLit>())
        fail(e.key->span, "a table key must be `true`, `false` or a numeral");
      if (domain && !same_type(key, domain))
        fail(e.key->span, "table keys must all have one type: this key is " + print_type(key) + ", the first is " +
                              print_type(domain));
      domain = key;
      std::size_t index = table_index(*e.key);
      if (auto it = seen.find(index); it != seen.end())
        fail(e.key->span, "the table has two entries for " + print_term(*e.key),
             {Note{it->second, "the first entry for " + print_term(*e.key) + " is here"}});
      seen.emplace(index, e.key->span);
      if (!e.value->is<BoolLit>() && !e.value->is<NatLit>() && !e.value->is<Table>())
        fail(e.value->span, "a table entry must be a value: `true`, `false`, a numeral or a table");
      TypePtr value = check(*e.value, premise(d));
      if (codomain && !same_type(value, codomain))
        fail(e.value->span, "table entries must all have one type: this entry is " + print_type(value) +
                                ", the first is " + print_type(codomain));
      codomain = value;
    }
    // n distinct keys cover 0..n-1 exactly when none is missing there.
    const std::size_t needed = domain->kind == Type::Kind::Bool ? 2 : seen.size();
    for (std::size_t j = 0; j < needed; ++j)
      if (!seen.count(j))
        fail(t.span, "the table has no entry for " +
                         (domain->kind == Type::Kind::Bool ? std::string(j == 0 ? "true" : "false") : std::to_string(j)) +
                         (domain->kind == Type::Kind::Nat ? "; a table on Nat lists every key from 0 to its largest" : ""));
    return Type::arrow(domain, codomain);
  }

  // ---- T-Let ----------------------------------------------------------------------------------
  TypePtr rule(const Term& t, const Let& l, Derivation* d) {
    name_rule(d, "T-Let", t);
    TypePtr bound = check(*l.bound, premise(d));
    return with_linear(l.name, bound, l.name_span, "linear variable", [&] { return check(*l.body, premise(d)); });
  }
};

}  // namespace

Result<CheckedProgram> check_program(const Program& program, const CheckOptions& options) {
  CheckedProgram out;
  std::vector<Diagnostic> errors;
  std::map<std::string, Span> later_defs;
  std::map<std::string, Span> broken_defs;
  std::map<std::string, Span> declared;
  std::size_t terms = 0;
  for (const Decl& decl : program.decls)
    if (const Def* def = std::get_if<Def>(&decl)) {
      if (!later_defs.count(def->name)) later_defs.emplace(def->name, def->name_span);
      terms += term_size(*def->body);
    }
  out.types.reserve(terms);

  for (const Decl& decl : program.decls) {
    const std::string& name = decl_name(decl);
    Span site = decl_span(decl);
    if (auto it = declared.find(name); it != declared.end()) {
      errors.push_back(Diagnostic{Severity::error, site,
                                  quoted(name) + " is already declared at " + it->second.line_col(),
                                  {Note{it->second, "first declaration of " + quoted(name) + " is here"}}});
      continue;
    }
    declared.emplace(name, site);
    if (const Param* p = std::get_if<Param>(&decl)) {  // D-Param
      out.globals.add(name, Global{Global::Kind::Param, p->type, site});
      continue;
    }
    const Def& def = std::get<Def>(decl);  // D-Def: Θ; · ⊢ body : A
    later_defs.erase(name);
    Derivation derivation;
    try {
      Checker checker(out.globals, later_defs, broken_defs, out.types, options.derivations, name);
      TypePtr type = checker.check_closed(*def.body, options.derivations ? &derivation : nullptr);
      if (def.annotation && !same_type(def.annotation, type))
        throw TypeError{Diagnostic{Severity::error, def.annotation->span,
                                   "def " + quoted(name) + " is declared as " + print_type(def.annotation) +
                                       " but its body has type " + print_type(type),
                                   {}}};
      out.globals.add(name, Global{Global::Kind::Def, type, site});
      out.def_order.push_back(name);
      if (options.derivations) out.derivations.emplace(name, std::move(derivation));
    } catch (const TypeError& e) {
      errors.push_back(e.diagnostic);
      if (def.annotation)
        out.globals.add(name, Global{Global::Kind::Def, def.annotation, site});
      else
        broken_defs.emplace(name, site);
    } catch (const UsesBrokenDef&) {
      broken_defs.emplace(name, site);
    }
  }
  if (!errors.empty()) return Result<CheckedProgram>::failure(std::move(errors));
  return Result<CheckedProgram>::success(std::move(out));
}

Result<TypePtr> check_closed_term(const Term& term, const Globals& globals, TypeTable& types, Derivation* derivation) {
  static const std::map<std::string, Span> none;
  try {
    Checker checker(globals, none, none, types, derivation != nullptr);
    return Result<TypePtr>::success(checker.check_closed(term, derivation));
  } catch (const TypeError& e) {
    return Result<TypePtr>::failure(e.diagnostic);
  } catch (const UsesBrokenDef&) {
    return Result<TypePtr>::failure(error_at(term.span, "this term uses a def that failed to type-check"));
  }
}

}  // namespace cajal
