// Printing in source syntax. The contract (checked by tests): parse(print(t)) == t, and
// parse(format_program(p)) == p, for every term and program the parser can produce.
#pragma once

#include <string>
#include <vector>

#include "cajal/syntax/ast.hpp"

namespace cajal {

std::string print_type(const Type& t);
std::string print_type(const TypePtr& t);

// One-line rendering with the fewest parentheses the grammar needs.
std::string print_term(const Term& t);
std::string print_term(const TermPtr& t);
// At most about `max_chars` characters of print_term(t), ending in "..." when cut; its cost is
// bounded by the prefix printed (for labels and messages about large terms).
std::string print_term_brief(const Term& t, std::size_t max_chars);

// `cajal fmt`: one declaration per paragraph, long terms broken over lines at `let`, `fun`, `if`
// and `iter`, comments kept (a comment inside a declaration is moved to just above it).
std::string format_program(const Program& p, std::size_t width = 100);

// Numbers as a JSON-style list, "[0.5, 2]": how vectors, matrices and raw network vectors are
// written (as arguments, and in output).
std::string print_numbers(const std::vector<double>& xs);

}  // namespace cajal
