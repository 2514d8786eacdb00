#include "cajal/prove/certificate.hpp"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cajal/compile/compile.hpp"
#include "cajal/prove/lemmas.hpp"

namespace cajal {

namespace fs = std::filesystem;

namespace {

Diagnostic problem(const std::string& message) { return error_at(Span{}, message); }

bool write(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  return static_cast<bool>(out << text);
}

}  // namespace

Result<ProveResult> write_certificate(const LoadedProgram& program, const std::string& source_text,
                                      const ProveOptions& options, const std::string& dir) {
  using R = Result<ProveResult>;
  CompileOptions compile;
  compile.depth = options.depth;
  Result<Network> net = compile_program(program, compile);
  if (!net) return R::failure(std::move(net.diagnostics));
  if (options.rewrite) options.rewrite(*net);
  ProveOptions whole = options;  // (the certificate stores the obligation as one question)
  whole.whole = true;
  whole.obligation_text = true;
  Result<ProveResult> proof = prove_network(program, *net, whole);
  if (!proof) return proof;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return R::failure(problem("cannot create " + dir + ": " + ec.message()));
  std::string network = to_json(*net) + "\n";
  nlohmann::json manifest{{"format", "cajal-certificate"},
                          {"version", 1},
                          {"depth", options.depth},
                          {"verdict", verdict_name(proof->verdict)},
                          {"sha256",
                           {{"source.cj", sha256_hex(source_text)},
                            {"network.json", sha256_hex(network)},
                            {"obligation.smt2", sha256_hex(proof->obligation)}}}};
  // Fixed params (learned values): the claim is for these values, so they are part of it. JSON
  // numbers are written so that they read back as the same doubles.
  std::string params;
  if (!options.params.empty()) {
    nlohmann::json values = nlohmann::json::object();
    for (const auto& [name, x] : options.params) values[name] = std::vector<double>(x.data(), x.data() + x.size());
    params = values.dump(1) + "\n";
    manifest["sha256"][kParamsFile] = sha256_hex(params);
  }
  fs::path d(dir);
  if (!write(d / "source.cj", source_text) || !write(d / "network.json", network) ||
      !write(d / "obligation.smt2", proof->obligation) || (!params.empty() && !write(d / kParamsFile, params)) ||
      !write(d / "certificate.json", manifest.dump(1) + "\n"))
    return R::failure(problem("cannot write the certificate into " + dir));
  if (params.empty()) fs::remove(d / kParamsFile, ec);  // (a stale one would make it not verify)
  return proof;
}

}  // namespace cajal
