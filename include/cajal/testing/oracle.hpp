// The test oracle: the reference interpreter against the neuron compiler on random programs.
//
// A Case is a generated program whose `main` takes its inputs as leading `fun` binders, with a
// value for every input and param. cross_check runs the interpreter once and the compiled network
// at several depths, and demands that the network's output is bit for bit the encoding of the
// interpreter's value whenever the run stays within the depth, and that the engine reports lost
// mass whenever it does not. Used by tests/property and by `cajal fuzz`.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cajal/compile/compile.hpp"
#include "cajal/testing/mutant.hpp"
#include "cajal/eval/eval.hpp"
#include "cajal/testing/generators.hpp"

namespace cajal::testing {

struct Case {
  GeneratedProgram program;            // main = fun x1 : A1 => ... => body
  std::vector<TermPtr> args;           // a closed value term per input
  std::vector<TypePtr> arg_types;
};

// Types whose values the interpreter can encode: Bool, Nat, and functions from Bool or Nat to such.
TypePtr make_encodable_type(Choices& ch, int depth = 2);

// A program with 0 to 3 inputs of encodable types, an encodable result, params and defs.
Case make_case(Choices& ch, int size);

struct OracleOptions {
  std::vector<int> depths{2, 5, 9};
  Mutant mutant = Mutant::None;
  EvalOptions eval{200'000, 4'000};
  // Networks whose estimated work (Network::work) exceeds this are not run at that depth, as the
  // interpreter's step budget bounds its side: a few random programs have types whose tensors
  // are huge at the larger depths (e.g. (Nat -o Nat) -o (Nat -o Nat) -o Bool at D = 9).
  double max_network_work = 2e6;
};

struct Verdict {
  bool ok = true;
  std::string failure;             // what went wrong, with the depth
  int failing_depth = -1;
  std::size_t depths_checked = 0;  // depths where the run stayed within D and outputs were compared
  std::size_t overflows_seen = 0;  // depths where the engine (rightly) reported lost mass
  std::size_t too_large = 0;       // depths skipped because the network exceeded max_network_work
  bool skipped = false;            // the interpreter hit a resource limit: nothing to compare
};

Verdict cross_check(const Case& c, const OracleOptions& options = {});

// The case as a `.cj` file whose header comments give the commands that reproduce it.
std::string reproduction(const Case& c, int depth, const std::string& file_name, Mutant mutant = Mutant::None);

// RapidCheck tags for the distribution report: each construct with the kind of its type.
std::vector<std::string> construct_tags(const Program& program);

}  // namespace cajal::testing

namespace cajal::testing {

// ---- campaigns (`cajal fuzz`) ---------------------------------------------------------------------

struct FuzzOptions {
  std::uint64_t count = 10000;
  std::uint64_t seed = 0;
  int max_depth = 9;     // depths checked: 1, about D/3, about 2D/3, D
  int max_size = 50;     // program i is generated at size i mod (max_size + 1)
  Mutant mutant = Mutant::None;
  std::size_t max_failures = 20;  // stop after this many (each is shrunk, which takes a while)
  // Threads checking programs at once. The report (counts, failures, their order) is the same for
  // every value: only the time changes.
  unsigned jobs = 1;
  // This run checks the programs i < count with i mod shards == shard (`--shard K/N`), so N runs,
  // on as many machines, check the whole campaign once between them; their summaries merge
  // (cajal/testing/summary.hpp) to the counts of one run.
  std::uint64_t shard = 0, shards = 1;
  // Keep one ProgramOutcome per program checked, in program order (FuzzReport::programs), for a
  // report that lists every program (`--junit`). 16 bytes a program.
  bool record_programs = false;
};

// What happened to one program of a campaign (kept when FuzzOptions::record_programs is set).
struct ProgramOutcome {
  std::uint64_t index = 0;     // program number in the campaign
  float seconds = 0;           // to check it at every depth
  std::uint8_t compared = 0;   // depths where the network's output was compared with the interpreter's
  std::uint8_t overflows = 0;  // depths where the network (rightly) reported an overflow
  std::uint8_t too_large = 0;  // depths skipped: the network exceeded the work or memory bound
  bool skipped : 1 = false;    // the interpreter hit a resource limit: nothing compared
  bool failed : 1 = false;     // the network differs from the interpreter (see FuzzReport::failures)
};

struct FuzzFailure {
  std::uint64_t index;  // program number in the campaign (regenerated from the seed and this)
  Case shrunk;          // the smallest failing case the shrinker found
  Verdict verdict;      // of the shrunk case
  std::size_t shrink_steps;
};

struct FuzzReport {
  std::uint64_t checked = 0, skipped = 0, compared = 0, overflows = 0, too_large = 0;
  bool stopped_early = false;  // max_failures was reached before the last program
  double seconds = 0;
  std::uint64_t slowest_index = 0;  // the program that took longest to check, and how long
  double slowest_seconds = 0;
  std::vector<FuzzFailure> failures;
  std::vector<ProgramOutcome> programs;  // with FuzzOptions::record_programs, in program order
};

// Program i of a campaign, regenerated (for inspecting a slow or failing program).
Case campaign_case(const FuzzOptions& options, std::uint64_t i);

// Program i of a campaign is built from choices drawn from a PRNG seeded with (seed, i), so any
// failure can be regenerated from the printed seed alone. A failing case is shrunk by editing its
// recorded choices (zeroing, halving, truncating) while it still fails; every edit still builds a
// well-typed program. The programs of the shard are checked in order of i (by `jobs` threads,
// each taking the next block of programs); the campaign stops after the max_failures-th failure
// in that order, and the failures are shrunk (in parallel) and handed to on_failure in that order
// once the campaign is over.
FuzzReport fuzz(const FuzzOptions& options, const std::function<void(const FuzzFailure&)>& on_failure = {});

std::vector<int> fuzz_depths(int max_depth);

// A failure of a campaign as the file `--save-failures` writes: its name (failure-SEED-INDEX.cj),
// the depth it fails at (the campaign's largest when the failure has none), and its text (the
// program with the commands that reproduce it in its header).
struct FuzzFailureFile {
  std::string name;
  int depth = 9;
  std::string text;
};
FuzzFailureFile failure_file(const FuzzOptions& options, const FuzzFailure& failure);

}  // namespace cajal::testing
