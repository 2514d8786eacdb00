// A command's flags on CLI11 (cli.hpp).
#include <algorithm>

#include "cli.hpp"

namespace cajal::cli {

void Options::positionals(const std::string& name, const std::string& help) {
  CLI::Option* opt = app_.add_option(name, positional_, help)->type_name("");
  if (help.empty()) opt->group("");  // a command that takes none: collected only to be refused
}

void Options::valued(const std::string& flag, const std::string& value_name, const std::string& help) {
  std::vector<std::string>& slot = values_[flag];
  app_.add_option(flag, slot, help)->type_name(value_name)->allow_extra_args(false);
}

void Options::flag(const std::string& flag, const std::string& help) {
  app_.add_flag(flag, switches_[flag], help);
}

bool Options::has(const std::string& flag) const {
  if (auto s = switches_.find(flag); s != switches_.end()) return s->second;
  auto v = values_.find(flag);
  return v != values_.end() && !v->second.empty();
}

std::vector<std::string> Options::all(const std::string& flag) const {
  auto v = values_.find(flag);
  return v == values_.end() ? std::vector<std::string>{} : v->second;
}

std::optional<std::string> Options::one(const std::string& flag) const {
  std::vector<std::string> values = all(flag);
  if (values.size() > 1) throw UsageError{flag + " is given more than once"};
  if (values.empty()) return std::nullopt;
  return values.front();
}

namespace {
// Edit distance (insertions, deletions, substitutions), for "did you mean".
std::size_t distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}
}  // namespace

void Options::reject_extras() const {
  std::vector<std::string> extras = app_.remaining();
  if (extras.empty()) return;
  const std::string word = extras.front();
  const std::string name = word.substr(0, word.find('='));
  std::string closest;
  std::size_t best = std::string::npos;
  for (const CLI::Option* opt : app_.get_options()) {
    std::vector<std::string> names;
    for (const std::string& l : opt->get_lnames()) names.push_back("--" + l);
    for (const std::string& s : opt->get_snames()) names.push_back("-" + s);
    for (const std::string& n : names)
      if (std::size_t d = distance(name, n); d < best) best = d, closest = n;
  }
  throw UsageError{"unknown option " + word + (closest.empty() ? "" : " (did you mean " + closest + "?)")};
}

}  // namespace cajal::cli
