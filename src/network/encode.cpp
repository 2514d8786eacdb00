#include "cajal/network/encode.hpp"

#include <sstream>

#include "cajal/network/network.hpp"
#include "cajal/syntax/print.hpp"

namespace cajal {

Result<Eigen::VectorXd> encode_value(const ValuePtr& v, const Type& type, int depth, Evaluator& ev) {
  Result<std::vector<double>> x = ev.encode(v, type, depth);
  if (!x) return Result<Eigen::VectorXd>::failure(std::move(x.diagnostics));
  return Result<Eigen::VectorXd>::success(Eigen::Map<const Eigen::VectorXd>(x->data(), static_cast<Eigen::Index>(x->size())));
}

std::optional<std::string> decode(const Eigen::VectorXd& x, const Type& type, int depth) {
  auto one_hot = [&]() -> std::optional<Eigen::Index> {
    Eigen::Index hot = -1;
    for (Eigen::Index k = 0; k < x.size(); ++k) {
      if (x(k) == 1.0 && hot < 0) hot = k;
      else if (x(k) != 0.0) return std::nullopt;
    }
    if (hot < 0) return std::nullopt;
    return hot;
  };
  switch (type.kind) {
    case Type::Kind::Bool: {
      auto k = one_hot();
      if (!k) return std::nullopt;
      return *k == 0 ? "true" : "false";
    }
    case Type::Kind::Nat: {
      auto k = one_hot();
      if (!k) return std::nullopt;
      return std::to_string(*k);
    }
    case Type::Kind::Vec: {  // every real vector is a Vec value
      std::ostringstream ss;
      ss << "[";
      for (Eigen::Index k = 0; k < x.size(); ++k) ss << (k ? ", " : "") << x(k);
      ss << "]";
      return ss.str();
    }
    case Type::Kind::Arrow: {
      // Tables have keys Bool or Nat; a linear map on Vec is a matrix, not a table.
      if (!type.from->is_finite_base() || !without_vec(*type.to)) return std::nullopt;
      const Eigen::Index cols = static_cast<Eigen::Index>(dimension(*type.from, depth));
      const Eigen::Index rows = static_cast<Eigen::Index>(dimension(*type.to, depth));
      std::string out = "{";
      for (Eigen::Index j = 0; j < cols; ++j) {
        Eigen::VectorXd column(rows);
        for (Eigen::Index r = 0; r < rows; ++r) column(r) = x(r * cols + j);
        auto image = decode(column, *type.to, depth);
        if (!image) return std::nullopt;
        std::string arg = type.from->kind == Type::Kind::Bool ? (j == 0 ? "true" : "false") : std::to_string(j);
        out += (j ? ", " : "") + arg + " ↦ " + *image;
      }
      return out + "}";
    }
  }
  return std::nullopt;
}

}  // namespace cajal
