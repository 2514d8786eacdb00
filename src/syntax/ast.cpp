#include "cajal/syntax/ast.hpp"

#include "cajal/syntax/in_place.hpp"
#include "cajal/syntax/per_thread.hpp"

#include <cstdint>

namespace cajal {

// Types without a source location are immutable and interchangeable: share one of each, one
// per thread — a single shared one makes every thread write the same reference count, and
// threads checking programs in parallel then wait on each other's cache line.
TypePtr Type::boolean(Span s) {
  static thread_local const TypePtr shared = make_shared_on_own_lines<Type>(Type{Kind::Bool, nullptr, nullptr, {}});
  return s.known() ? std::make_shared<const Type>(Type{Kind::Bool, nullptr, nullptr, s}) : shared;
}
TypePtr Type::nat(Span s) {
  static thread_local const TypePtr shared = make_shared_on_own_lines<Type>(Type{Kind::Nat, nullptr, nullptr, {}});
  return s.known() ? std::make_shared<const Type>(Type{Kind::Nat, nullptr, nullptr, s}) : shared;
}
TypePtr Type::vec(std::size_t n, Span s) {
  return std::make_shared<const Type>(Type{Kind::Vec, nullptr, nullptr, s, n});
}
TypePtr Type::arrow(TypePtr from, TypePtr to, Span s) {
  return std::make_shared<const Type>(Type{Kind::Arrow, std::move(from), std::move(to), s});
}

bool without_vec(const Type& t) {
  if (t.kind == Type::Kind::Vec) return false;
  return !t.is_arrow() || (without_vec(*t.from) && without_vec(*t.to));
}

std::size_t dimension(const Type& t, int depth) {
  switch (t.kind) {
    case Type::Kind::Bool: return 2;
    case Type::Kind::Nat: return static_cast<std::size_t>(depth) + 1;
    case Type::Kind::Vec: return t.size;
    case Type::Kind::Arrow: return saturating_product(dimension(*t.to, depth), dimension(*t.from, depth));
  }
  return 0;
}

std::size_t saturating_product(std::size_t a, std::size_t b) {
  std::size_t p = 0;
  return __builtin_mul_overflow(a, b, &p) ? SIZE_MAX : p;
}

bool operator==(const Type& a, const Type& b) {
  if (a.kind != b.kind) return false;
  if (a.kind == Type::Kind::Vec) return a.size == b.size;
  if (a.kind != Type::Kind::Arrow) return true;
  return *a.from == *b.from && *a.to == *b.to;
}

bool same_type(const TypePtr& a, const TypePtr& b) {
  if (!a || !b) return !a && !b;
  return *a == *b;
}

TermPtr make_term(Term::Node node, Span span) { return make_shared_braced<Term>(std::move(node), span); }

std::size_t table_index(const Term& key) {
  if (const BoolLit* b = key.as<BoolLit>()) return b->value ? 0 : 1;
  return static_cast<std::size_t>(key.as<NatLit>()->value);
}

namespace {
struct TermEq {
  const Term& other;
  bool operator()(const Var& a) const { return a.name == other.as<Var>()->name; }
  bool operator()(const Lam& a) const {
    const Lam& b = *other.as<Lam>();
    return a.param == b.param && *a.param_type == *b.param_type && *a.body == *b.body;
  }
  bool operator()(const App& a) const {
    const App& b = *other.as<App>();
    return *a.fn == *b.fn && *a.arg == *b.arg;
  }
  bool operator()(const BoolLit& a) const { return a.value == other.as<BoolLit>()->value; }
  bool operator()(const If& a) const {
    const If& b = *other.as<If>();
    return *a.cond == *b.cond && *a.then_branch == *b.then_branch && *a.else_branch == *b.else_branch;
  }
  bool operator()(const NatLit& a) const { return a.value == other.as<NatLit>()->value; }
  bool operator()(const Succ& a) const { return *a.arg == *other.as<Succ>()->arg; }
  bool operator()(const Iter& a) const {
    const Iter& b = *other.as<Iter>();
    return a.state == b.state && *a.base == *b.base && *a.step == *b.step && *a.count == *b.count;
  }
  bool operator()(const Let& a) const {
    const Let& b = *other.as<Let>();
    return a.name == b.name && *a.bound == *b.bound && *a.body == *b.body;
  }
  bool operator()(const Table& a) const {
    const Table& b = *other.as<Table>();
    if (a.entries.size() != b.entries.size()) return false;
    for (std::size_t k = 0; k < a.entries.size(); ++k)
      if (!(*a.entries[k].key == *b.entries[k].key && *a.entries[k].value == *b.entries[k].value)) return false;
    return true;
  }
};

struct Children {
  std::vector<const Term*>& out;
  void operator()(const Var&) const {}
  void operator()(const Lam& t) const { out.push_back(t.body.get()); }
  void operator()(const App& t) const { out.push_back(t.fn.get()); out.push_back(t.arg.get()); }
  void operator()(const BoolLit&) const {}
  void operator()(const If& t) const {
    out.push_back(t.cond.get()); out.push_back(t.then_branch.get()); out.push_back(t.else_branch.get());
  }
  void operator()(const NatLit&) const {}
  void operator()(const Succ& t) const { out.push_back(t.arg.get()); }
  void operator()(const Iter& t) const {
    out.push_back(t.base.get()); out.push_back(t.step.get()); out.push_back(t.count.get());
  }
  void operator()(const Let& t) const { out.push_back(t.bound.get()); out.push_back(t.body.get()); }
  void operator()(const Table& t) const {
    for (const TableEntry& e : t.entries) {
      out.push_back(e.key.get());
      out.push_back(e.value.get());
    }
  }
};
}  // namespace

bool operator==(const Term& a, const Term& b) {
  if (a.node.index() != b.node.index()) return false;
  return std::visit(TermEq{b}, a.node);
}

bool same_term(const TermPtr& a, const TermPtr& b) {
  if (!a || !b) return !a && !b;
  return *a == *b;
}

namespace {
void collect_free(const Term& t, std::multiset<std::string>& bound, std::set<std::string>& out) {
  auto under = [&](const std::string& x, const Term& body) {
    auto it = bound.insert(x);
    collect_free(body, bound, out);
    bound.erase(it);
  };
  if (const Var* v = t.as<Var>()) {
    if (!bound.count(v->name)) out.insert(v->name);
  } else if (const Lam* l = t.as<Lam>()) {
    under(l->param, *l->body);
  } else if (const Iter* it = t.as<Iter>()) {
    collect_free(*it->base, bound, out);
    under(it->state, *it->step);
    collect_free(*it->count, bound, out);
  } else if (const Let* l = t.as<Let>()) {
    collect_free(*l->bound, bound, out);
    under(l->name, *l->body);
  } else {
    std::vector<const Term*> kids;
    append_children(t, kids);
    for (const Term* k : kids) collect_free(*k, bound, out);
  }
}
}  // namespace

std::set<std::string> free_variables(const Term& t) {
  std::set<std::string> out;
  std::multiset<std::string> bound;
  collect_free(t, bound, out);
  return out;
}

std::size_t term_size(const Term& t) {
  std::size_t n = 0;
  std::vector<const Term*> todo{&t};
  while (!todo.empty()) {
    const Term* cur = todo.back();
    todo.pop_back();
    ++n;
    std::visit(Children{todo}, cur->node);
  }
  return n;
}

void append_children(const Term& t, std::vector<const Term*>& out) { std::visit(Children{out}, t.node); }

const std::string& decl_name(const Decl& d) {
  return std::visit([](const auto& x) -> const std::string& { return x.name; }, d);
}

Span decl_span(const Decl& d) {
  return std::visit([](const auto& x) { return x.name_span; }, d);
}

const Def* Program::find_def(const std::string& name) const {
  for (const Decl& d : decls)
    if (const Def* def = std::get_if<Def>(&d); def && def->name == name) return def;
  return nullptr;
}

const Param* Program::find_param(const std::string& name) const {
  for (const Decl& d : decls)
    if (const Param* p = std::get_if<Param>(&d); p && p->name == name) return p;
  return nullptr;
}

bool operator==(const Program& a, const Program& b) {
  if (a.decls.size() != b.decls.size()) return false;
  for (std::size_t i = 0; i < a.decls.size(); ++i) {
    const Decl& x = a.decls[i];
    const Decl& y = b.decls[i];
    if (x.index() != y.index()) return false;
    if (const Def* dx = std::get_if<Def>(&x)) {
      const Def& dy = std::get<Def>(y);
      if (dx->name != dy.name || !same_type(dx->annotation, dy.annotation) || !same_term(dx->body, dy.body))
        return false;
    } else {
      const Param& px = std::get<Param>(x);
      const Param& py = std::get<Param>(y);
      if (px.name != py.name || !same_type(px.type, py.type)) return false;
    }
  }
  return true;
}

}  // namespace cajal
