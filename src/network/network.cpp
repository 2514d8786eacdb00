#include "cajal/network/network.hpp"

#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "cajal/parse/parse.hpp"
#include "cajal/syntax/print.hpp"

namespace cajal {

const char* op_name(Op op) {
  switch (op) {
    case Op::Input: return "input";
    case Op::Param: return "param";
    case Op::Const: return "const";
    case Op::Shift: return "shift";
    case Op::Mix: return "mix";
    case Op::Apply: return "apply";
    case Op::Iterate: return "iterate";
    case Op::Abstract: return "abstract";
  }
  return "?";
}

namespace {

std::uint64_t half_of_physical_memory() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return std::uint64_t{4} << 30;  // unknown: 4 GiB
  return static_cast<std::uint64_t>(pages) / 2 * static_cast<std::uint64_t>(page);
}

std::atomic<std::uint64_t> g_memory_budget{half_of_physical_memory()};

}  // namespace

std::uint64_t memory_budget() { return g_memory_budget.load(std::memory_order_relaxed); }
void set_memory_budget(std::uint64_t bytes) { g_memory_budget.store(bytes, std::memory_order_relaxed); }

std::string bytes_text(double bytes) {
  if (bytes >= 18446744073709551616.0) return "more than 16 EiB";  // a size that saturated (dimension)
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  std::size_t u = 0;
  while (bytes >= 1024 && u + 1 < std::size(units)) {
    bytes /= 1024;
    ++u;
  }
  if (!std::isfinite(bytes)) return "more than can be counted";
  char text[64];
  std::snprintf(text, sizeof text, u == 0 ? "%.0f %s" : bytes >= 100 ? "%.0f %s" : "%.3g %s", bytes, units[u]);
  return text;
}

namespace {
constexpr const char* kOverBudget = ", more than the memory budget of ";
}

std::string over_budget(const std::string& what, double bytes, double budget) {
  const bool saturated = bytes >= 18446744073709551616.0;
  return what + (saturated ? " needs " : " needs about ") + bytes_text(bytes) + kOverBudget + bytes_text(budget) +
         " (raise it with --max-memory)";
}

bool is_over_budget(const Diagnostic& d) { return d.message.find(kOverBudget) != std::string::npos; }

std::size_t Network::node_count() const {
  std::size_t n = 0;
  for (const Graph& g : graphs) n += g.nodes.size();
  return n;
}

namespace {

double graph_work(const Network& net, int gi) {
  double total = 0;
  for (const Node& n : net.graphs[static_cast<std::size_t>(gi)].nodes) {
    total += static_cast<double>(n.dim);
    if (n.op == Op::Apply) total += static_cast<double>(n.rows) * static_cast<double>(n.cols);
    if (n.op == Op::Iterate) total += static_cast<double>(net.depth) * graph_work(net, n.sub);
    if (n.op == Op::Abstract) total += static_cast<double>(n.cols) * graph_work(net, n.sub);
  }
  return total;
}

}  // namespace

std::string node_line(const Graph& g, std::size_t i) {
  const Node& n = g.nodes[i];
  std::string line = "%" + std::to_string(i) + " = " + op_name(n.op);
  if (n.op == Op::Input || n.op == Op::Param) line += " " + n.name;
  if (!n.args.empty()) {
    line += "(";
    for (std::size_t k = 0; k < n.args.size(); ++k) line += (k ? ", %" : "%") + std::to_string(n.args[k]);
    line += ")";
  }
  if (n.op == Op::Const) {
    line += " [";
    for (Eigen::Index k = 0; k < n.value.size(); ++k) {
      if (k) line += " ";
      double v = n.value(k);
      // (a whole number prints without decimals; the range check comes first: converting a double
      // outside long long's range is undefined — found by the fuzz_network harness, 3.3e27)
      const bool whole = std::isfinite(v) && std::abs(v) < 9.0e15 && v == std::floor(v);
      line += whole ? std::to_string(static_cast<long long>(v)) : std::to_string(v);
    }
    line += "]";
  }
  line += "  : " + std::to_string(n.dim);
  if (n.op == Op::Apply || n.op == Op::Abstract) line += " (" + std::to_string(n.rows) + "×" + std::to_string(n.cols) + ")";
  if (!n.rule.empty()) line += "  " + n.rule;
  if (n.line) line += " @" + std::to_string(n.line) + ":" + std::to_string(n.column);
  if (!n.source.empty() && n.op != Op::Input) line += "  `" + n.source + "`";
  if (static_cast<int>(i) == g.output) line += "  ← output";
  return line;
}

namespace {

void show_graph(const Network& net, int gi, const std::string& indent, std::string& out) {
  const Graph& g = net.graphs[static_cast<std::size_t>(gi)];
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    out += indent + node_line(g, i) + "\n";
    if (n.sub >= 0) {
      out += indent + "  " + (n.op == Op::Iterate ? "step" : "body") + " (graph " + std::to_string(n.sub) + "):\n";
      show_graph(net, n.sub, indent + "    ", out);
    }
  }
}

}  // namespace

double Network::work() const { return graphs.empty() ? 0.0 : graph_work(*this, 0); }

std::string show(const Network& net) {
  std::string out = "network at depth " + std::to_string(net.depth) + ": " + std::to_string(net.node_count()) +
                    (net.node_count() == 1 ? " neuron in " : " neurons in ") + std::to_string(net.graphs.size()) + " graph" +
                    (net.graphs.size() == 1 ? "" : "s") + "\n";
  for (const NetworkInput& in : net.inputs) out += "input " + in.name + " : " + print_type(in.type) + "\n";
  for (const NetworkInput& p : net.params) out += "param " + p.name + " : " + print_type(p.type) + "\n";
  out += "output : " + print_type(net.output_type) + "\n";
  show_graph(net, 0, "", out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// JSON: {"format": "cajal-network", "version": 1, "depth": D, "output_type": "...",
//        "inputs": [{"name", "type"}], "params": [...], "graphs": [{"inputs": [...], "output": i,
//        "nodes": [{"op", "dim", "args", "name", "value", "rows", "cols", "sub", "rule", "source",
//        "line", "column"}]}]}

std::string to_json(const Network& net) {
  using json = nlohmann::json;
  auto names = [](const std::vector<NetworkInput>& xs) {
    json a = json::array();
    for (const NetworkInput& x : xs) a.push_back({{"name", x.name}, {"type", print_type(x.type)}});
    return a;
  };
  json graphs = json::array();
  for (const Graph& g : net.graphs) {
    json nodes = json::array();
    for (const Node& n : g.nodes) {
      json j{{"op", op_name(n.op)}, {"dim", n.dim}, {"rule", n.rule}};
      if (!n.args.empty()) j["args"] = n.args;
      if (!n.name.empty()) j["name"] = n.name;
      if (n.op == Op::Const) j["value"] = std::vector<double>(n.value.data(), n.value.data() + n.value.size());
      if (n.op == Op::Apply || n.op == Op::Abstract) {
        j["rows"] = n.rows;
        j["cols"] = n.cols;
      }
      if (n.sub >= 0) j["sub"] = n.sub;
      if (!n.source.empty()) j["source"] = n.source;
      if (n.line) {
        j["line"] = n.line;
        j["column"] = n.column;
      }
      nodes.push_back(std::move(j));
    }
    graphs.push_back({{"inputs", g.inputs}, {"output", g.output}, {"nodes", std::move(nodes)}});
  }
  json out{{"format", "cajal-network"},
           {"version", 1},
           {"depth", net.depth},
           {"output_type", print_type(net.output_type)},
           {"inputs", names(net.inputs)},
           {"params", names(net.params)},
           {"graphs", std::move(graphs)}};
  return out.dump(1);
}

namespace {

struct BadNetwork {
  std::string message;
};

TypePtr read_type(const std::string& text, std::vector<SourcePtr>& keep) {
  // A type is read by parsing `fun x : TYPE => x` and taking the annotation.
  auto source = std::make_shared<const Source>("<type>", "fun x : " + text + " => x");
  keep.push_back(source);
  Result<TermPtr> t = parse_term(source);
  if (!t || !(*t)->is<Lam>()) throw BadNetwork{"invalid type `" + text + "`"};
  return (*t)->as<Lam>()->param_type;
}

Op read_op(const std::string& s) {
  for (Op op : {Op::Input, Op::Param, Op::Const, Op::Shift, Op::Mix, Op::Apply, Op::Iterate, Op::Abstract})
    if (s == op_name(op)) return op;
  throw BadNetwork{"unknown neuron kind `" + s + "`"};
}

[[noreturn]] void bad_node(std::size_t g, std::size_t i, const std::string& what) {
  throw BadNetwork{"graph " + std::to_string(g) + ", node " + std::to_string(i) + ": " + what};
}

// The arity of each operation (Iterate and Abstract: at least, before their captures).
std::size_t arity(Op op) {
  switch (op) {
    case Op::Input:
    case Op::Param:
    case Op::Const:
    case Op::Abstract: return 0;
    case Op::Shift: return 1;
    case Op::Apply:
    case Op::Iterate: return 2;
    case Op::Mix: return 3;
  }
  return 0;
}

// 1. Structure, before anything follows an index: at least one graph; every output, input and
//    argument index in range, arguments before their user; each Input neuron listed once among
//    its graph's inputs; argument counts; subgraphs after their parent, each used by exactly one
//    neuron, with one input per capture (plus the state or binder).
void validate_structure(const Network& net) {
  if (net.graphs.empty()) throw BadNetwork{"no graphs"};
  std::vector<int> used_by(net.graphs.size(), -1);
  for (std::size_t gi = 0; gi < net.graphs.size(); ++gi) {
    const Graph& g = net.graphs[gi];
    if (g.output < 0 || static_cast<std::size_t>(g.output) >= g.nodes.size())
      throw BadNetwork{"graph " + std::to_string(gi) + ": output out of range"};
    std::vector<int> listed(g.nodes.size(), 0);
    for (int in : g.inputs) {
      if (in < 0 || static_cast<std::size_t>(in) >= g.nodes.size() || g.nodes[static_cast<std::size_t>(in)].op != Op::Input)
        throw BadNetwork{"graph " + std::to_string(gi) + ": an input is not an input neuron"};
      if (listed[static_cast<std::size_t>(in)]++) throw BadNetwork{"graph " + std::to_string(gi) + ": an input is listed twice"};
    }
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
      const Node& n = g.nodes[i];
      if (n.op == Op::Input && !listed[i]) bad_node(gi, i, "an input neuron that is not among the graph's inputs");
      for (int a : n.args)
        if (a < 0 || static_cast<std::size_t>(a) >= i) bad_node(gi, i, "argument out of order");
      const bool captures = n.op == Op::Iterate || n.op == Op::Abstract;
      if (captures ? n.args.size() < arity(n.op) : n.args.size() != arity(n.op))
        bad_node(gi, i, std::string(op_name(n.op)) + " takes " + std::to_string(arity(n.op)) + " arguments");
      if (!captures) {
        if (n.sub != -1) bad_node(gi, i, std::string(op_name(n.op)) + " has no subgraph");
        continue;
      }
      if (n.sub <= static_cast<int>(gi) || static_cast<std::size_t>(n.sub) >= net.graphs.size())
        bad_node(gi, i, "subgraph out of range");
      if (used_by[static_cast<std::size_t>(n.sub)] != -1) bad_node(gi, i, "subgraph used twice");
      used_by[static_cast<std::size_t>(n.sub)] = static_cast<int>(gi);
    }
  }
  for (std::size_t gi = 1; gi < net.graphs.size(); ++gi)
    if (used_by[gi] == -1) throw BadNetwork{"graph " + std::to_string(gi) + " is not used by any neuron"};
  // Every subgraph has been checked above (its indices are in range): its inputs can be counted.
  for (std::size_t gi = 0; gi < net.graphs.size(); ++gi)
    for (std::size_t i = 0; i < net.graphs[gi].nodes.size(); ++i) {
      const Node& n = net.graphs[gi].nodes[i];
      if ((n.op == Op::Iterate || n.op == Op::Abstract) &&
          net.graphs[static_cast<std::size_t>(n.sub)].inputs.size() != n.args.size() - arity(n.op) + 1)
        bad_node(gi, i, "captures do not match the subgraph's inputs");
    }
  if (net.graphs[0].inputs.size() != net.inputs.size()) throw BadNetwork{"inputs do not match graph 0"};
  std::set<std::string> names;
  for (const NetworkInput& in : net.inputs)
    if (!names.insert(in.name).second) throw BadNetwork{"two inputs are named `" + in.name + "`"};
  names.clear();
  for (const NetworkInput& p : net.params)
    if (!names.insert(p.name).second) throw BadNetwork{"two params are named `" + p.name + "`"};
}

// 2. Dimensions, on a network whose structure is valid: every neuron's dimension consistent with
//    its operation, arguments and subgraph; the network's inputs, output and params with their types.
void validate_dimensions(const Network& net) {
  const std::size_t nat = static_cast<std::size_t>(net.depth) + 1;
  for (std::size_t gi = 0; gi < net.graphs.size(); ++gi) {
    const Graph& g = net.graphs[gi];
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
      const Node& n = g.nodes[i];
      auto arg_dim = [&](std::size_t k) { return g.nodes[static_cast<std::size_t>(n.args[k])].dim; };
      if (n.dim == 0) bad_node(gi, i, "zero dimension");
      switch (n.op) {
        case Op::Input:
        case Op::Param: break;
        case Op::Const:
          if (static_cast<std::size_t>(n.value.size()) != n.dim) bad_node(gi, i, "constant of the wrong size");
          if (!n.value.allFinite()) bad_node(gi, i, "constant with a value that is not finite");
          break;
        case Op::Shift:
          if (n.dim != nat || arg_dim(0) != nat) bad_node(gi, i, "shift is not on naturals");
          break;
        case Op::Mix:
          if (arg_dim(0) != 2 || arg_dim(1) != n.dim || arg_dim(2) != n.dim) bad_node(gi, i, "mix dimensions");
          break;
        case Op::Apply:
          if (saturating_product(n.rows, n.cols) != arg_dim(0) || n.cols != arg_dim(1) || n.rows != n.dim) bad_node(gi, i, "apply dimensions");
          break;
        case Op::Iterate:
        case Op::Abstract: {
          const std::size_t fixed = arity(n.op);
          const Graph& s = net.graphs[static_cast<std::size_t>(n.sub)];
          for (std::size_t k = fixed; k < n.args.size(); ++k)
            if (s.nodes[static_cast<std::size_t>(s.inputs[k - fixed + 1])].dim != arg_dim(k))
              bad_node(gi, i, "capture dimension");
          std::size_t first_in = s.nodes[static_cast<std::size_t>(s.inputs[0])].dim;
          std::size_t out = s.nodes[static_cast<std::size_t>(s.output)].dim;
          if (n.op == Op::Iterate) {
            if (arg_dim(0) != n.dim || arg_dim(1) != nat || first_in != n.dim || out != n.dim)
              bad_node(gi, i, "iterate dimensions");
          } else if (first_in != n.cols || out != n.rows || n.dim != saturating_product(n.rows, n.cols)) {
            bad_node(gi, i, "abstract dimensions");
          }
          break;
        }
      }
    }
  }
  for (std::size_t k = 0; k < net.inputs.size(); ++k)
    if (dimension(*net.inputs[k].type, net.depth) != net.graphs[0].nodes[static_cast<std::size_t>(net.graphs[0].inputs[k])].dim)
      throw BadNetwork{"input " + net.inputs[k].name + " has the wrong dimension"};
  if (dimension(*net.output_type, net.depth) != net.graphs[0].nodes[static_cast<std::size_t>(net.graphs[0].output)].dim)
    throw BadNetwork{"the output has the wrong dimension"};
  for (const Graph& g : net.graphs)
    for (const Node& n : g.nodes)
      if (n.op == Op::Param) {
        bool known = false;
        for (const NetworkInput& p : net.params)
          if (p.name == n.name) known = p.type && dimension(*p.type, net.depth) == n.dim;
        if (!known) throw BadNetwork{"param neuron `" + n.name + "` does not match a declared param"};
      }
}

// The invariants the engine relies on: structure first, then dimensions.
void validate(const Network& net) {
  validate_structure(net);
  validate_dimensions(net);
}

}  // namespace

namespace {

// Typed fields: every number is checked to be a whole number in range before it is converted
// (a JSON number such as 1e300 or -1.5 where an index is expected is refused, never cast).
constexpr long long kMaxIndex = 1 << 30;
constexpr long long kMaxDimension = (1LL << 62);

long long whole(const nlohmann::json& j, const char* key, long long lo, long long hi,
                std::optional<long long> fallback = std::nullopt) {
  if (!j.is_object() || !j.contains(key)) {
    if (fallback) return *fallback;
    throw BadNetwork{std::string("missing \"") + key + "\""};
  }
  const nlohmann::json& v = j[key];
  const bool in_range = v.is_number_unsigned()  ? v.get<std::uint64_t>() <= static_cast<std::uint64_t>(hi)
                        : v.is_number_integer() ? v.get<long long>() >= lo && v.get<long long>() <= hi
                                                : false;
  if (!in_range || (v.is_number_unsigned() && static_cast<long long>(v.get<std::uint64_t>()) < lo))
    throw BadNetwork{std::string("\"") + key + "\" must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi)};
  return v.is_number_unsigned() ? static_cast<long long>(v.get<std::uint64_t>()) : v.get<long long>();
}

int index(const nlohmann::json& v, const char* what) {
  if (!(v.is_number_integer() && v.get<long long>() >= 0 && v.get<long long>() <= kMaxIndex))
    throw BadNetwork{std::string(what) + " must be a node number"};
  return static_cast<int>(v.get<long long>());
}

std::string text_field(const nlohmann::json& j, const char* key, std::optional<std::string> fallback = std::nullopt) {
  if (j.is_object() && j.contains(key) && j[key].is_string()) return j[key].get<std::string>();
  if (fallback && !(j.is_object() && j.contains(key))) return *fallback;
  throw BadNetwork{std::string("\"") + key + "\" must be a string"};
}

const nlohmann::json& list(const nlohmann::json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_array()) throw BadNetwork{std::string("\"") + key + "\" must be a list"};
  return j[key];
}

}  // namespace

Result<Network> network_from_json(const std::string& text, const std::string& name) {
  using json = nlohmann::json;
  auto fail = [&](const std::string& m) {
    return Result<Network>::failure(error_at(Span{}, name + ": not a valid Cajal network: " + m));
  };
  // The parsed document takes about 16 bytes per byte of text at most (numbers and lists).
  if (16.0 * static_cast<double>(text.size()) > static_cast<double>(memory_budget()))
    return fail(over_budget("reading " + bytes_text(static_cast<double>(text.size())) + " of JSON", 16.0 * static_cast<double>(text.size())));
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return fail("not JSON");
  try {
    if (!j.is_object()) return fail("not a JSON object");
    if (j.value("format", json()) != "cajal-network") return fail("missing \"format\": \"cajal-network\"");
    if (j.value("version", json()) != 1) return fail("unsupported version");
    Network net;
    std::vector<SourcePtr> keep;
    net.depth = static_cast<int>(whole(j, "depth", 0, 100000));
    net.output_type = read_type(text_field(j, "output_type"), keep);
    for (const auto& x : list(j, "inputs")) net.inputs.push_back({text_field(x, "name"), read_type(text_field(x, "type"), keep)});
    for (const auto& x : list(j, "params")) net.params.push_back({text_field(x, "name"), read_type(text_field(x, "type"), keep)});
    for (const auto& jg : list(j, "graphs")) {
      Graph g;
      for (const auto& k : list(jg, "inputs")) g.inputs.push_back(index(k, "an input"));
      g.output = static_cast<int>(whole(jg, "output", 0, kMaxIndex));
      for (const auto& jn : list(jg, "nodes")) {
        Node n;
        n.op = read_op(text_field(jn, "op"));
        n.dim = static_cast<std::size_t>(whole(jn, "dim", 0, kMaxDimension));
        n.rule = text_field(jn, "rule", "");
        if (jn.contains("args"))
          for (const auto& a : list(jn, "args")) n.args.push_back(index(a, "an argument"));
        n.name = text_field(jn, "name", "");
        if (n.op == Op::Const) {
          const json& v = list(jn, "value");
          n.value.resize(static_cast<Eigen::Index>(v.size()));
          for (std::size_t k = 0; k < v.size(); ++k) {
            if (!v[k].is_number()) throw BadNetwork{"a constant's value must be a list of numbers"};
            n.value[static_cast<Eigen::Index>(k)] = v[k].get<double>();
          }
        }
        n.rows = static_cast<std::size_t>(whole(jn, "rows", 0, kMaxDimension, 0));
        n.cols = static_cast<std::size_t>(whole(jn, "cols", 0, kMaxDimension, 0));
        n.sub = static_cast<int>(whole(jn, "sub", -1, kMaxIndex, -1));
        n.source = text_field(jn, "source", "");
        n.line = static_cast<std::uint32_t>(whole(jn, "line", 0, UINT32_MAX, 0));
        n.column = static_cast<std::uint32_t>(whole(jn, "column", 0, UINT32_MAX, 0));
        g.nodes.push_back(std::move(n));
      }
      net.graphs.push_back(std::move(g));
    }
    validate(net);
    // Every neuron's value is a dim-vector per batch column: refuse a network whose neurons
    // alone pass the memory budget, before anything is run or proved on it.
    double numbers = 0;
    for (const Graph& g : net.graphs)
      for (const Node& n : g.nodes) numbers += static_cast<double>(n.dim);
    if (8 * numbers > static_cast<double>(memory_budget())) return fail(over_budget("its neurons' values", 8 * numbers));
    return Result<Network>::success(std::move(net));
  } catch (const BadNetwork& e) {
    return fail(e.message);
  } catch (const json::exception& e) {
    return fail(e.what());
  }
}

}  // namespace cajal
