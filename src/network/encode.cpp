#include "cajal/network/encode.hpp"

#include "cajal/network/network.hpp"
#include "cajal/syntax/print.hpp"

namespace cajal {

ValuePtr basis_value(const Type& type, std::size_t j) {
  if (type.kind == Type::Kind::Bool) return make_bool(j == 0);
  return make_nat(j);
}

Result<Eigen::VectorXd> encode_value(const ValuePtr& v, const Type& type, int depth, Evaluator& ev) {
  using R = Result<Eigen::VectorXd>;
  const Eigen::Index dim = static_cast<Eigen::Index>(dimension(type, depth));
  Eigen::VectorXd out = Eigen::VectorXd::Zero(dim);
  switch (type.kind) {
    case Type::Kind::Bool: {
      const BoolValue* b = v->as<BoolValue>();
      if (!b) break;
      out(b->value ? 0 : 1) = 1.0;
      return R::success(out);
    }
    case Type::Kind::Nat: {
      const NatValue* n = v->as<NatValue>();
      if (!n) break;
      if (n->value > static_cast<std::uint64_t>(depth))
        return R::failure(error_at(Span{}, "the natural " + std::to_string(n->value) + " exceeds the depth D = " +
                                               std::to_string(depth) + "; rerun with --depth " +
                                               std::to_string(n->value) + " or more"));
      out(static_cast<Eigen::Index>(n->value)) = 1.0;
      return R::success(out);
    }
    case Type::Kind::Arrow: {
      if (!is_function(*v)) break;
      if (type.from->is_arrow())
        return R::failure(error_at(Span{}, "a value of type " + print_type(type) +
                                               " cannot be encoded from the interpreter: its argument is a function"));
      const Eigen::Index cols = static_cast<Eigen::Index>(dimension(*type.from, depth));
      const Eigen::Index rows = static_cast<Eigen::Index>(dimension(*type.to, depth));
      const TableValue* table = v->as<TableValue>();
      for (Eigen::Index j = 0; j < cols; ++j) {
        // C-Table: a table on Nat has zero columns past its largest key (no value there).
        if (table && static_cast<std::size_t>(j) >= table->entries.size()) continue;
        Result<ValuePtr> image = ev.apply(v, basis_value(*type.from, static_cast<std::size_t>(j)));
        if (!image) return R::failure(std::move(image.diagnostics));
        Result<Eigen::VectorXd> column = encode_value(*image, *type.to, depth, ev);
        if (!column) return column;
        for (Eigen::Index r = 0; r < rows; ++r) out(r * cols + j) = (*column)(r);  // row-major
      }
      return R::success(out);
    }
  }
  return R::failure(error_at(Span{}, "internal error: a value does not have type " + print_type(type)));
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
    case Type::Kind::Arrow: {
      if (type.from->is_arrow()) return std::nullopt;
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
