// The verify kernel (cajal/prove/verify.hpp): the checks, in the order they are made. Each step
// uses only what the steps before it established; nothing from a file is used before it is read
// and validated in full.
#include "cajal/prove/verify.hpp"

#include <openssl/evp.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cajal/frontend/frontend.hpp"
#include "cajal/smt/script.hpp"
#include "cajal/syntax/print.hpp"
#include "cajal/syntax/source.hpp"

namespace cajal {

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

Verification reject(Rejection kind, std::string file, std::string reason) {
  Verification v;
  v.rejection = kind;
  v.file = std::move(file);
  v.reason = std::move(reason);
  return v;
}

}  // namespace

Verification verify_certificate(const std::string& dir, double timeout_seconds) {
  namespace fs = std::filesystem;
  const fs::path d(dir);
  CertificateFiles files;
  std::pair<const char*, std::string*> layout[] = {{"certificate.json", &files.manifest},
                                                   {"source.cj", &files.source},
                                                   {"network.json", &files.network},
                                                   {"obligation.smt2", &files.obligation}};
  for (auto [name, into] : layout) {
    std::string error;
    std::optional<std::string> text = read_file_bounded((d / name).string(), error);
    if (!text) return reject(Rejection::Malformed, name, error);
    *into = std::move(*text);
  }
  std::error_code ec;
  if (fs::exists(fs::symlink_status(d / kParamsFile, ec))) {  // (read as the others are: regular, bounded)
    std::string error;
    std::optional<std::string> text = read_file_bounded((d / kParamsFile).string(), error);
    if (!text) return reject(Rejection::Malformed, kParamsFile, error);
    files.params = std::move(*text);
  }
  return verify_certificate_files(files, dir, timeout_seconds);
}

Verification verify_certificate_files(const CertificateFiles& files, const std::string& dir, double timeout_seconds) {
  const auto start = std::chrono::steady_clock::now();  // --timeout bounds the whole verification
  using json = nlohmann::json;
  // 1. The manifest: every field is checked for its type before it is used.
  const json manifest = json::parse(files.manifest, nullptr, false);
  auto field = [&](const char* key) { return manifest.is_object() && manifest.contains(key) ? manifest[key] : json(); };
  if (manifest.is_discarded() || field("format") != "cajal-certificate" || field("version") != 1)
    return reject(Rejection::Malformed, "certificate.json", "not a Cajal certificate manifest (format \"cajal-certificate\", version 1)");
  const json depth_field = field("depth");
  if (!depth_field.is_number_integer() || depth_field.get<long long>() < 0 || depth_field.get<long long>() > kMaxProveDepth)
    return reject(Rejection::Malformed, "certificate.json", "the depth must be a whole number from 0 to " + std::to_string(kMaxProveDepth));
  const int depth = depth_field.get<int>();
  const json hashes = field("sha256");
  const bool has_params = hashes.is_object() && hashes.contains(kParamsFile);
  if (!hashes.is_object() || hashes.size() != std::size(kCertificateFiles) + (has_params ? 1 : 0))
    return reject(Rejection::Malformed, "certificate.json",
                  "it must list exactly the SHA-256 of source.cj, network.json and obligation.smt2 (and of params.json, if it has one)");
  const std::string* contents[] = {&files.source, &files.network, &files.obligation};
  for (std::size_t k = 0; k < std::size(kCertificateFiles); ++k) {
    const char* name = kCertificateFiles[k];
    if (!hashes.contains(name) || !hashes[name].is_string())
      return reject(Rejection::Malformed, "certificate.json", std::string("it lists no SHA-256 for ") + name);
    if (sha256_hex(*contents[k]) != hashes[name].get<std::string>())
      return reject(Rejection::DoesNotHold, name, "altered (its SHA-256 is not the one certificate.json lists)");
  }
  if (has_params != files.params.has_value())
    return reject(has_params ? Rejection::Malformed : Rejection::DoesNotHold, kParamsFile,
                  has_params ? "certificate.json lists it, but the certificate has none"
                             : "it is not listed in certificate.json (the values a claim is for must be bound to it)");
  if (has_params && (!hashes[kParamsFile].is_string() || sha256_hex(*files.params) != hashes[kParamsFile].get<std::string>()))
    return reject(Rejection::DoesNotHold, kParamsFile, "altered (its SHA-256 is not the one certificate.json lists)");
  if (field("verdict") != "proved")
    return reject(Rejection::DoesNotHold, "certificate.json",
                  "it records the verdict `" + (field("verdict").is_string() ? field("verdict").get<std::string>() : field("verdict").dump()) +
                      "`, not `proved`");

  // 2. The source and the network, read back by the checker's own front end and reader (which
  //    validates the whole network: indices, dimensions, shapes, values, sizes).
  std::filesystem::path d(dir);
  auto source = std::make_shared<const Source>((d / "source.cj").string(), files.source);
  Result<LoadedProgram> program = load_program(source);
  if (!program) return reject(Rejection::Malformed, "source.cj", "it does not type-check:\n" + render(program.diagnostics));
  Result<Network> network = network_from_json(files.network, "network.json");
  if (!network) {  // the reader's message starts with the name it was given
    std::string message = network.diagnostics.front().message;
    if (message.rfind("network.json: ", 0) == 0) message.erase(0, std::string("network.json: ").size());
    return reject(Rejection::Malformed, "network.json", message);
  }
  if (network->depth != depth)
    return reject(Rejection::DoesNotHold, "network.json", "its depth " + std::to_string(network->depth) +
                                                              " is not the certified depth " + std::to_string(depth));
  // The network's interface is main's: an input per leading binder of main, of that binder's
  // type, the rest of main's type as its output, and only the program's params, with their types.
  // (The obligation is stated from these declarations: they must not be the network's to choose.)
  if (!program->program.find_def("main")) return reject(Rejection::Malformed, "source.cj", "the program has no `def main` to prove");
  std::size_t binders = 0;
  for (const Term* t = program->program.find_def("main")->body.get(); t->is<Lam>(); t = t->as<Lam>()->body.get()) ++binders;
  if (network->inputs.size() != binders)
    return reject(Rejection::DoesNotHold, "network.json", "it has " + std::to_string(network->inputs.size()) +
                                                              " inputs, but main takes " + std::to_string(binders) +
                                                              " arguments (one per leading `fun`)");
  TypePtr rest = program->checked.globals.find("main")->type;
  for (std::size_t k = 0; k < network->inputs.size(); ++k, rest = rest->to)
    if (!rest->is_arrow() || !same_type(rest->from, network->inputs[k].type))
      return reject(Rejection::DoesNotHold, "network.json", "its input " + std::to_string(k + 1) + " (" +
                                                                network->inputs[k].name + ") is not main's argument " +
                                                                std::to_string(k + 1));
  if (!same_type(rest, network->output_type))
    return reject(Rejection::DoesNotHold, "network.json", "its output type " + print_type(network->output_type) +
                                                              " is not main's result type " + print_type(rest));
  for (const NetworkInput& p : network->params) {
    const Param* declared = program->program.find_param(p.name);
    if (!declared || !same_type(declared->type, p.type))
      return reject(Rejection::DoesNotHold, "network.json", "its param `" + p.name + "` : " + print_type(p.type) +
                                                                " is not a param of the program");
  }

  // The fixed params: an object naming params of the network, each a list of exactly as many
  // finite numbers as the param's encoding has (whether they are a value of its type is checked
  // when the obligation is stated).
  ProveOptions options;
  options.depth = depth;
  if (files.params) {
    const json values = json::parse(*files.params, nullptr, false);
    if (values.is_discarded() || !values.is_object())
      return reject(Rejection::Malformed, kParamsFile, "not a JSON object of param values");
    for (const auto& [name, list] : values.items()) {
      const NetworkInput* declared = nullptr;
      for (const NetworkInput& p : network->params)
        if (p.name == name) declared = &p;
      if (!declared) return reject(Rejection::Malformed, kParamsFile, "`" + name + "` is not a param of the network");
      const std::size_t size = dimension(*declared->type, depth);
      if (!list.is_array() || list.size() != size)
        return reject(Rejection::Malformed, kParamsFile, "`" + name + "` must be a list of " + std::to_string(size) + " numbers");
      Eigen::VectorXd x(static_cast<Eigen::Index>(size));
      for (std::size_t k = 0; k < size; ++k) {
        if (!list[k].is_number() || !std::isfinite(list[k].get<double>()))
          return reject(Rejection::Malformed, kParamsFile, "`" + name + "` holds something other than a finite number");
        x(static_cast<Eigen::Index>(k)) = list[k].get<double>();
      }
      options.params.emplace(name, std::move(x));
    }
  }

  // 3. The obligation is the one this source, this network (and these param values) give rise
  //    to, to the byte.
  auto seconds_left = [&] {
    return std::max(0.1, timeout_seconds - std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  };
  options.timeout_seconds = seconds_left();
  options.obligation_only = true;
  Result<ProveResult> regenerated = prove_network(*program, *network, options);
  if (!regenerated)
    return reject(Rejection::Malformed,
                  is_over_budget(regenerated.diagnostics.front())                      ? "network.json"
                  : regenerated.diagnostics.front().message.rfind("the value given for param", 0) == 0 ? kParamsFile
                                                                                      : "source.cj",
                  regenerated.diagnostics.front().message);
  if (regenerated->obligation.empty())
    return reject(Rejection::Inconclusive, "obligation.smt2", "the checker cannot state the obligation for this program: " + regenerated->reason);
  if (regenerated->obligation != files.obligation)
    return reject(Rejection::DoesNotHold, "obligation.smt2", std::string("it is not the obligation of this source and network") + (files.params ? " at these param values" : ""));

  // 4. Z3 re-checks the stored obligation from its text, under the deadline (smt::run_smtlib).
  Result<std::vector<std::string>> answers = smt::run_smtlib(files.obligation, seconds_left());
  if (!answers) return reject(Rejection::Inconclusive, "obligation.smt2", "Z3 did not answer: " + answers.diagnostics.front().message);
  if (answers->size() != 1) return reject(Rejection::Malformed, "obligation.smt2", "it must ask exactly one question (check-sat)");
  if (answers->front() == "sat")
    return reject(Rejection::DoesNotHold, "obligation.smt2", "Z3 finds a counterexample to it (sat)");
  if (answers->front() != "unsat")
    return reject(Rejection::Inconclusive, "obligation.smt2", "Z3 answers " + answers->front() + " within " +
                                                                  std::to_string(std::lround(timeout_seconds)) + " s");
  Verification ok;
  ok.certified.emplace(CertifiedNetwork(std::move(*network)));
  for (const auto& [name, value] : options.params) ok.fixed_params.push_back(name);
  return ok;
}

}  // namespace cajal
