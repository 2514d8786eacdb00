// Harness: a whole certificate → the verify kernel (cajal/prove/verify.hpp).
//
// The input is the certificate's four files in one blob, in the order certificate.json,
// source.cj, network.json, obligation.smt2, separated by the line "----8<----" (scripts/fuzz.sh
// makes seeds by joining real certificates). As a forger would, the harness writes the true
// SHA-256 of the three files into the manifest when it lists them, so that the fuzzer reaches the
// kernel's own checks instead of stopping at a hash. Properties: the kernel never certifies a
// certificate whose recorded verdict is not `proved`, and a certified network reads back.
#include <nlohmann/json.hpp>

#include "cajal/prove/certificate.hpp"
#include "cajal/prove/verify.hpp"
#include "harness.hpp"

using namespace cajal;

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
    if (next == std::string::npos || parts.size() == 4) break;
    at = next + cut.size();
  }
  parts.resize(4);
  CertificateFiles files{parts[0], parts[1], parts[2], parts[3]};
  nlohmann::json manifest = nlohmann::json::parse(files.manifest, nullptr, false);
  if (manifest.is_object() && manifest.contains("sha256") && manifest["sha256"].is_object()) {
    const std::string* contents[] = {&files.source, &files.network, &files.obligation};
    for (std::size_t k = 0; k < std::size(kCertificateFiles); ++k)
      if (manifest["sha256"].contains(kCertificateFiles[k])) manifest["sha256"][kCertificateFiles[k]] = sha256_hex(*contents[k]);
    files.manifest = manifest.dump();
  }
  fuzz::on_large_stack([&] {
    Verification v = verify_certificate_files(files, "fuzz", 2.0);
    if (!v.certified) {
      if (v.rejection == Rejection::None || v.file.empty() || v.reason.empty())
        fuzz::property_failed("a rejection without a kind, a file or a reason");
      return;
    }
    if (!manifest.is_object() || manifest.value("verdict", std::string()) != "proved")
      fuzz::property_failed("certified a certificate that does not record `proved`");
    if (!network_from_json(to_json(v.certified->network()), "certified.json"))
      fuzz::property_failed("a certified network does not read back");
  });
  return 0;
}
