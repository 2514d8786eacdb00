// Harness: a whole certificate → the verify kernel (cajal/prove/verify.hpp).
//
// The input is the certificate's four files in one blob, in the order certificate.json,
// source.cj, network.json, obligation.smt2, and optionally a fifth, params.json, separated by the
// line "----8<----" (scripts/fuzz.sh makes seeds by joining real certificates). As a forger would,
// the harness writes the true SHA-256 of the files into the manifest when it lists them, so that the fuzzer reaches the
// kernel's own checks instead of stopping at a hash; and when the obligation part is empty, it
// writes in the obligation that this source and network give rise to (as a forger would, so that
// a forged network reaches Z3). Properties: the kernel never certifies a certificate whose
// recorded verdict is not `proved`; a certified network reads back; and a certified network
// agrees with the interpreter on every input within the depth (checked for Bool and Nat
// arguments and results, when there are at most 64 input tuples and no params).
#include <nlohmann/json.hpp>

#include "cajal/driver/driver.hpp"
#include "cajal/frontend/frontend.hpp"
#include "cajal/network/encode.hpp"
#include "cajal/network/engine.hpp"
#include "cajal/prove/certificate.hpp"
#include "cajal/prove/verify.hpp"
#include "harness.hpp"

using namespace cajal;

namespace {

// The obligation of this source and network, as the kernel states it ("" when it cannot).
std::string obligation_of(const CertificateFiles& files, int depth) {
  Result<LoadedProgram> program = load_program(std::make_shared<const Source>("source.cj", files.source));
  Result<Network> network = network_from_json(files.network, "network.json");
  if (!program || !network) return "";
  ProveOptions options;
  options.depth = depth;
  options.timeout_seconds = 2;
  options.obligation_only = true;
  if (files.params) {  // (loosely: whatever reads as lists of numbers; the kernel checks it in full)
    const nlohmann::json values = nlohmann::json::parse(*files.params, nullptr, false);
    if (!values.is_object()) return "";
    for (const auto& [name, list] : values.items()) {
      if (!list.is_array() || list.size() > 4096) return "";
      Eigen::VectorXd x(static_cast<Eigen::Index>(list.size()));
      for (std::size_t k = 0; k < list.size(); ++k) {
        if (!list[k].is_number()) return "";
        x(static_cast<Eigen::Index>(k)) = list[k].get<double>();
      }
      options.params.emplace(name, std::move(x));
    }
  }
  Result<ProveResult> r = prove_network(*program, *network, options);
  return r ? r->obligation : "";
}

// A certified network computes main: on every tuple of basis inputs within D whose run the
// interpreter finishes within D, the network's output is the encoding of the interpreter's value.
void agrees_with_the_interpreter(const CertifiedNetwork& certified, const std::string& source) {
  const Network& net = certified.network();
  const int depth = net.depth;
  if (!net.params.empty() || !net.output_type->is_finite_base()) return;
  std::size_t tuples = 1;
  for (const NetworkInput& in : net.inputs) {
    if (!in.type->is_finite_base()) return;
    tuples *= dimension(*in.type, depth);
    if (tuples > 64) return;
  }
  Result<LoadedProgram> program = load_program(std::make_shared<const Source>("source.cj", source));
  if (!program) fuzz::property_failed("a certified source does not load again");
  for (std::size_t t = 0; t < tuples; ++t) {
    RunRequest request;
    request.eval = EvalOptions{20'000, 1'000};
    NetworkArgs args;
    for (std::size_t k = 0, rest = t; k < net.inputs.size(); ++k) {
      const std::size_t dim = dimension(*net.inputs[k].type, depth), j = rest % dim;
      rest /= dim;
      request.args.push_back(std::make_shared<const Source>("<arg>", key_text(*net.inputs[k].type, j)));
      args.inputs.push_back(basis_vector(dim, j));
    }
    Result<RunResult> value = run_main(*program, request);
    if (!value || value->max_natural > static_cast<std::uint64_t>(depth)) continue;
    Result<NetworkRun> run = run_network(net, args);
    if (!run) fuzz::property_failed("a certified network does not run: " + render(run.diagnostics));
    std::optional<std::string> out = decode(run->output.col(0), *net.output_type, depth);
    if (!out || *out != value->text)
      fuzz::property_failed("a certified network computes " + (out ? *out : spaced_text(run->output.col(0))) +
                            " where main's value is " + value->text + " (input tuple " + std::to_string(t) + ")");
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::set_harness_budget();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string blob = fuzz::as_text(data, size);
  static const std::string cut = "\n----8<----\n";
  std::vector<std::string> parts;
  for (std::size_t at = 0;;) {
    std::size_t next = blob.find(cut, at);
    parts.push_back(blob.substr(at, next == std::string::npos ? std::string::npos : next - at));
    if (next == std::string::npos || parts.size() == 5) break;
    at = next + cut.size();
  }
  const bool has_params = parts.size() == 5;
  parts.resize(5);
  CertificateFiles files{parts[0], parts[1], parts[2], parts[3]};
  if (has_params) files.params = parts[4];
  nlohmann::json manifest = nlohmann::json::parse(files.manifest, nullptr, false);
  if (manifest.is_object() && manifest.contains("sha256") && manifest["sha256"].is_object()) {
    const std::string* contents[] = {&files.source, &files.network, &files.obligation};
    for (std::size_t k = 0; k < std::size(kCertificateFiles); ++k)
      if (manifest["sha256"].contains(kCertificateFiles[k])) manifest["sha256"][kCertificateFiles[k]] = sha256_hex(*contents[k]);
    if (files.params && manifest["sha256"].contains(kParamsFile)) manifest["sha256"][kParamsFile] = sha256_hex(*files.params);
    files.manifest = manifest.dump();
  }
  fuzz::on_large_stack([&] {
    if (files.obligation.empty() && manifest.is_object() && manifest.contains("depth") && manifest["depth"].is_number_integer() &&
        manifest["depth"].get<long long>() >= 0 && manifest["depth"].get<long long>() <= kMaxProveDepth) {
      files.obligation = obligation_of(files, manifest["depth"].get<int>());
      if (manifest.contains("sha256") && manifest["sha256"].is_object()) {
        manifest["sha256"]["obligation.smt2"] = sha256_hex(files.obligation);
        files.manifest = manifest.dump();
      }
    }
    Verification v = verify_certificate_files(files, "fuzz", 2.0);
    if (!v.certified) {
      if (v.rejection == Rejection::None || v.file.empty() || v.reason.empty())
        fuzz::property_failed("a rejection without a kind, a file or a reason");
      return;
    }
    if (!manifest.is_object() || !manifest.contains("verdict") || manifest["verdict"] != "proved")
      fuzz::property_failed("certified a certificate that does not record `proved`");
    if (!network_from_json(to_json(v.certified->network()), "certified.json"))
      fuzz::property_failed("a certified network does not read back");
    agrees_with_the_interpreter(*v.certified, files.source);
  });
  return 0;
}
