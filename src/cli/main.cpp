// The `cajal` command: a table of commands (src/cli/commands/, one file each), dispatched by
// name. Each command parses its flags with CLI11, calls the library and prints.
#include <pthread.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <new>

#include "cajal/network/engine.hpp"
#include "cajal/smt/context.hpp"
#include "cli.hpp"

namespace cajal::cli {

#define CAJAL_COMMAND(name)         \
  void define_##name(Options& o);   \
  int cmd_##name(const Options& args);
CAJAL_COMMAND(run)
CAJAL_COMMAND(type)
CAJAL_COMMAND(fmt)
CAJAL_COMMAND(compile)
CAJAL_COMMAND(grad)
CAJAL_COMMAND(prove)
CAJAL_COMMAND(verify)
CAJAL_COMMAND(train)
CAJAL_COMMAND(check)
CAJAL_COMMAND(lemmas)
CAJAL_COMMAND(fuzz)
CAJAL_COMMAND(explain)
#undef CAJAL_COMMAND

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"run", "run FILE [--arg TERM]... [--param NAME=TERM]... [--def NAME] [--json] [--max-steps N]\n"
              "  run -e TERM [--arg TERM]... [--json]\n"
              "  run FILE --engine network [--depth D] [--mutant NAME] ...\n"
              "  run FILE --engine network --inputs ROWS.jsonl [--threads N] ...\n"
              "  run FILE --trace [--trace-limit N] [--latex] ...",
       "evaluate `main` applied to the arguments and print the value (--engine network:\n"
       "with the compiled network instead of the interpreter)",
       define_run, cmd_run},
      {"type", "type FILE [--json] [--derivation [--latex]]",
       "print the type of every def and param (and how each was derived)", define_type, cmd_type},
      {"fmt", "fmt FILE", "print the program in canonical layout", define_fmt, cmd_fmt},
      {"compile",
       "compile FILE [--depth D] [--json] [--show] [--emit json|torch|dot|svg [--out F]] [--param NAME=TERM]... [--certify DIR]",
       "compile main to neurons: --json prints main's materialized tensor,\n"
       "--show the network, --emit json the serialized network,\n"
       "--emit torch a PyTorch module (imports only torch), --emit dot|svg a drawing",
       define_compile, cmd_compile},
      {"grad", "grad FILE [--arg TERM]... [--param NAME=TERM]... [--depth D] [--json]\n"
               "  grad FILE --inputs ROWS.jsonl [--threads N] [--param NAME=TERM]... [--depth D] [--json]",
       "gradients of the summed output w.r.t. every input and param", define_grad, cmd_grad},
      {"prove", "prove FILE [--depth D] [--param NAME=TERM]... [--timeout S] [--seed N] [--smt-dump DIR] [--json] [--junit FILE] [--mutant NAME]",
       "ask Z3 whether some input makes the compiled network differ from the program", define_prove, cmd_prove},
      {"verify", "verify DIR", "re-check a certificate written by `compile --certify DIR`", define_verify, cmd_verify},
      {"train", "train FILE --data EXAMPLES.jsonl [--epochs N] [--lr X] [--seed S] [--depth D] [--out F] [--extract] [--certify DIR]",
       "fit the params to input/output examples (Adam); --extract writes each learned\n"
       "function as the nearest table, a program `check` and `prove` can verify;\n"
       "--certify DIR proves and certifies what was learned",
       define_train, cmd_train},
      {"check",
       "check A B [--depth D] [--neural] [--timeout S] [--method auto|exhaustive|symbolic] [--json] [--junit FILE]\n"
       "  check FILE --defs F G [...]",
       "decide whether two programs' mains (or two defs) mean the same for every\n"
       "input up to depth D; a counterexample is printed in source syntax",
       define_check, cmd_check},
      {"lemmas", "lemmas [--out DIR] [--check DIR] [--depth D]",
       "write the compiler's rule lemmas as SMT-LIB2 files, or re-check them with Z3", define_lemmas, cmd_lemmas},
      {"fuzz", "fuzz [--count N] [--seed S] [--depth D] [--max-size K] [--jobs N] [--shard K/N] [--json] [--junit FILE] ...\n"
       "  fuzz --merge SUMMARY... [--json]",
       "cross-check the network against the interpreter on random programs", define_fuzz, cmd_fuzz},
      {"explain", "explain FILE [--arg TERM]... [--param NAME=TERM]... [--depth D] [--def NAME] --html OUT.html",
       "write one self-contained HTML page about the program: source, typing derivations,\n"
       "evaluation trace, network diagram, main's tensor as a heatmap, prove's verdict",
       define_explain, cmd_explain},
  };
  return table;
}

std::unique_ptr<CLI::App> make_app(const Command& c, std::unique_ptr<Options>& options) {
  auto app = std::make_unique<CLI::App>(std::string(c.summary), std::string("cajal ") + c.name);
  app->set_help_flag("-h,--help", "print this help and exit");
  app->allow_extras(true);  // unknown options are reported by Options::reject_extras, with a suggestion
  app->footer("usage: cajal " + std::string(c.synopsis) + "\n");
  options = std::make_unique<Options>(*app);
  c.define(*options);
  return app;
}

namespace {

std::string usage() {
  std::string out = "usage: cajal <command> [options]\n\ncommands:\n";
  for (const Command& c : commands()) {
    std::string summary = c.summary;
    for (std::size_t at = 0; (at = summary.find('\n', at)) != std::string::npos; at += 18) summary.insert(at + 1, 17, ' ');
    out += "  " + std::string(c.synopsis) + "\n                 " + summary + "\n";
  }
  out +=
      "\nFILE may be `-` for standard input. `cajal help COMMAND` or `cajal COMMAND --help` prints a\n"
      "command's flags. Exit codes: 0 success, 1 negative verdict, 2 invalid input, 3 inconclusive,\n"
      "4 internal error.\n";
  return out;
}

const Command* find_command(const std::string& name) {
  for (const Command& c : commands())
    if (name == c.name) return &c;
  return nullptr;
}

int help(const std::string& name) {
  const Command* c = find_command(name);
  if (!c) throw UsageError{"unknown command `" + name + "`"};
  std::unique_ptr<Options> options;
  std::cout << make_app(*c, options)->help();
  return kSuccess;
}

int dispatch(int argc, char** argv) {
  try {
    if (argc < 2) {
      std::cerr << usage();
      return kInvalidInput;
    }
    std::string name = argv[1];
    if (name == "--help" || name == "-h") {
      std::cout << usage();
      return kSuccess;
    }
    if (name == "help") return argc > 2 ? help(argv[2]) : (std::cout << usage(), kSuccess);
    if (name == "completion") {  // hidden: the build writes the installed script with it
      if (argc != 3 || std::string(argv[2]) != "bash") throw UsageError{"`cajal completion` takes `bash`"};
      std::cout << bash_completion();
      return kSuccess;
    }
    if (name == "--version") {
      std::cout << "cajal 0.1.0\nengine kernels: " << engine_kernels() << "\n";  // the variant this CPU runs
      return kSuccess;
    }
    const Command* command = find_command(name);
    if (!command) throw UsageError{"unknown command `" + name + "`"};
    std::unique_ptr<Options> options;
    std::unique_ptr<CLI::App> app = make_app(*command, options);
    try {
      app->parse(argc - 1, argv + 1);
    } catch (const CLI::CallForHelp&) {
      std::cout << app->help();
      return kSuccess;
    } catch (const CLI::ParseError& e) {
      std::string what = e.what();
      // CLI11: "--depth: 1 required TEXT missing" for a flag without its value.
      if (auto colon = what.find(':'); e.get_name() == "ArgumentMismatch" && colon != std::string::npos)
        throw UsageError{what.substr(0, colon) + " needs a value"};
      throw UsageError{what};
    }
    options->reject_extras();
    apply_max_memory(*options);
    return command->run(*options);
  } catch (const UsageError& e) {
    std::cerr << "cajal: error: " << e.message << "\n" << "(run `cajal --help` for usage)\n";
    return kInvalidInput;
  } catch (const std::bad_alloc&) {
    std::cerr << "cajal: internal error: out of memory\n";
    return kInternal;
  } catch (const std::exception& e) {
    std::cerr << "cajal: internal error: " << e.what() << "\n";
    return kInternal;
  }
}

// The command runs on a thread with a large stack: the library bounds its recursion depth, and
// this leaves ample room for it on any input.
struct Call {
  int argc;
  char** argv;
  int result = kInternal;
};

void* run_call(void* p) {
  auto* call = static_cast<Call*>(p);
  call->result = dispatch(call->argc, call->argv);
  return nullptr;
}

}  // namespace
}  // namespace cajal::cli

int main(int argc, char** argv) {
  cajal::cli::Call call{argc, argv};
  pthread_attr_t attr;
  pthread_t thread;
  if (pthread_attr_init(&attr) == 0 && pthread_attr_setstacksize(&attr, std::size_t{512} << 20) == 0 &&
      pthread_create(&thread, &attr, cajal::cli::run_call, &call) == 0) {
    pthread_join(thread, nullptr);
  } else {
    cajal::cli::run_call(&call);  // fall back to the main thread's stack
  }
  std::cout.flush();
  // Z3's threads are still there: a context being freed (it can take minutes, smt/context.hpp), a
  // check left at its deadline that has not yet honoured the interrupt, or idle check contexts kept
  // for a next check (after any run that asked Z3 something). The answer is out, so exit without
  // waiting for them (and without static destructors, which would).
  if (cajal::smt::background_threads() > 0) {
    std::cerr.flush();
    std::fflush(nullptr);
    std::_Exit(call.result);
  }
  return call.result;
}
