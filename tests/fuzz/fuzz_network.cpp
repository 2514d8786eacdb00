// Harness: network JSON (`cajal compile --emit json`, a certificate's network.json) → read and
// validate; when it validates, it is printed (--show), written back to JSON (which must read
// again), and run on basis inputs within a small work budget.
#include "cajal/network/engine.hpp"
#include "cajal/network/network.hpp"
#include "harness.hpp"

using namespace cajal;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::set_harness_budget();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = fuzz::as_text(data, size);
  fuzz::on_large_stack([&] {
    Result<Network> net = network_from_json(text, "fuzz.json");
    if (!net) return;
    (void)show(*net);
    Result<Network> back = network_from_json(to_json(*net), "again.json");
    if (!back) fuzz::property_failed("a network that read does not read back from its own JSON: " + render(back.diagnostics));
    if (net->work() > 1e5) return;
    NetworkArgs args = fuzz::basis_args(*net, 2);
    Result<NetworkRun> run = run_network(*net, args);
    if (run) (void)gradient(*net, args, Eigen::MatrixXd::Ones(run->output.rows(), 1));
  });
  return 0;
}
