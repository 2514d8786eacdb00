// Fusion adaptation of the multi-member CST structs (single-member ones are filled by semantic
// actions in grammar_def.hpp instead, which avoids X3's single-element-sequence pitfalls).
#pragma once

#include <boost/fusion/include/adapt_struct.hpp>

#include "cst.hpp"

BOOST_FUSION_ADAPT_STRUCT(cajal::parse::cst::TypeExpr, head, tail)
BOOST_FUSION_ADAPT_STRUCT(cajal::parse::cst::Lambda, param, type, body)
BOOST_FUSION_ADAPT_STRUCT(cajal::parse::cst::IfExpr, cond, then_branch, else_branch)
BOOST_FUSION_ADAPT_STRUCT(cajal::parse::cst::LetExpr, name, bound, body)
BOOST_FUSION_ADAPT_STRUCT(cajal::parse::cst::Application, head, args)
BOOST_FUSION_ADAPT_STRUCT(cajal::parse::cst::IterExpr, base, state, step, count)
BOOST_FUSION_ADAPT_STRUCT(cajal::parse::cst::TableEntry, key, value)
BOOST_FUSION_ADAPT_STRUCT(cajal::parse::cst::DefDecl, name, annotation, body)
BOOST_FUSION_ADAPT_STRUCT(cajal::parse::cst::ParamDecl, name, type)
