// Certificates: written by the compiler's side, re-checked from the files alone.
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cajal/prove/certificate.hpp"
#include "cajal/prove/verify.hpp"
#include "cajal/testing/mutant.hpp"
#include "support.hpp"

namespace cajal::test {
namespace {

namespace fs = std::filesystem;

const char* kEven =
    "def not = fun b : Bool => if b then false else true\n"
    "def main = fun n : Nat => iter { true | y => not y } (n)\n";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Replaces a file of the certificate and, as a forger would, its hash in certificate.json.
void forge(const fs::path& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir / name, std::ios::binary) << text;
  nlohmann::json m = nlohmann::json::parse(slurp(dir / "certificate.json"));
  m["sha256"][name] = sha256_hex(text);
  std::ofstream(dir / "certificate.json", std::ios::binary) << m.dump(1);
}

struct Certificate : ::testing::Test {
  fs::path dir;
  void SetUp() override {
    dir = fs::temp_directory_path() / ("cajal-cert-" + std::to_string(::getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    Loaded l = load(kEven);
    ASSERT_TRUE(l.result.ok());
    Result<ProveResult> r = write_certificate(*l.result, kEven, ProveOptions{}, dir.string());
    ASSERT_TRUE(r.ok()) << render(r.diagnostics);
    ASSERT_EQ(r->verdict, ProveResult::Verdict::Proved);
  }
  void TearDown() override { fs::remove_all(dir); }
  // "verified", or the rejection as `cajal verify` prints it: FILE: REASON.
  std::string rejection() {
    Verification v = verify_certificate(dir.string());
    return v.certified ? std::string("verified") : v.file + ": " + v.reason;
  }
};

TEST_F(Certificate, VerifiesFromTheFilesAlone) {
  Verification v = verify_certificate(dir.string());
  ASSERT_TRUE(v.certified) << v.file << ": " << v.reason;
  EXPECT_EQ(v.rejection, Rejection::None);
  EXPECT_EQ(v.certified->depth(), 9);
}

TEST_F(Certificate, AnAlteredFileIsRejected) {
  std::ofstream(dir / "source.cj", std::ios::app) << "-- edited\n";
  EXPECT_EQ(rejection(), "source.cj: altered (its SHA-256 is not the one certificate.json lists)");
}

TEST_F(Certificate, AForgedNetworkIsRejected) {
  // `true` becomes `false` in the network; the forger updates the hash too.
  std::string net = slurp(dir / "network.json");
  nlohmann::json j = nlohmann::json::parse(net);
  for (auto& g : j["graphs"])
    for (auto& n : g["nodes"])
      if (n["op"] == "const" && n["value"] == std::vector<double>{1.0, 0.0}) n["value"] = std::vector<double>{0.0, 1.0};
  forge(dir, "network.json", j.dump(1) + "\n");
  EXPECT_EQ(rejection(), "obligation.smt2: it is not the obligation of this source and network");
}

TEST_F(Certificate, AForgedObligationIsRejected) {
  std::string ob = slurp(dir / "obligation.smt2");
  ob.replace(ob.rfind("(check-sat)"), 11, "(assert false)\n(check-sat)");
  forge(dir, "obligation.smt2", ob);
  EXPECT_EQ(rejection(), "obligation.smt2: it is not the obligation of this source and network");
}

TEST_F(Certificate, AForgedSourceIsRejected) {
  forge(dir, "source.cj", "def main = fun n : Nat => iter { false | y => if y then false else true } (n)\n");
  EXPECT_EQ(rejection(), "obligation.smt2: it is not the obligation of this source and network");
}

TEST(CertificateOfAWrongCompiler, DoesNotVerify) {
  fs::path dir = fs::temp_directory_path() / ("cajal-cert-mutant-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  Loaded l = load(kEven);
  ProveOptions options;
  options.rewrite = [](Network& n) { apply_mutant(n, Mutant::SwapIfBranches); };
  Result<ProveResult> r = write_certificate(*l.result, kEven, options, dir.string());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->verdict, ProveResult::Verdict::Refuted);
  Verification v = verify_certificate(dir.string());
  ASSERT_FALSE(v.certified);
  EXPECT_EQ(v.rejection, Rejection::DoesNotHold);
  EXPECT_EQ(v.file + ": " + v.reason, "certificate.json: it records the verdict `refuted`, not `proved`");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace cajal::test
