// The one translation unit that compiles the grammar.
#include "grammar_def.hpp"

namespace cajal::parse::grammar {
BOOST_SPIRIT_INSTANTIATE(file_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(term_only_type, iterator_type, context_type)
}  // namespace cajal::parse::grammar
