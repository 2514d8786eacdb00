#include "cajal/prove/certificate.hpp"

#include <openssl/evp.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cajal/compile/compile.hpp"
#include "cajal/prove/lemmas.hpp"

namespace cajal {

namespace fs = std::filesystem;

std::string sha256_hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

namespace {

Diagnostic problem(const std::string& message) { return error_at(Span{}, message); }

bool write(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  return static_cast<bool>(out << text);
}

// The certificate's files, listed in its manifest and nothing else.
constexpr const char* kCertificateFiles[] = {"source.cj", "network.json", "obligation.smt2"};

}  // namespace

Result<ProveResult> write_certificate(const LoadedProgram& program, const std::string& source_text,
                                      const ProveOptions& options, const std::string& dir) {
  using R = Result<ProveResult>;
  CompileOptions compile;
  compile.depth = options.depth;
  Result<Network> net = compile_program(program, compile);
  if (!net) return R::failure(std::move(net.diagnostics));
  if (options.rewrite) options.rewrite(*net);
  Result<ProveResult> proof = prove_network(program, *net, options);
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
  fs::path d(dir);
  if (!write(d / "source.cj", source_text) || !write(d / "network.json", network) ||
      !write(d / "obligation.smt2", proof->obligation) || !write(d / "certificate.json", manifest.dump(1) + "\n"))
    return R::failure(problem("cannot write the certificate into " + dir));
  return proof;
}

Result<CertifiedNetwork> verify_certificate(const std::string& dir, double timeout_seconds) {
  using R = Result<CertifiedNetwork>;
  fs::path d(dir);
  std::string error;
  auto manifest_text = read_file_bounded((d / "certificate.json").string(), error);
  if (!manifest_text) return R::failure(problem("certificate.json: " + error));
  nlohmann::json manifest = nlohmann::json::parse(*manifest_text, nullptr, false);
  // Every field is checked for its type before it is used: a forged manifest is rejected, never
  // thrown on.
  auto field = [&](const char* key) { return manifest.is_object() && manifest.contains(key) ? manifest[key] : nlohmann::json(); };
  if (manifest.is_discarded() || field("format") != "cajal-certificate" || field("version") != 1)
    return R::failure(problem("certificate.json is not a Cajal certificate"));
  if (field("verdict") != "proved")
    return R::failure(problem("the certificate records the verdict `" +
                              (field("verdict").is_string() ? field("verdict").get<std::string>() : field("verdict").dump()) +
                              "`, not `proved`"));
  const nlohmann::json depth_field = field("depth");
  if (!depth_field.is_number_integer() || depth_field.get<long long>() < 0 || depth_field.get<long long>() > kMaxProveDepth)
    return R::failure(problem("certificate.json: the depth must be a whole number from 0 to " + std::to_string(kMaxProveDepth)));
  const int depth = depth_field.get<int>();
  const nlohmann::json hashes = field("sha256");
  if (!hashes.is_object() || hashes.size() != std::size(kCertificateFiles))
    return R::failure(problem("certificate.json must list exactly the SHA-256 of source.cj, network.json and obligation.smt2"));
  // 1. The files are the ones the certificate was made of.
  std::map<std::string, std::string> files;
  for (const char* name : kCertificateFiles) {
    if (!hashes.contains(name) || !hashes[name].is_string())
      return R::failure(problem("certificate.json lists no SHA-256 for " + std::string(name)));
    auto text = read_file_bounded((d / name).string(), error);
    if (!text) return R::failure(problem(std::string(name) + ": " + error));
    if (sha256_hex(*text) != hashes[name].get<std::string>())
      return R::failure(problem(std::string(name) + " was altered (its SHA-256 does not match)"));
    files[name] = *text;
  }
  // 2. The source and the network read back by the checker's own front end and reader.
  auto source = std::make_shared<const Source>((d / "source.cj").string(), files["source.cj"]);
  Result<LoadedProgram> program = load_program(source);
  if (!program) return R::failure(problem("the certified source does not type-check:\n" + render(program.diagnostics)));
  Result<Network> network = network_from_json(files["network.json"], "network.json");
  if (!network) return R::failure(std::move(network.diagnostics));
  if (network->depth != depth) return R::failure(problem("network.json is not at the certified depth"));
  // 3. The obligation is the one this source and this network give rise to.
  ProveOptions options;
  options.depth = depth;
  options.timeout_seconds = timeout_seconds;
  Result<ProveResult> regenerated = prove_network(*program, *network, options);
  if (!regenerated) return R::failure(std::move(regenerated.diagnostics));
  if (regenerated->obligation.empty())
    return R::failure(problem("the checker cannot state the obligation for this program: " + regenerated->reason));
  if (regenerated->obligation != files["obligation.smt2"])
    return R::failure(problem("obligation.smt2 is not the obligation of this source and network"));
  // 4. Z3 re-checks the stored obligation from its text.
  Result<std::vector<std::string>> answers = run_smtlib(files["obligation.smt2"], timeout_seconds);
  if (!answers) return R::failure(std::move(answers.diagnostics));
  if (answers->size() != 1 || answers->front() != "unsat")
    return R::failure(problem("Z3 does not prove the obligation (it answers " +
                              (answers->empty() ? std::string("nothing") : answers->front()) + ")"));
  return R::success(CertifiedNetwork(std::move(*network)));
}

}  // namespace cajal
