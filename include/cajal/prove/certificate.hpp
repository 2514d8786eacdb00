// Certificates: a compiled network shipped with its proof obligation, the verdict and hashes
// that bind them to the source (`cajal compile FILE --certify DIR`), re-checked by `cajal verify
// DIR` from the files alone, without trusting the compiler: the verify kernel,
// cajal/prove/verify.hpp).
//
// A certificate directory holds source.cj, network.json, obligation.smt2 and certificate.json
// (format, depth, verdict, and the SHA-256 of the other three files), and params.json when the
// claim is for given param values (`--param`, `cajal train --certify`). Verification: the hashes
// match; the source parses and type-checks; the network reads back and validates; the obligation
// regenerated from that source and that network (by the checker's own symbolic semantics, not by
// the compiler) is the stored one, to the byte; and Z3 answers unsat to it.
#pragma once

#include <string>

#include "cajal/network/network.hpp"
#include "cajal/prove/prove.hpp"

namespace cajal {

// The files a certificate's manifest (certificate.json) lists with their SHA-256, and no others
// but params.json: the values of params fixed for the claim (learned weights), when there are.
inline constexpr const char* kCertificateFiles[] = {"source.cj", "network.json", "obligation.smt2"};
inline constexpr const char* kParamsFile = "params.json";

struct Verification;
struct CertificateFiles;

// A network that the verify kernel (cajal/prove/verify.hpp) has checked. Only it can make one:
// nothing uncertified can pass as certified.
class CertifiedNetwork {
 public:
  const Network& network() const { return network_; }
  int depth() const { return network_.depth; }

 private:
  explicit CertifiedNetwork(Network n) : network_(std::move(n)) {}
  Network network_;
  friend Verification verify_certificate_files(const CertificateFiles& files, const std::string& dir,
                                               double timeout_seconds);
};

// Proves the compiled program and writes its certificate into `dir` (created if needed). The
// verdict is recorded as it is: a certificate of a refuted or unknown program does not verify.
Result<ProveResult> write_certificate(const LoadedProgram& program, const std::string& source_text,
                                      const ProveOptions& options, const std::string& dir);

std::string sha256_hex(const std::string& bytes);

}  // namespace cajal
