// `cajal verify`.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "../cli.hpp"
#include "cajal/prove/verify.hpp"

namespace cajal::cli {

void define_verify(Options& o) {
  o.positionals("DIR", "the certificate directory");
  define_timeout(o);
  define_max_memory(o);
}

int cmd_verify(const Options& args) {
  if (args.positional().size() != 1) throw UsageError{"`cajal verify` takes exactly one certificate DIR"};
  std::error_code ec;
  if (!std::filesystem::is_directory(args.positional()[0], ec)) throw UsageError{args.positional()[0] + " is not a directory"};
  double timeout = static_cast<double>(std::max<std::uint64_t>(parse_count(args, "--timeout", 60), 1));
  Verification v = verify_certificate(args.positional()[0], timeout);
  if (!v.certified) {
    std::cerr << "cajal: certificate rejected: " << v.file << ": " << v.reason << "\n";
    switch (v.rejection) {
      case Rejection::Malformed: return kInvalidInput;
      case Rejection::Inconclusive: return kInconclusive;
      default: return kNegative;
    }
  }
  std::string at;  // the claim is for the learned values in params.json
  for (const std::string& p : v.fixed_params) at += (at.empty() ? " at the values of " : ", ") + p;
  std::cout << "verified: the network in " << args.positional()[0] << " computes its source's main for every input"
            << " within depth " << v.certified->depth() << (at.empty() ? "" : at + " in params.json") << "\n";
  return kSuccess;
}

}  // namespace cajal::cli
