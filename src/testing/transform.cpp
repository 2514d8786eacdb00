// Rewrites of programs for testing `check` (include/cajal/testing/transform.hpp).
#include "cajal/testing/transform.hpp"

#include <functional>
#include <set>

namespace cajal::testing {

namespace {

// A name not in `avoid`, from `base`.
std::string fresh(std::string base, const std::set<std::string>& avoid) {
  while (avoid.count(base)) base += "'";
  return base;
}

TermPtr rebuild(const TermPtr& t, Term::Node node) { return make_term(std::move(node), t->span); }

}  // namespace

TermPtr substitute(const TermPtr& t, const std::string& x, const TermPtr& u) {
  const std::set<std::string> fu = free_variables(*u);
  // Under binder z with body b: stop if z shadows x; rename z if it would capture u's variables.
  auto under = [&](const std::string& z, const TermPtr& body) -> std::pair<std::string, TermPtr> {
    if (z == x) return {z, body};
    if (!fu.count(z)) return {z, substitute(body, x, u)};
    std::set<std::string> avoid = fu;
    for (const std::string& n : free_variables(*body)) avoid.insert(n);
    avoid.insert(x);
    std::string z2 = fresh(z, avoid);
    TermPtr renamed = substitute(body, z, make_term(Var{z2}));
    return {z2, substitute(renamed, x, u)};
  };
  if (const Var* v = t->as<Var>()) return v->name == x ? u : t;
  if (const Lam* l = t->as<Lam>()) {
    auto [z, body] = under(l->param, l->body);
    return rebuild(t, Lam{z, l->param_span, l->param_type, body});
  }
  if (const App* a = t->as<App>()) return rebuild(t, App{substitute(a->fn, x, u), substitute(a->arg, x, u)});
  if (const If* i = t->as<If>())
    return rebuild(t, If{substitute(i->cond, x, u), substitute(i->then_branch, x, u), substitute(i->else_branch, x, u)});
  if (const Succ* s = t->as<Succ>()) return rebuild(t, Succ{substitute(s->arg, x, u)});
  if (const Iter* it = t->as<Iter>()) {
    auto [y, step] = under(it->state, it->step);
    return rebuild(t, Iter{substitute(it->base, x, u), y, it->state_span, step, substitute(it->count, x, u)});
  }
  if (const Let* l = t->as<Let>()) {
    auto [z, body] = under(l->name, l->body);
    return rebuild(t, Let{z, l->name_span, substitute(l->bound, x, u), body});
  }
  return t;  // literals and tables are closed
}

TermPtr beta_reduce(const TermPtr& t) {
  if (const App* a = t->as<App>()) {
    TermPtr fn = beta_reduce(a->fn), arg = beta_reduce(a->arg);
    if (const Lam* l = fn->as<Lam>()) return substitute(l->body, l->param, arg);
    return rebuild(t, App{fn, arg});
  }
  if (const Let* l = t->as<Let>()) return substitute(beta_reduce(l->body), l->name, beta_reduce(l->bound));
  if (const Lam* l = t->as<Lam>()) return rebuild(t, Lam{l->param, l->param_span, l->param_type, beta_reduce(l->body)});
  if (const If* i = t->as<If>())
    return rebuild(t, If{beta_reduce(i->cond), beta_reduce(i->then_branch), beta_reduce(i->else_branch)});
  if (const Succ* s = t->as<Succ>()) return rebuild(t, Succ{beta_reduce(s->arg)});
  if (const Iter* it = t->as<Iter>())
    return rebuild(t, Iter{beta_reduce(it->base), it->state, it->state_span, beta_reduce(it->step), beta_reduce(it->count)});
  return t;
}

TermPtr eta_expand(const TermPtr& t, const TypeTable& types, Choices& ch) {
  // Children first (their types are keyed by the original nodes), then maybe this node.
  TermPtr out = t;
  if (const Lam* l = t->as<Lam>()) out = rebuild(t, Lam{l->param, l->param_span, l->param_type, eta_expand(l->body, types, ch)});
  else if (const App* a = t->as<App>()) out = rebuild(t, App{eta_expand(a->fn, types, ch), eta_expand(a->arg, types, ch)});
  else if (const If* i = t->as<If>())
    out = rebuild(t, If{eta_expand(i->cond, types, ch), eta_expand(i->then_branch, types, ch), eta_expand(i->else_branch, types, ch)});
  else if (const Succ* s = t->as<Succ>()) out = rebuild(t, Succ{eta_expand(s->arg, types, ch)});
  else if (const Iter* it = t->as<Iter>())
    out = rebuild(t, Iter{eta_expand(it->base, types, ch), it->state, it->state_span, eta_expand(it->step, types, ch),
                          eta_expand(it->count, types, ch)});
  else if (const Let* l = t->as<Let>())
    out = rebuild(t, Let{l->name, l->name_span, eta_expand(l->bound, types, ch), eta_expand(l->body, types, ch)});
  TypePtr type = types.of(*t);
  if (!type || !type->is_arrow() || t->is<Table>() || !ch.coin()) return out;
  std::set<std::string> avoid = free_variables(*out);
  std::string z = fresh("eta", avoid);
  return make_term(Lam{z, {}, type->from, make_term(App{out, make_term(Var{z})})});
}

namespace {
// The mutation sites of a term, in a fixed order; each site knows how to rebuild the term.
struct Site {
  std::function<TermPtr()> apply;
};

void sites(const TermPtr& t, const std::function<TermPtr(TermPtr)>& wrap, std::vector<Site>& out) {
  auto child = [&](const TermPtr& c, std::function<TermPtr(TermPtr)> place) {
    sites(c, [wrap, place](TermPtr x) { return wrap(place(std::move(x))); }, out);
  };
  if (const BoolLit* b = t->as<BoolLit>()) {
    out.push_back({[=] { return wrap(make_term(BoolLit{!b->value})); }});
  } else if (const NatLit* n = t->as<NatLit>()) {
    out.push_back({[=] { return wrap(make_term(NatLit{n->value + 1})); }});
    if (n->value > 0) out.push_back({[=] { return wrap(make_term(NatLit{n->value - 1})); }});
  } else if (const If* i = t->as<If>()) {
    out.push_back({[=] { return wrap(make_term(If{i->cond, i->else_branch, i->then_branch})); }});
    child(i->cond, [=](TermPtr x) { return make_term(If{x, i->then_branch, i->else_branch}); });
    child(i->then_branch, [=](TermPtr x) { return make_term(If{i->cond, x, i->else_branch}); });
    child(i->else_branch, [=](TermPtr x) { return make_term(If{i->cond, i->then_branch, x}); });
  } else if (const Succ* s = t->as<Succ>()) {
    out.push_back({[=] { return wrap(s->arg); }});
    child(s->arg, [](TermPtr x) { return make_term(Succ{x}); });
  } else if (const Lam* l = t->as<Lam>()) {
    child(l->body, [=](TermPtr x) { return make_term(Lam{l->param, {}, l->param_type, x}); });
  } else if (const App* a = t->as<App>()) {
    child(a->fn, [=](TermPtr x) { return make_term(App{x, a->arg}); });
    child(a->arg, [=](TermPtr x) { return make_term(App{a->fn, x}); });
  } else if (const Iter* it = t->as<Iter>()) {
    child(it->base, [=](TermPtr x) { return make_term(Iter{x, it->state, {}, it->step, it->count}); });
    child(it->step, [=](TermPtr x) { return make_term(Iter{it->base, it->state, {}, x, it->count}); });
    child(it->count, [=](TermPtr x) { return make_term(Iter{it->base, it->state, {}, it->step, x}); });
  } else if (const Let* l = t->as<Let>()) {
    child(l->bound, [=](TermPtr x) { return make_term(Let{l->name, {}, x, l->body}); });
    child(l->body, [=](TermPtr x) { return make_term(Let{l->name, {}, l->bound, x}); });
  } else if (const Table* tb = t->as<Table>()) {
    for (std::size_t k = 0; k < tb->entries.size(); ++k)  // entries only: keys must stay a full set
      child(tb->entries[k].value, [=](TermPtr x) {
        Table copy = *tb;
        copy.entries[k].value = x;
        return make_term(std::move(copy));
      });
  }
}
}  // namespace

std::optional<TermPtr> mutate(const TermPtr& t, Choices& ch) {
  std::vector<Site> found;
  sites(t, [](TermPtr x) { return x; }, found);
  if (found.empty()) return std::nullopt;
  return ch.pick_of(found).apply();
}

Program map_defs(const Program& p, const std::function<TermPtr(const Def&)>& f) {
  Program out = p;
  for (Decl& d : out.decls)
    if (Def* def = std::get_if<Def>(&d)) def->body = f(*def);
  return out;
}

}  // namespace cajal::testing
