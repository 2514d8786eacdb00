// Pictures for teaching (`cajal compile --emit svg`, `cajal explain`): a network laid out by
// Graphviz, and a tensor as a heatmap. Both are SVG text that a page can inline.
#pragma once

#include <Eigen/Dense>
#include <string>
#include <vector>

#include "cajal/network/network.hpp"
#include "cajal/syntax/diagnostic.hpp"

namespace cajal {

// Graphviz's `dot` layout of a DOT text, rendered as SVG: `dot -Tsvg` runs as its own process
// (Debian: graphviz), at most 60 s and 64 MiB of SVG. Fails with Graphviz's message when the text
// is not DOT, and says so when `dot` is not installed.
Result<std::string> dot_to_svg(const std::string& dot);

// The most neurons a drawing takes: past it, a layout would take minutes and show nothing legible.
inline constexpr std::size_t kMaxDrawnNeurons = 1500;

// to_dot(net) laid out as SVG; refused (with the count) past kMaxDrawnNeurons.
Result<std::string> network_svg(const Network& net);

// A matrix as a heatmap: one cell per entry (a diverging scale, blue below zero, red above, white
// at zero), its value in a tooltip, rows and columns labelled. Past `max_cells` per side only the
// leading block is drawn, and the caption says so.
std::string heatmap_svg(const Eigen::MatrixXd& m, const std::vector<std::string>& row_labels,
                        const std::vector<std::string>& col_labels, const std::string& caption,
                        Eigen::Index max_cells = 64);

}  // namespace cajal
