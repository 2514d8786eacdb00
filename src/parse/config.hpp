// The types the grammar is instantiated with (iterator, skipper, context), shared by
// grammar.cpp (which instantiates the rules) and parse.cpp (which calls them).
#pragma once

#include <boost/spirit/home/x3.hpp>
#include <boost/spirit/home/x3/support/ast/position_tagged.hpp>
#include <boost/spirit/home/x3/support/utility/error_reporting.hpp>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace cajal::parse {

namespace x3 = boost::spirit::x3;

using iterator_type = std::string::const_iterator;

// Whitespace and `-- comments to end of line`.
inline const auto skipper = x3::ascii::space | (x3::lit("--") >> *(x3::char_ - x3::eol));
using skipper_type = std::remove_cv_t<decltype(skipper)>;

// How deep the grammar may recurse (nested terms, atoms and types). Bounds the parser's stack
// use on hostile input such as 100 000 opening parentheses.
inline constexpr int kMaxNesting = 400;

struct NestingTooDeep {
  iterator_type where;
};

// Everything the grammar's actions and handlers share during one parse: source positions of CST
// nodes (for spans), the first syntax error, and the current nesting depth. It is reached through
// x3::error_handler_tag so that x3::annotate_on_success can tag nodes through it.
class ParseState {
 public:
  ParseState(iterator_type first, iterator_type last) : positions_(first, last), first_(first) {}

  template <class AST>
  void tag(AST& ast, iterator_type first, iterator_type last) {
    positions_.annotate(ast, first, last);
  }
  // Byte range [begin, end) of a tagged node.
  std::pair<std::uint32_t, std::uint32_t> range_of(const x3::position_tagged& node) const {
    auto r = positions_.position_of(node);
    return {offset(r.begin()), offset(r.end())};
  }
  std::uint32_t offset(iterator_type it) const { return static_cast<std::uint32_t>(it - first_); }

  struct Error {
    std::uint32_t offset;
    std::string expected;  // what the grammar expected there
  };
  std::optional<Error> error;
  int depth = 0;

 private:
  x3::position_cache<std::vector<iterator_type>> positions_;
  iterator_type first_;
};

using phrase_context_type = x3::phrase_parse_context<skipper_type>::type;
using context_type = x3::context<x3::error_handler_tag, std::reference_wrapper<ParseState>, phrase_context_type>;

}  // namespace cajal::parse
