// The RapidCheck face of the generators (include/cajal/testing/rapidcheck.hpp): the same
// constructions as generators.cpp and oracle.cpp, with RapidCheck making the choices.
#include "cajal/testing/rapidcheck.hpp"

#include <algorithm>

namespace cajal::testing {

namespace {

// RapidCheck's choices. Its inRange narrows the range at small sizes; structural choices (which
// constructor, which type, which variable) must not, so they run at full size. Size is bounded
// separately, by the `size` budget passed down the construction.
struct RcChoices final : Choices {
  int pick(int lo, int hi) override { return *rc::gen::resize(100, rc::gen::inRange(lo, hi)); }
};

}  // namespace

rc::Gen<GeneratedProgram> gen_vec_program() {
  return rc::gen::withSize([](int size) {
    return rc::gen::exec([size] {
      RcChoices ch;
      return make_vec_program(ch, size);
    });
  });
}

rc::Gen<GeneratedProgram> gen_matrix_input_program() {
  return rc::gen::withSize([](int size) {
    return rc::gen::exec([size] {
      RcChoices ch;
      return make_matrix_input_program(ch, size);
    });
  });
}

rc::Gen<GeneratedProgram> gen_higher_order_program() {
  return rc::gen::withSize([](int size) {
    return rc::gen::exec([size] {
      RcChoices ch;
      return make_higher_order_program(ch, size);
    });
  });
}

rc::Gen<TypePtr> gen_type(int depth) {
  return rc::gen::exec([depth] {
    RcChoices ch;
    return make_type(ch, depth);
  });
}

rc::Gen<TypePtr> gen_encodable_type(int depth) {
  return rc::gen::exec([depth] {
    RcChoices ch;
    return make_encodable_type(ch, depth);
  });
}

rc::Gen<TermPtr> gen_term(TypePtr type, Context delta, Context theta, int size) {
  return rc::gen::exec([=] {
    RcChoices ch;
    return make_term(ch, type, delta, theta, size);
  });
}

rc::Gen<TermPtr> gen_closed_term(TypePtr type, Context theta) {
  return rc::gen::withSize([=](int size) { return gen_term(type, {}, theta, std::max(1, size / 4)); });
}

rc::Gen<GeneratedProgram> gen_program() {
  return rc::gen::withSize([](int size) {
    return rc::gen::exec([size] {
      RcChoices ch;
      return make_program(ch, size);
    });
  });
}

rc::Gen<Case> gen_case() {
  return rc::gen::withSize([](int size) {
    return rc::gen::exec([size] {
      RcChoices ch;
      return make_case(ch, size);
    });
  });
}

void showValue(const Case& c, std::ostream& os) { os << "\n" << reproduction(c, 9, "case.cj", Mutant::None); }

}  // namespace cajal::testing
