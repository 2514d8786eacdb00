#include "cajal/testing/oracle.hpp"

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "cajal/network/encode.hpp"
#include "cajal/network/engine.hpp"
#include "cajal/syntax/print.hpp"
#include "cajal/typecheck/typecheck.hpp"

namespace cajal::testing {

namespace {

Verdict fail(std::string message, int depth = -1) {
  Verdict v;
  v.ok = false;
  v.failure = std::move(message);
  v.failing_depth = depth;
  return v;
}

bool resource_limit(const std::vector<Diagnostic>& ds) {
  const std::string& m = ds.front().message;
  return m.find("budget exceeded") != std::string::npos || m.find("overflow") != std::string::npos ||
         m.find("nested too deeply") != std::string::npos;
}


Verdict skipped_verdict() {
  Verdict v;
  v.skipped = true;
  return v;
}

// The largest numeral in the program: below it a depth cannot compile it (C-Num rejects it).
// Table keys do not count: C-Table drops the columns past D.
std::uint64_t largest_numeral_in(const Program& program) {
  std::vector<const Term*> todo;
  for (const Decl& d : program.decls)
    if (const Def* def = std::get_if<Def>(&d)) todo.push_back(def->body.get());
  std::uint64_t largest = 0;
  while (!todo.empty()) {
    const Term& t = *todo.back();
    todo.pop_back();
    if (const NatLit* n = t.as<NatLit>()) {
      largest = std::max(largest, n->value);
    } else if (const Table* table = t.as<Table>()) {
      for (const TableEntry& e : table->entries) todo.push_back(e.value.get());  // not its keys
    } else {
      append_children(t, todo);
    }
  }
  return largest;
}

}  // namespace

// (Long on purpose: the oracle is one sequence of checks, interpreter then each depth, each step
// returning its own failure; split, the order of the checks would no longer be visible.)
Verdict cross_check(const Case& c, const OracleOptions& options) {
  const Program& program = c.program.program;
  Result<CheckedProgram> checked = check_program(program);
  if (!checked) return fail("the generated program does not type-check: " + checked.diagnostics.front().message);
  LoadedProgram loaded{program, std::move(*checked)};
  // The loaded copy shares the AST nodes, so its type table (keyed by node) describes `program` too.

  // Values of the params and arguments, from a separate run: the naturals met while computing
  // them are not the network's concern, only the values are.
  Program empty;
  Evaluator values(empty, {}, options.eval);
  std::map<std::string, ValuePtr> params;
  for (const auto& [name, term] : c.program.param_values) {
    Result<ValuePtr> v = values.eval(*term);
    if (!v) return resource_limit(v.diagnostics) ? skipped_verdict() : fail(v.diagnostics.front().message);
    params.emplace(name, *v);
  }
  std::vector<ValuePtr> args;
  for (const TermPtr& a : c.args) {
    Result<ValuePtr> v = values.eval(*a);
    if (!v) return resource_limit(v.diagnostics) ? skipped_verdict() : fail(v.diagnostics.front().message);
    args.push_back(*v);
  }

  // The interpreter: main applied to the arguments.
  Evaluator interpreter(loaded.program, params, options.eval);
  for (const ValuePtr& a : args) interpreter.mark_opaque(a);  // inputs reach the network as tables
  for (const auto& [name, v] : params) interpreter.mark_opaque(v);
  Result<ValuePtr> result = interpreter.def_value("main");
  for (std::size_t i = 0; result && i < args.size(); ++i) result = interpreter.apply(*result, args[i]);
  // A table applied past its keys (E-AppTable has no rule there) needed a natural above every
  // depth the oracle tries (generated tables on Nat list 0..9): each depth must report lost mass.
  const bool table_miss = !result && result.diagnostics.front().code == "eval.table-miss";
  if (!result && !table_miss) {
    if (resource_limit(result.diagnostics)) return skipped_verdict();
    return fail("the interpreter failed: " + result.diagnostics.front().message);
  }
  TypePtr result_type = c.program.main_type;
  for (std::size_t i = 0; i < args.size(); ++i) result_type = result_type->to;
  const std::uint64_t main_naturals = interpreter.max_natural();

  const std::uint64_t largest_numeral = largest_numeral_in(program);

  // The interpreter's value as a vector at each depth (a function's table applies it to every
  // argument ≤ D, and the naturals met there count too), and the inputs': each application is
  // made once for all depths (Tabulation), and counted at each depth that uses it. (One
  // evaluator for all depths: its step budget covers their tabulations together; for functions
  // on Bool and Nat that is about what the deepest needs alone, since the shallower depths'
  // applications are among its own.)
  Evaluator table(loaded.program, params, options.eval);
  for (const ValuePtr& a : args) table.mark_opaque(a);
  for (const auto& [name, v] : params) table.mark_opaque(v);
  Tabulation expected_tables(table), input_tables(values);

  Verdict verdict;
  for (int depth : options.depths) {
    if (largest_numeral > static_cast<std::uint64_t>(depth)) continue;  // outside this depth
    CompileOptions compile;
    compile.depth = depth;
    compile.inputs = args.size();
    compile.annotate = false;
    compile.max_bytes = static_cast<std::uint64_t>(8 * options.max_network_work);
    Result<Network> net = compile_program(loaded, compile);
    if (!net) {
      // A numeral above the depth is a compile-time rejection: the program is outside this depth.
      if (net.diagnostics.front().message.find("exceeds the depth") != std::string::npos) continue;
      if (is_over_budget(net.diagnostics.front())) {  // larger than any network the oracle runs
        ++verdict.too_large;
        continue;
      }
      return fail("the compiler failed: " + net.diagnostics.front().message, depth);
    }
    apply_mutant(*net, options.mutant);
    if (net->work() > options.max_network_work) {
      ++verdict.too_large;
      continue;
    }
    // Encode the inputs; an input that does not fit is outside this depth.
    NetworkArgs inputs;
    bool fits = true;
    for (std::size_t i = 0; i < args.size() && fits; ++i) {
      Result<Eigen::VectorXd> x = input_tables.encode(args[i], *c.arg_types[i], depth);
      fits = x.ok();
      if (fits) inputs.inputs.push_back(*x);
    }
    for (const auto& [name, v] : params) {
      if (!fits) break;
      Result<Eigen::VectorXd> x = input_tables.encode(v, *program.find_param(name)->type, depth);
      fits = x.ok();
      if (fits) inputs.params.emplace(name, *x);
    }
    if (!fits) continue;
    Result<NetworkRun> run = run_network(*net, inputs);
    if (!run) return fail("the engine failed: " + run.diagnostics.front().message, depth);
    Eigen::VectorXd output = run->output.col(0);

    Result<Eigen::VectorXd> expected = table_miss ? Result<Eigen::VectorXd>::failure(result.diagnostics)
                                                  : expected_tables.encode(*result, *result_type, depth);
    std::uint64_t needed = table_miss ? UINT64_MAX : std::max(main_naturals, expected_tables.largest_natural());
    bool within = expected.ok() && needed <= static_cast<std::uint64_t>(depth);
    // (Tabulating a function result may apply an input table past its keys: a natural above D.)
    if (!expected.ok() && !table_miss && expected.diagnostics.front().code != "eval.table-miss" &&
        !expected.diagnostics.front().message.starts_with("the natural") && !resource_limit(expected.diagnostics))
      return fail("the interpreter's value cannot be encoded: " + expected.diagnostics.front().message, depth);
    if (within) {
      if (output != *expected)
        return fail("at depth " + std::to_string(depth) + " the network gives " + spaced_text(output) +
                        " but the interpreter's value " + print_term(*interpreter.readback(*result).value) +
                        " encodes as " + spaced_text(*expected),
                    depth);
      ++verdict.depths_checked;
    } else {
      if (run->mass_lost.cwiseAbs().maxCoeff() <= 1e-9)
        return fail("at depth " + std::to_string(depth) + " the run needs naturals up to " + std::to_string(needed) +
                        " but the engine reported no lost mass (output " + spaced_text(output) + ")",
                    depth);
      ++verdict.overflows_seen;
    }
  }
  return verdict;
}

std::string reproduction(const Case& c, int depth, const std::string& file_name, Mutant mutant) {
  std::string args;
  for (const TermPtr& a : c.args) args += " --arg '" + print_term(*a) + "'";
  std::string params;
  for (const auto& [name, value] : c.program.param_values) params += " --param '" + name + "=" + print_term(*value) + "'";
  std::string out = "-- A case where the compiled network and the interpreter disagree (found by cajal fuzz).\n";
  out += "-- The interpreter:   cajal run " + file_name + args + params + "\n";
  out += "-- The network:       cajal run " + file_name + args + params + " --engine network --depth " +
         std::to_string(depth) + (mutant != Mutant::None ? std::string(" --mutant ") + mutant_name(mutant) : "") + "\n";
  out += "-- The network's tensor: cajal compile " + file_name + params + " --depth " + std::to_string(depth) + " --show\n\n";
  return out + format_program(c.program.program);
}

std::vector<std::string> construct_tags(const Program& program) {
  Result<CheckedProgram> checked = check_program(program);
  std::vector<std::string> tags;
  if (!checked) return tags;
  auto kind = [](const TypePtr& t) -> std::string {
    if (!t) return "?";
    if (!t->is_arrow()) return t->kind == Type::Kind::Bool ? "Bool" : "Nat";
    return t->from->is_arrow() || t->to->is_arrow() ? "higher-order" : "function";
  };
  std::set<std::string> seen;
  for_each_subterm(program, [&](const Term& term) {
    const Term* t = &term;
    TypePtr type = checked->types.of(*t);
    std::string name;
    if (const Var* v = t->as<Var>()) name = program.find_param(v->name) ? "param" : program.find_def(v->name) ? "def" : "var";
    if (t->is<Lam>()) name = "fun";
    if (const App* a = t->as<App>()) name = a->fn->is<Var>() ? "apply-variable" : a->fn->is<Lam>() ? "apply-fun" : "apply";
    if (t->is<If>()) name = "if";
    if (t->is<Let>()) name = "let";
    if (t->is<Succ>()) name = "succ";
    if (t->is<NatLit>()) name = "numeral";
    if (t->is<BoolLit>()) name = "bool";
    if (t->is<Table>()) name = "table";
    if (const Iter* it = t->as<Iter>()) {
      name = "iter";
      std::vector<const Term*> step{it->step.get()};
      while (!step.empty()) {  // params used inside an iteration step
        const Term* s = step.back();
        step.pop_back();
        if (const Var* v = s->as<Var>(); v && program.find_param(v->name)) seen.insert("param inside iter step");
        append_children(*s, step);
      }
    }
    seen.insert(name + " : " + kind(type));
  });
  tags.assign(seen.begin(), seen.end());
  return tags;
}


}  // namespace cajal::testing

namespace cajal::testing {

std::vector<int> fuzz_depths(int max_depth) {
  std::vector<int> depths;
  for (int d : {1, (max_depth + 2) / 3, (2 * max_depth + 2) / 3, max_depth})
    if (d >= 1 && (depths.empty() || depths.back() < d)) depths.push_back(d);
  if (depths.empty()) depths.push_back(std::max(max_depth, 0));
  return depths;
}

namespace {

std::uint64_t mix(std::uint64_t seed, std::uint64_t i) {  // splitmix64 of the pair
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (i + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Drops the params and defs that main does not mention (directly or through the defs it uses):
// they cannot change its value, and a counterexample reads better without them.
Case without_unused_globals(Case c) {
  std::set<std::string> used;
  std::vector<const Term*> todo;
  Program& program = c.program.program;
  if (const Def* main = program.find_def("main")) todo.push_back(main->body.get());
  while (!todo.empty()) {
    const Term* t = todo.back();
    todo.pop_back();
    if (const Var* v = t->as<Var>(); v && used.insert(v->name).second)
      if (const Def* d = program.find_def(v->name); d && v->name != "main") todo.push_back(d->body.get());
    append_children(*t, todo);
  }
  std::vector<Decl> kept;
  for (Decl& d : program.decls)
    if (decl_name(d) == "main" || used.count(decl_name(d))) kept.push_back(std::move(d));
  program.decls = std::move(kept);
  std::erase_if(c.program.param_values, [&](const auto& p) { return !used.count(p.first); });
  return c;
}

// Greedy shrinking over the recorded choices.
std::pair<Case, std::size_t> shrink(std::vector<int> choices, int size, const OracleOptions& oracle) {
  auto build = [&](const std::vector<int>& cs, int sz) {
    RecordedChoices replay(cs);
    return make_case(replay, sz);
  };
  auto fails = [&](const std::vector<int>& cs, int sz) { return !cross_check(build(cs, sz), oracle).ok; };
  std::size_t steps = 0, attempts = 0;
  bool improved = true;
  while (improved && attempts < 4000) {
    improved = false;
    for (int sz : {size / 2, size - 1}) {  // a smaller size first
      if (sz >= 0 && sz < size && ++attempts && fails(choices, sz)) {
        size = sz;
        ++steps;
        improved = true;
        break;
      }
    }
    for (std::size_t cut = choices.size() / 2; cut > 0 && !improved; cut /= 2) {  // drop the tail
      std::vector<int> shorter(choices.begin(), choices.end() - static_cast<long>(cut));
      if (++attempts && fails(shorter, size)) {
        choices = std::move(shorter);
        ++steps;
        improved = true;
      }
    }
    for (std::size_t p = 0; p < choices.size() && attempts < 4000; ++p) {
      for (int v : {0, choices[p] / 2, choices[p] - 1}) {
        if (v < 0 || v >= choices[p]) continue;
        std::vector<int> smaller = choices;
        smaller[p] = v;
        if (++attempts && fails(smaller, size)) {
          choices = std::move(smaller);
          ++steps;
          improved = true;
          break;
        }
      }
    }
  }
  return {build(choices, size), steps};
}

}  // namespace

Case campaign_case(const FuzzOptions& options, std::uint64_t i) {
  SplitMix64 random(mix(options.seed, i));
  RecordedChoices choices(random);
  return make_case(choices, static_cast<int>(i % static_cast<std::uint64_t>(options.max_size + 1)));
}

namespace {

// One program's outcome, as the ordered fold needs it.
struct Outcome {
  std::uint64_t index = 0;
  Verdict verdict;
  double seconds = 0;
  std::vector<int> choices;  // recorded, for shrinking (only kept for a failure)
  int size = 0;
};

// A block of consecutive programs of the shard, checked by one thread.
constexpr std::uint64_t kBlock = 32;

// Runs `body` on `threads` threads at once (this one among them), each with a 256 MiB stack as the
// `cajal` tool's own thread has (the library bounds its recursion; the caller gives it room). An
// exception on any thread is rethrown here once all have finished.
void on_threads(unsigned threads, const std::function<void()>& body) {
  struct Worker {
    const std::function<void()>* body;
    std::exception_ptr error;
    pthread_t thread{};
    bool started = false;
  };
  auto run = [](void* p) -> void* {
    auto* w = static_cast<Worker*>(p);
    try {
      (*w->body)();
    } catch (...) {
      w->error = std::current_exception();
    }
    return nullptr;
  };
  std::vector<Worker> workers(threads > 1 ? threads - 1 : 0);
  pthread_attr_t attr;
  const bool large = pthread_attr_init(&attr) == 0 && pthread_attr_setstacksize(&attr, std::size_t{256} << 20) == 0;
  for (Worker& w : workers) {
    w.body = &body;
    w.started = pthread_create(&w.thread, large ? &attr : nullptr, run, &w) == 0;
  }
  if (large) pthread_attr_destroy(&attr);
  Worker self{&body, nullptr, {}, true};
  run(&self);
  for (Worker& w : workers)
    if (w.started) pthread_join(w.thread, nullptr);
  if (self.error) std::rethrow_exception(self.error);
  for (Worker& w : workers)
    if (w.error) std::rethrow_exception(w.error);
}

// Runs `work(i)` on `jobs` threads for i in [0, n), each thread taking the next i.
void in_parallel(unsigned jobs, std::size_t n, const std::function<void(std::size_t)>& work) {
  std::atomic<std::size_t> next{0};
  on_threads(static_cast<unsigned>(std::min<std::size_t>(jobs, n)), [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < n;) work(i);
  });
}

}  // namespace

FuzzFailureFile failure_file(const FuzzOptions& options, const FuzzFailure& failure) {
  FuzzFailureFile out;
  out.name = "failure-" + std::to_string(options.seed) + "-" + std::to_string(failure.index) + ".cj";
  out.depth = failure.verdict.failing_depth >= 0 ? failure.verdict.failing_depth : options.max_depth;
  out.text = reproduction(failure.shrunk, out.depth, out.name, options.mutant);
  return out;
}

FuzzReport fuzz(const FuzzOptions& options, const std::function<void(const FuzzFailure&)>& on_failure) {
  OracleOptions oracle;
  oracle.depths = fuzz_depths(options.max_depth);
  oracle.mutant = options.mutant;
  const std::uint64_t shards = std::max<std::uint64_t>(options.shards, 1);
  // The shard's programs are positions p = 0, 1, ...: program shard + p · shards.
  const std::uint64_t positions = options.shard < options.count ? (options.count - options.shard - 1) / shards + 1 : 0;
  const std::uint64_t blocks = (positions + kBlock - 1) / kBlock;
  auto check_block = [&](std::uint64_t b) {
    std::vector<Outcome> out;
    for (std::uint64_t p = b * kBlock; p < std::min(positions, (b + 1) * kBlock); ++p) {
      Outcome o;
      o.index = options.shard + p * shards;
      auto program_start = std::chrono::steady_clock::now();
      SplitMix64 random(mix(options.seed, o.index));
      RecordedChoices choices(random);
      o.size = static_cast<int>(o.index % static_cast<std::uint64_t>(options.max_size + 1));
      o.verdict = cross_check(make_case(choices, o.size), oracle);
      o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - program_start).count();
      if (!o.verdict.ok) o.choices = choices.choices();
      out.push_back(std::move(o));
    }
    return out;
  };

  // Blocks finish out of order; they are folded into the report in order, so the report and
  // the stopping point are those of a serial run.
  FuzzReport report;
  if (options.record_programs) report.programs.reserve(static_cast<std::size_t>(positions));
  std::vector<Outcome> failing;
  std::mutex mutex;
  std::map<std::uint64_t, std::vector<Outcome>> finished;
  std::uint64_t next_to_fold = 0;
  std::atomic<std::uint64_t> next_block{0};
  std::atomic<bool> stop{false};
  auto fold = [&](const Outcome& o) {
    if (o.seconds > report.slowest_seconds) {
      report.slowest_seconds = o.seconds;
      report.slowest_index = o.index;
    }
    ++report.checked;
    report.skipped += o.verdict.skipped;
    report.compared += o.verdict.depths_checked > 0;
    report.overflows += o.verdict.overflows_seen > 0;
    report.too_large += o.verdict.too_large > 0;
    if (!o.verdict.ok) failing.push_back(o);
    if (options.record_programs) {
      auto small = [](std::size_t n) { return static_cast<std::uint8_t>(std::min<std::size_t>(n, 255)); };
      ProgramOutcome p;
      p.index = o.index;
      p.seconds = static_cast<float>(o.seconds);
      p.compared = small(o.verdict.depths_checked);
      p.overflows = small(o.verdict.overflows_seen);
      p.too_large = small(o.verdict.too_large);
      p.skipped = o.verdict.skipped;
      p.failed = !o.verdict.ok;
      report.programs.push_back(p);
    }
  };
  auto worker = [&] {
    for (std::uint64_t b; !stop.load() && (b = next_block.fetch_add(1)) < blocks;) {
      std::vector<Outcome> done = check_block(b);
      std::lock_guard<std::mutex> lock(mutex);
      finished.emplace(b, std::move(done));
      for (auto it = finished.find(next_to_fold); it != finished.end() && !stop; it = finished.find(next_to_fold)) {
        for (const Outcome& o : it->second) {
          fold(o);
          if (failing.size() >= options.max_failures) {
            stop = true;
            report.stopped_early = report.checked < positions;
            break;
          }
        }
        finished.erase(it);
        ++next_to_fold;
      }
    }
  };
  auto start = std::chrono::steady_clock::now();
  const unsigned jobs = std::max(1u, options.jobs);
  // A worker that throws stops the others at their next block; the exception is rethrown.
  on_threads(static_cast<unsigned>(std::min<std::uint64_t>(jobs, std::max<std::uint64_t>(blocks, 1))), [&] {
    try {
      worker();
    } catch (...) {
      stop = true;
      throw;
    }
  });

  // Shrinking, in parallel; the failures are reported in program order.
  std::vector<FuzzFailure> failures(failing.size());
  in_parallel(jobs, failing.size(), [&](std::size_t k) {
    const Outcome& o = failing[k];
    auto [small, steps] = shrink(o.choices, o.size, oracle);
    if (Case pruned = without_unused_globals(small); !cross_check(pruned, oracle).ok) small = std::move(pruned);
    Verdict v = cross_check(small, oracle);
    failures[k] = FuzzFailure{o.index, std::move(small), std::move(v), steps};
    if (failures[k].verdict.ok) {  // (cannot happen: shrinking keeps failures)
      SplitMix64 random(mix(options.seed, o.index));
      RecordedChoices choices(random);
      failures[k] = FuzzFailure{o.index, make_case(choices, o.size), o.verdict, 0};
    }
  });
  for (FuzzFailure& f : failures) {
    if (on_failure) on_failure(f);
    report.failures.push_back(std::move(f));
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace cajal::testing
