// Counting what a property explored, so that a property cannot pass while exploring a sliver of
// what its name says: each property counts the kinds of input and construct it saw, prints the
// table on every run (ctest -V, or run build/tests/cajal_property_tests directly), and asserts
// minimum shares after the run.
#pragma once

#include <gtest/gtest.h>

#include <iomanip>
#include <iostream>
#include <map>
#include <string>

namespace cajal::test {

class Distribution {
 public:
  explicit Distribution(std::string title) : title_(std::move(title)) {}
  void count(const std::string& tag, bool happened = true) {
    if (happened) ++counts_[tag];
  }
  void trial() { ++trials_; }
  int trials() const { return trials_; }
  int operator[](const std::string& tag) const {
    auto it = counts_.find(tag);
    return it == counts_.end() ? 0 : it->second;
  }
  double share(const std::string& tag) const { return trials_ == 0 ? 0.0 : double((*this)[tag]) / trials_; }
  void print() const {
    std::cout << "distribution: " << title_ << ", % of " << trials_ << " cases:\n";
    for (const auto& [tag, n] : counts_)
      std::cout << "  " << std::setw(6) << std::fixed << std::setprecision(1) << 100.0 * n / std::max(1, trials_) << "%  "
                << tag << "\n";
    std::cout.unsetf(std::ios::floatfield);
  }
  // The share of cases with `tag` is at least `minimum` (a fraction).
  void expect_at_least(const std::string& tag, double minimum) const {
    EXPECT_GE(share(tag), minimum) << title_ << ": `" << tag << "` in " << (*this)[tag] << " of " << trials_
                                   << " cases, below the minimum share " << minimum;
  }
  void expect_at_most(const std::string& tag, double maximum) const {
    EXPECT_LE(share(tag), maximum) << title_ << ": `" << tag << "` in " << (*this)[tag] << " of " << trials_
                                   << " cases, above the maximum share " << maximum;
  }

 private:
  std::string title_;
  std::map<std::string, int> counts_;
  int trials_ = 0;
};

}  // namespace cajal::test
