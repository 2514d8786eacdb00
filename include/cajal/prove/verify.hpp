// The verify kernel: the one path that turns a certificate into a CertifiedNetwork.
//
// Like a proof checker's kernel, it is small, separate from the compiler, and trusts nothing in
// the certificate it does not re-derive. It trusts (the trusted base, listed in the README with
// its size in lines, `scripts/kernel-size.sh`):
//   - this file's implementation (src/prove/verify.cpp): reading, hashing, the order of checks;
//   - the front end (parse + typecheck) that reads source.cj;
//   - the network reader and validator (network_from_json: every index, dimension, shape, finite
//     value and size is checked before the network is used or anything is allocated from it);
//   - the symbolic semantics that states the obligation (src/prove/symbolic.cpp and prove.cpp's
//     statement of it): the obligation in the certificate must be, byte for byte, the one these
//     derive from the source and the network;
//   - Z3 (run on the stored obligation's text, under a wall-clock deadline) and OpenSSL's SHA-256.
// It does not trust the compiler: the network is whatever network.json holds.
//
// Contract: never throws and never crashes on any content of the files; every rejection names
// the file it concerns and why, and says whether the certificate is malformed (unreadable, not
// the format, not a program, not a network), does not verify (altered, a refuted or unknown
// verdict, an obligation that is not this program's, Z3 finds a counterexample), or could not
// be decided (Z3 answers unknown or runs out of time).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cajal/prove/certificate.hpp"

namespace cajal {

// The certificate's four files, as bytes (a directory read by verify_certificate, or any other
// container: the fuzzing harness hands them in directly).
struct CertificateFiles {
  std::string manifest;    // certificate.json
  std::string source;      // source.cj
  std::string network;     // network.json
  std::string obligation;  // obligation.smt2
  std::optional<std::string> params = std::nullopt;  // params.json, when the certificate has one
};

enum class Rejection {
  None,          // verified
  Malformed,     // not a certificate, or a file that does not read as what it should be
  DoesNotHold,   // a well-formed certificate that does not verify
  Inconclusive,  // Z3 answered unknown (or ran out of time): nothing is certified
};

struct Verification {
  std::optional<CertifiedNetwork> certified;  // set exactly when rejection == None
  Rejection rejection = Rejection::None;
  std::string file;    // the file the rejection concerns (certificate.json, source.cj, ...)
  std::string reason;  // why, in a sentence (a source's diagnostics follow on later lines)
  std::vector<std::string> fixed_params;  // verified: the params the claim fixes (params.json), by name
};

// Reads the certificate in `dir` (regular files only, each at most kMaxFileBytes) and checks it.
Verification verify_certificate(const std::string& dir, double timeout_seconds = 60);

// Checks a certificate given as its files' contents. `dir` only names the source in diagnostics.
Verification verify_certificate_files(const CertificateFiles& files, const std::string& dir,
                                      double timeout_seconds = 60);

}  // namespace cajal
