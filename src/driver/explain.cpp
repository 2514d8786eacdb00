// `cajal explain`: the page about one program (include/cajal/driver/explain.hpp).
#include "cajal/driver/explain.hpp"

#include <cstdio>

#include "cajal/compile/compile.hpp"
#include "cajal/draw/draw.hpp"
#include "cajal/syntax/print.hpp"
#include "cajal/syntax/prooftree.hpp"
#include "cajal/typecheck/typecheck.hpp"

namespace cajal {

namespace {

Diagnostic plain_error(std::string message) { return error_at(Span{}, std::move(message)); }

// The page's style and behaviour: no external resource, nothing fetched.
constexpr const char* kStyle = R"(
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0 auto;
       max-width: 1100px; padding: 1.5em; color: #111827; line-height: 1.45; }
h1 { font-size: 1.5em; margin-bottom: .2em; } h2 { font-size: 1.15em; margin-top: 1.8em;
     border-bottom: 1px solid #e5e7eb; padding-bottom: .2em; }
code, pre, .judgement { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .9em; }
pre.source { background: #f9fafb; border: 1px solid #e5e7eb; padding: .8em; overflow-x: auto; counter-reset: line; }
pre.source span.line { display: block; } pre.source span.line::before { counter-increment: line;
     content: counter(line); display: inline-block; width: 2.5em; color: #9ca3af; }
details { margin-left: 1.2em; } details > summary { cursor: pointer; } .leaf { margin-left: 2.4em; }
.rule { color: #7c2d12; font-weight: 600; font-size: .85em; } .omitted { color: #6b7280; font-style: italic; }
.tree { overflow-x: auto; } .figure { overflow-x: auto; border: 1px solid #e5e7eb; padding: .5em; }
.verdict { font-weight: 700; } .proved { color: #15803d; } .refuted { color: #b91c1c; } .unknown { color: #a16207; }
.note { color: #4b5563; } table.cx td { padding: .1em .8em .1em 0; font-family: ui-monospace, monospace; }
button { font-size: .85em; margin-right: .5em; }
)";

constexpr const char* kScript = R"(
document.querySelectorAll('button[data-toggle]').forEach(function (b) {
  b.addEventListener('click', function () {
    var open = b.getAttribute('data-open') === '1';
    document.querySelectorAll('#' + b.getAttribute('data-toggle') + ' details').forEach(function (d) { d.open = open; });
  });
});
document.body.setAttribute('data-ready', '1');
)";

std::string section(const std::string& id, const std::string& title, const std::string& body) {
  return "<section id=\"" + id + "\">\n<h2>" + html_escape(title) + "</h2>\n" + body + "</section>\n";
}
std::string note(const std::string& text) { return "<p class=\"note\">" + html_escape(text) + "</p>\n"; }
std::string failure_note(const std::vector<Diagnostic>& ds) {
  return note(ds.empty() ? std::string("(no message)") : ds.front().message);
}
std::string toggles(const std::string& id) {
  return "<p><button data-toggle=\"" + id + "\" data-open=\"1\">expand all</button><button data-toggle=\"" + id +
         "\" data-open=\"0\">collapse all</button></p>\n";
}

std::string source_section(const Source& source) {
  std::string body = "<pre class=\"source\">";
  const std::string& text = source.text();
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    body += "<span class=\"line\">" + html_escape(std::string_view(text).substr(start, end - start)) + "</span>";
    start = end + 1;
  }
  return section("source", "Source", body + "</pre>\n");
}

std::string derivation_section(const LoadedProgram& loaded) {
  Result<CheckedProgram> checked = check_program(loaded.program, CheckOptions{true});
  if (!checked) return section("derivation", "Typing derivations", failure_note(checked.diagnostics));
  std::string body = note("Each def's typing derivation, rule by rule (spec/typing.md): Δ ⊢ t : A, where Δ is "
                          "the linear context the term consumes. Click a judgement to fold its premises.") +
                     toggles("derivation-trees") + "<div id=\"derivation-trees\" class=\"tree\">\n";
  for (const std::string& name : checked->def_order) {
    auto it = checked->derivations.find(name);
    if (it == checked->derivations.end()) continue;
    body += "<h3><code>def " + html_escape(name) + " : " + html_escape(print_type(it->second.type)) + "</code></h3>\n" +
            render_tree_html(derivation_tree(it->second), name == "main" ? 2 : 0);
  }
  return section("derivation", "Typing derivations", body + "</div>\n");
}

std::string trace_section(const LoadedProgram& loaded, const ExplainRequest& request, std::string& value_text) {
  RunRequest run = request.run;
  Trace trace;
  trace.limit = request.trace_limit;
  run.eval.trace = &trace;
  Result<RunResult> r = run_main(loaded, run);
  std::string what = request.run.entry;
  for (const SourcePtr& a : request.run.args) what += " " + a->text();
  std::string body = note("The big-step derivation of " + what + " (spec/semantics.md §3): each step ρ ⊢ t ⇓ v with ρ "
                          "shown on the term's free variables.") +
                     toggles("trace-trees") + "<div id=\"trace-trees\" class=\"tree\">\n";
  if (request.run.args.empty() && r && r->type && r->type->is_arrow())
    body += note("No arguments were given, so the run stops at main's value, a function: give them with --arg to "
                 "watch main compute.");
  for (const TraceStep& s : trace.roots) body += render_tree_html(trace_tree(s), 1);
  if (trace.omitted) body += note("… " + std::to_string(trace.omitted) + " more steps not recorded.");
  body += "</div>\n";
  if (r) {
    value_text = r->text;
    body += "<p>value: <code>" + html_escape(r->text) + "</code> : <code>" + html_escape(print_type(r->type)) + "</code></p>\n";
  } else {
    body += failure_note(r.diagnostics);
  }
  return section("trace", "Evaluation", body);
}

std::string network_section(const LoadedProgram& loaded, const ExplainRequest& request) {
  CompileOptions options;
  options.depth = request.run.depth;
  options.entry = request.run.entry;
  Result<Network> net = compile_program(loaded, options);
  if (!net) return section("network", "The network", failure_note(net.diagnostics));
  std::string body = note("The neurons the compiler built at depth D = " + std::to_string(request.run.depth) + " (" +
                          std::to_string(net->node_count()) + " neurons; spec/denotation.md): each box is a neuron "
                          "with its rule and source text; dashed boxes are the step of a recurrent neuron or the body "
                          "of a materialized function; edges carry the dimension of the vector they hold.");
  Result<std::string> svg = network_svg(*net);
  if (!svg) return section("network", "The network", body + failure_note(svg.diagnostics));
  std::string picture = *svg;
  if (std::size_t at = picture.find("<svg"); at != std::string::npos) picture = picture.substr(at);  // drop the XML prolog
  return section("network", "The network", body + "<div class=\"figure\">\n" + picture + "</div>\n");
}

std::string tensor_section(const LoadedProgram& loaded, const ExplainRequest& request) {
  RunRequest params_only = request.run;
  params_only.args.clear();
  params_only.eval.trace = nullptr;
  Result<Materialized> m = materialize_main(loaded, params_only);
  if (!m) {
    const std::string& why = m.diagnostics.empty() ? std::string() : m.diagnostics.front().message;
    const bool param = why.find("has no value") != std::string::npos && why.find("--param") == std::string::npos;
    return section("tensor", "main's tensor",
                   failure_note(m.diagnostics) +
                       (param ? note("main's tensor needs a value for every param: give them with --param NAME=TERM.") : ""));
  }
  const Type& type = *m->type;
  const int depth = request.run.depth;
  Eigen::MatrixXd shown;
  std::vector<std::string> rows, cols;
  std::string caption;
  if (type.is_arrow()) {
    const auto r = static_cast<Eigen::Index>(dimension(*type.to, depth)), c = static_cast<Eigen::Index>(dimension(*type.from, depth));
    shown = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(m->tensor.data(), r, c);
    rows = basis_labels(*type.to, depth);
    cols = basis_labels(*type.from, depth);
    caption = "rows: the result (" + print_type(type.to) + "), columns: the argument (" + print_type(type.from) + ")";
  } else {
    shown = m->tensor;
    rows = basis_labels(type, depth);
    cols = {"value"};
    caption = "the encoding of main's value (" + print_type(type) + ")";
  }
  std::string body = note("main : " + print_type(type) + " as one tensor at D = " + std::to_string(depth) +
                          ": column j is the image of basis vector j (hover a cell for its value).");
  if (m->mass_lost > 1e-9) body += note("Some columns lost mass past D: their results need naturals above " + std::to_string(depth) + ".");
  return section("tensor", "main's tensor", body + "<div class=\"figure\">\n" + heatmap_svg(shown, rows, cols, caption) + "</div>\n");
}

std::string proof_section(const LoadedProgram& loaded, const ExplainRequest& request) {
  ProveOptions options = request.prove;
  options.depth = request.run.depth;
  if (options.depth > kMaxProveDepth)
    return section("proof", "Is the network right?",
                   note("prove goes up to D = " + std::to_string(kMaxProveDepth) + "; this page is at D = " +
                        std::to_string(options.depth) + "."));
  Result<ProveResult> r = prove_program(loaded, options);
  if (!r) return section("proof", "Is the network right?", failure_note(r.diagnostics));
  const char* verdict = verdict_name(r->verdict);
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.2f", r->seconds);
  std::string body = note("Translation validation (cajal prove): Z3 checks that the network computes the program on "
                          "every input within D = " + std::to_string(r->depth) + ".") +
                     "<p>verdict: <span class=\"verdict " + verdict + "\">" + verdict + "</span> at depth " +
                     std::to_string(r->depth) + " (" + seconds + " s)" +
                     (r->verdict == ProveResult::Verdict::Unknown ? ": " + html_escape(r->reason) : std::string()) + "</p>\n";
  if (r->verdict == ProveResult::Verdict::Refuted) {
    body += "<table class=\"cx\">\n";
    for (const auto& [name, value] : r->inputs)
      body += "<tr><td>" + html_escape(name) + " =</td><td>" + html_escape(value) + "</td></tr>\n";
    body += "<tr><td>the program's value</td><td>" + html_escape(r->interpreter_value) + "</td></tr>\n";
    body += "<tr><td>the network's output</td><td>" + html_escape(r->network_value) + "</td></tr>\n";
    if (!r->first_disagreement.empty())
      body += "<tr><td>first disagreeing subterm</td><td>" + html_escape(r->first_disagreement) + "</td></tr>\n";
    body += "</table>\n";
  }
  for (const std::string& w : r->warnings) body += note("warning: " + w);
  return section("proof", "Is the network right?", body);
}

}  // namespace

std::vector<std::string> basis_labels(const Type& type, int depth) {
  std::vector<std::string> out;
  const std::size_t n = dimension(type, depth);
  if (type.kind == Type::Kind::Bool) return {"true", "false"};
  for (std::size_t j = 0; j < n && j < 4096; ++j) {
    if (type.kind == Type::Kind::Nat) out.push_back(std::to_string(j));
    else if (type.is_arrow()) out.push_back("e_" + std::to_string(j));
    else out.push_back("x" + std::to_string(j));
  }
  return out;
}

Result<std::string> explain_html(const LoadedProgram& loaded, const ExplainRequest& request) {
  using R = Result<std::string>;
  if (loaded.program.sources.empty()) return R::failure(plain_error("explain needs a program read from a source"));
  const Source& source = *loaded.program.sources.front();
  const Def* entry = loaded.program.find_def(request.run.entry);
  if (!entry) return R::failure(plain_error("the program has no def `" + request.run.entry + "`"));
  std::string title = request.title.empty() ? source.name() : request.title;
  std::string value_text;
  std::string page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<title>" + html_escape(title) + " — cajal explain</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  const Global* main_type = loaded.checked.globals.find(request.run.entry);
  page += "<h1><code>" + html_escape(title) + "</code></h1>\n<p class=\"note\">Written by <code>cajal explain</code>: "
          "<code>" + html_escape(request.run.entry) + " : " +
          html_escape(main_type ? print_type(main_type->type) : std::string("?")) +
          "</code>, depth D = " + std::to_string(request.run.depth) + ".</p>\n";
  page += source_section(source);
  page += derivation_section(loaded);
  page += trace_section(loaded, request, value_text);
  page += network_section(loaded, request);
  page += tensor_section(loaded, request);
  page += proof_section(loaded, request);
  page += std::string("<script>") + kScript + "</script>\n</body>\n</html>\n";
  return R::success(std::move(page));
}

}  // namespace cajal
