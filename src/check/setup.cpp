// What `cajal check` compares (spec/equivalence.md §2): the slots and the params.
#include "check_internal.hpp"

#include <map>
#include <optional>

#include "cajal/compile/compile.hpp"
#include "cajal/syntax/print.hpp"

namespace cajal::check_impl {

std::string side_name(const CheckSide& s) {
  return quoted(s.def) + (s.label.empty() ? "" : " in " + s.label);
}

Result<Setup> make_setup(const CheckSide& left, const CheckSide& right, const EquivalenceOptions& options) {
  using R = Result<Setup>;
  if (options.depth < 0 || options.depth > kMaxDepth)
    return R::failure(error_at(Span{}, "the depth must be between 0 and " + std::to_string(kMaxDepth) + ", got " +
                                           std::to_string(options.depth)));
  Setup s;
  for (const CheckSide* side : {&left, &right}) {
    const Def* def = side->program->program.find_def(side->def);
    if (!def) return R::failure(error_at(Span{}, "no `def " + side->def + "`" + (side->label.empty() ? "" : " in " + side->label)));
    (side == &left ? s.left_def : s.right_def) = def;
  }
  TypePtr lt = left.program->checked.globals.find(left.def)->type;
  TypePtr rt = right.program->checked.globals.find(right.def)->type;
  if (!same_type(lt, rt))
    return R::failure(Diagnostic{Severity::error, s.left_def->name_span,
                                 "the two sides have different types: " + side_name(left) + " is " + print_type(lt) +
                                     ", " + side_name(right) + " is " + print_type(rt),
                                 {Note{s.right_def->name_span, side_name(right) + " has type " + print_type(rt)}}});
  s.type = lt;
  // Each position is named after the left def's binder there, else the right def's, else argN.
  const Term* body = s.left_def->body.get();
  const Term* other = s.right_def->body.get();
  auto binder = [](const Term*& t) -> std::optional<std::string> {
    const Lam* l = t ? t->as<Lam>() : nullptr;
    t = l ? l->body.get() : nullptr;
    return l ? std::optional<std::string>(l->param) : std::nullopt;
  };
  std::map<std::string, int> used;
  for (TypePtr t = lt; t->is_arrow(); t = t->to) {
    std::optional<std::string> mine = binder(body), theirs = binder(other);
    std::string name = mine ? *mine : theirs ? *theirs : "arg" + std::to_string(s.positions + 1);
    if (int n = used[name]++; n > 0) name += "_" + std::to_string(n + 1);
    s.slots.push_back(Slot{name, t->from, false});
    ++s.positions;
    s.result = t->to;
  }
  if (!s.result) s.result = lt;
  // Params: the union, by name; a name on both sides must have one type.
  std::map<std::string, const Param*> seen;
  for (const CheckSide* side : {&left, &right})
    for (const Decl& d : side->program->program.decls) {
      const Param* p = std::get_if<Param>(&d);
      if (!p) continue;
      if (auto it = seen.find(p->name); it != seen.end()) {
        if (!same_type(it->second->type, p->type))
          return R::failure(Diagnostic{Severity::error, p->name_span,
                                       "param " + quoted(p->name) + " has type " + print_type(p->type) +
                                           " here but " + print_type(it->second->type) + " on the other side",
                                       {Note{it->second->name_span, "the other declaration of " + quoted(p->name)}}});
        continue;
      }
      seen.emplace(p->name, p);
      s.slots.push_back(Slot{p->name, p->type, true});
    }
  return R::success(std::move(s));
}

}  // namespace cajal::check_impl
