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

// A certificate for given param values (learned weights): params.json, bound by the manifest and
// stated, exactly, in the obligation.
struct CertificateWithParams : ::testing::Test {
  static constexpr const char* kRnn =
      "param W : Vec 2 -o Vec 2\ndef main = fun n : Nat => fun x : Vec 2 => iter { x | h => W h } (n)\n";
  fs::path dir;
  void SetUp() override {
    dir = fs::temp_directory_path() / ("cajal-cert-params-" + std::to_string(::getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    Loaded l = load(kRnn);
    ASSERT_TRUE(l.result.ok());
    ProveOptions options;
    Eigen::VectorXd w(4);
    w << 2.27333294746213e-15, -1.0000000000000064, 1.0000000000000262, -5.9452961470316905e-15;  // as trained
    options.params = {{"W", w}};
    Result<ProveResult> r = write_certificate(*l.result, kRnn, options, dir.string());
    ASSERT_TRUE(r.ok()) << render(r.diagnostics);
    ASSERT_EQ(r->verdict, ProveResult::Verdict::Proved) << r->reason;
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string rejection() {
    Verification v = verify_certificate(dir.string());
    return v.certified ? std::string("verified") : v.file + ": " + v.reason;
  }
};

TEST_F(CertificateWithParams, VerifiesAtTheLearnedValues) {
  Verification v = verify_certificate(dir.string());
  ASSERT_TRUE(v.certified) << v.file << ": " << v.reason;
  EXPECT_EQ(v.fixed_params, std::vector<std::string>{"W"});
  nlohmann::json params = nlohmann::json::parse(slurp(dir / "params.json"));
  EXPECT_EQ(params["W"][1].get<double>(), -1.0000000000000064);  // read back as the same double
}

TEST_F(CertificateWithParams, AlteredLearnedValuesAreRejected) {
  nlohmann::json params = nlohmann::json::parse(slurp(dir / "params.json"));
  params["W"][1] = -1.0000000000000062;  // the next double but one
  forge(dir, "params.json", params.dump(1) + "\n");
  EXPECT_EQ(rejection(), "obligation.smt2: it is not the obligation of this source and network at these param values");
}

TEST_F(CertificateWithParams, ParamsMustBeListedPresentAndWellFormed) {
  std::string original = slurp(dir / "params.json");
  fs::remove(dir / "params.json");
  EXPECT_EQ(rejection(), "params.json: certificate.json lists it, but the certificate has none");
  forge(dir, "params.json", "{\"V\": [0, 0, 0, 0]}\n");
  EXPECT_EQ(rejection(), "params.json: `V` is not a param of the network");
  forge(dir, "params.json", "{\"W\": [0, 0, 0]}\n");
  EXPECT_EQ(rejection(), "params.json: `W` must be a list of 4 numbers");
  forge(dir, "params.json", "{\"W\": [0, 0, \"1\", 0]}\n");
  EXPECT_EQ(rejection(), "params.json: `W` holds something other than a finite number");
  forge(dir, "params.json", "[1, 2]\n");
  EXPECT_EQ(rejection(), "params.json: not a JSON object of param values");
  // Unlisted: the manifest of a certificate without params, and a params.json beside it.
  forge(dir, "params.json", original);
  nlohmann::json m = nlohmann::json::parse(slurp(dir / "certificate.json"));
  m["sha256"].erase("params.json");
  std::ofstream(dir / "certificate.json", std::ios::binary) << m.dump(1);
  EXPECT_EQ(rejection(), "params.json: it is not listed in certificate.json (the values a claim is for must be bound to it)");
}

}  // namespace
}  // namespace cajal::test
