// The Cajal grammar (spec/grammar.md), declared here and defined once in grammar_def.hpp, which
// only grammar.cpp includes: editing any other file does not recompile the grammar.
#pragma once

#include <boost/spirit/home/x3.hpp>

#include "cst.hpp"

namespace cajal::parse::grammar {

namespace x3 = boost::spirit::x3;

struct file_class;
struct term_only_class;
using file_type = x3::rule<file_class, cst::File>;
using term_only_type = x3::rule<term_only_class, cst::Term>;

BOOST_SPIRIT_DECLARE(file_type, term_only_type)

// A whole `.cj` file: declarations to the end of input.
const file_type& file();
// One closed term to the end of input (`-e`, `--arg`, `--param NAME=TERM`).
const term_only_type& term_only();

}  // namespace cajal::parse::grammar
