// The network as a Graphviz graph (`cajal compile --emit dot`; include/cajal/network/network.hpp).
#include <cstdio>
#include <string>

#include "cajal/network/network.hpp"
#include "cajal/syntax/print.hpp"

namespace cajal {

namespace {

// A string for a DOT "..." attribute: quotes and backslashes escaped, "\n" as a centred line break.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

// At most `max` bytes of s, cut at a code point boundary, "…" when cut.
std::string cut(const std::string& s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n) + "…";
}

std::string number(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", x);
  return buffer;
}

std::string id(int graph, std::size_t node) { return "g" + std::to_string(graph) + "n" + std::to_string(node); }

const char* fill(Op op) {
  switch (op) {
    case Op::Input: return "#dbeafe";
    case Op::Param: return "#fef3c7";
    case Op::Const: return "#f3f4f6";
    case Op::Iterate: return "#fed7aa";
    case Op::Abstract: return "#d1fae5";
    default: return "#ffffff";
  }
}

// Which input of a subgraph an argument of its neuron feeds, and how it is named.
std::string input_role(const Node& owner, std::size_t k) {
  if (owner.op == Op::Iterate) return k == 0 ? "state h_k" : "capture";
  return k == 0 ? "binder (basis e_j)" : "capture";
}

struct Writer {
  const Network& net;
  std::string nodes, edges;

  std::string label(int gi, std::size_t i, const Node* owner) {
    const Graph& g = net.graphs[static_cast<std::size_t>(gi)];
    const Node& n = g.nodes[i];
    std::string text = "%" + std::to_string(i) + " " + op_name(n.op);
    if (n.op == Op::Input || n.op == Op::Param) text += " " + n.name;
    if (n.op == Op::Input && owner)
      for (std::size_t k = 0; k < g.inputs.size(); ++k)
        if (g.inputs[k] == static_cast<int>(i)) text += " (" + input_role(*owner, k) + ")";
    if (n.op == Op::Const) {
      if (n.value.size() <= 8) {
        text += " [";
        for (Eigen::Index k = 0; k < n.value.size(); ++k) text += (k ? " " : "") + number(n.value(k));
        text += "]";
      }
    }
    text += "\n" + std::to_string(n.dim);
    if (n.op == Op::Apply || n.op == Op::Abstract) text += " (" + std::to_string(n.rows) + "×" + std::to_string(n.cols) + ")";
    if (!n.rule.empty()) text += "  " + n.rule;
    if (!n.source.empty() && n.op != Op::Input && n.op != Op::Param) text += "\n" + cut(n.source, 40);
    return text;
  }

  void edge(const std::string& from, const std::string& to, const std::string& text, const std::string& extra = {}) {
    edges += "  " + from + " -> " + to + " [label=" + quoted(text) + (extra.empty() ? "" : ", " + extra) + "];\n";
  }

  // Graph gi's neurons (inside its cluster when it is a subgraph of `owner`), its edges, and the
  // clusters of the subgraphs of its neurons.
  void graph(int gi, const Node* owner, const std::string& indent) {
    const Graph& g = net.graphs[static_cast<std::size_t>(gi)];
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
      const Node& n = g.nodes[i];
      nodes += indent + id(gi, i) + " [label=" + quoted(label(gi, i, owner)) + ", fillcolor=\"" + fill(n.op) + "\"" +
               (static_cast<int>(i) == g.output ? ", penwidth=2" : "") + "];\n";
      for (std::size_t k = 0; k < n.args.size(); ++k) {
        const Node& a = g.nodes[static_cast<std::size_t>(n.args[k])];
        std::string what = std::to_string(a.dim);
        if (n.op == Op::Iterate && k == 0) what = "base h_0: " + what;
        if (n.op == Op::Iterate && k == 1) what = "count n: " + what;
        if (n.op == Op::Mix) what = (k == 0 ? "condition: " : k == 1 ? "then: " : "else: ") + what;
        edge(id(gi, static_cast<std::size_t>(n.args[k])), id(gi, i), what);
      }
      if (n.sub < 0) continue;
      const Graph& sub = net.graphs[static_cast<std::size_t>(n.sub)];
      const bool iterate = n.op == Op::Iterate;
      nodes += indent + "subgraph cluster_" + std::to_string(n.sub) + " {\n" + indent + "  label=" +
               quoted(std::string(iterate ? "step s" : "body") + " of %" + std::to_string(i) + " (graph " +
                      std::to_string(n.sub) + ")" + (iterate ? ": h_{k+1} = s(h_k)" : ": column j = body(e_j)")) +
               ";\n" + indent + "  style=\"rounded,dashed\"; color=\"#6b7280\";\n";
      graph(n.sub, &n, indent + "  ");
      nodes += indent + "}\n";
      // Captures flow into the subgraph; the state comes from the neuron and goes back to it.
      const std::size_t first_capture = iterate ? 2 : 0;
      for (std::size_t k = 1; k < sub.inputs.size(); ++k)
        if (first_capture + k - 1 < n.args.size())
          edge(id(gi, static_cast<std::size_t>(n.args[first_capture + k - 1])), id(n.sub, static_cast<std::size_t>(sub.inputs[k])),
               "capture", "style=dashed");
      if (iterate) {
        if (!sub.inputs.empty()) edge(id(gi, i), id(n.sub, static_cast<std::size_t>(sub.inputs[0])), "h_k", "style=dashed");
        edge(id(n.sub, static_cast<std::size_t>(sub.output)), id(gi, i), "h_{k+1}", "style=dashed");
        edge(id(gi, i), id(gi, i), "× D = " + std::to_string(net.depth) + " steps: Σ_k n_k h_k",
             "color=\"#c2410c\", fontcolor=\"#c2410c\", penwidth=2");
      } else {
        edge(id(n.sub, static_cast<std::size_t>(sub.output)), id(gi, i), "column j", "style=dashed");
      }
    }
  }
};

}  // namespace

std::string to_dot(const Network& net) {
  Writer w{net, {}, {}};
  if (!net.graphs.empty()) w.graph(0, nullptr, "  ");
  std::string title = "network at depth " + std::to_string(net.depth) + ": ";
  for (const NetworkInput& in : net.inputs) title += in.name + " : " + print_type(in.type) + ", ";
  title += "output : " + (net.output_type ? print_type(net.output_type) : std::string("?"));
  std::string out = "digraph cajal {\n";
  out += "  graph [label=" + quoted(title) + ", labelloc=t, fontname=\"Helvetica\", fontsize=12, rankdir=TB, nodesep=0.3];\n";
  out += "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10];\n";
  out += "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#374151\"];\n";
  out += w.nodes;
  if (!net.graphs.empty() && net.graphs[0].output >= 0) {
    out += "  output [shape=plaintext, style=\"\", label=" + quoted("output") + "];\n";
    w.edge(id(0, static_cast<std::size_t>(net.graphs[0].output)), "output",
           std::to_string(net.graphs[0].nodes[static_cast<std::size_t>(net.graphs[0].output)].dim));
  }
  return out + w.edges + "}\n";
}

}  // namespace cajal
