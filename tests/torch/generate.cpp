// Writes random well-typed programs (the oracle's generator) as .cj files, for tests that drive
// the `cajal` binary or other tools on many programs: generate DIR COUNT SEED [MAX_SIZE]
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "cajal/testing/generators.hpp"

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: generate DIR COUNT SEED [MAX_SIZE]\n";
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  const long count = std::atol(argv[2]);
  const unsigned long long seed = std::strtoull(argv[3], nullptr, 10);
  const int max_size = argc > 4 ? std::atoi(argv[4]) : 30;
  std::filesystem::create_directories(dir);
  for (long i = 0; i < count; ++i) {
    cajal::testing::SplitMix64 random(seed * 1000003ULL + static_cast<unsigned long long>(i));
    cajal::testing::RecordedChoices choices(random);
    cajal::testing::GeneratedProgram p = cajal::testing::make_program(choices, static_cast<int>(i % (max_size + 1)));
    std::ofstream(dir / ("program-" + std::to_string(i) + ".cj")) << cajal::testing::to_source(p);
  }
  return 0;
}
