#include "cajal/network/encode.hpp"

#include <sstream>

#include "cajal/network/network.hpp"
#include "cajal/syntax/per_thread.hpp"
#include "cajal/syntax/print.hpp"

namespace cajal {

std::string key_text(const Type& key, std::size_t j) {
  if (key.kind == Type::Kind::Bool) return j == 0 ? "true" : "false";
  return std::to_string(j);
}

Eigen::VectorXd basis_vector(std::size_t dim, std::size_t j) {
  Eigen::VectorXd e = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(dim));
  e(static_cast<Eigen::Index>(j)) = 1.0;
  return e;
}

Eigen::VectorXd matrix_column(const Eigen::VectorXd& m, std::size_t cols, std::size_t j) {
  const std::size_t rows = static_cast<std::size_t>(m.size()) / cols;
  Eigen::VectorXd column(static_cast<Eigen::Index>(rows));
  for (std::size_t r = 0; r < rows; ++r)
    column(static_cast<Eigen::Index>(r)) = m(static_cast<Eigen::Index>(matrix_index(cols, r, j)));
  return column;
}

void set_matrix_column(Eigen::VectorXd& m, std::size_t cols, std::size_t j, const Eigen::VectorXd& column) {
  for (Eigen::Index r = 0; r < column.size(); ++r)
    m(static_cast<Eigen::Index>(matrix_index(cols, static_cast<std::size_t>(r), j))) = column(r);
}

Eigen::VectorXd matrix_row(const Eigen::VectorXd& m, std::size_t cols, std::size_t r) {
  return m.segment(static_cast<Eigen::Index>(matrix_index(cols, r, 0)), static_cast<Eigen::Index>(cols));
}

std::string spaced_text(const Eigen::VectorXd& x) {
  std::ostringstream ss;
  ss << "[";
  for (Eigen::Index k = 0; k < x.size(); ++k) ss << (k ? " " : "") << x(k);
  ss << "]";
  return ss.str();
}

std::string vector_text(const Eigen::VectorXd& x) { return print_numbers(std::vector<double>(x.data(), x.data() + x.size())); }

namespace {

// Why a value has no encoding: a diagnostic of ours, or the interpreter's own (kept whole, with
// its code, e.g. eval.table-miss when tabulating a function applies a table past its keys).
struct EncodeFailure {
  Diagnostic diagnostic;
};
EncodeFailure failure(std::string message) { return EncodeFailure{error_at(Span{}, std::move(message))}; }

bool without_nat(const Type& t) {
  if (t.kind == Type::Kind::Nat) return false;
  return !t.is_arrow() || (without_nat(*t.from) && without_nat(*t.to));
}

// Where an encoding is written: entry k at p[k * stride] (a function's column j inside its
// matrix is the entries j, j + cols, ... of the matrix, so a nested column is strided again).
// The entries are zero on entry; encode writes only the nonzero ones.
struct Slots {
  double* p;
  std::size_t stride;
  double& operator[](std::size_t k) const { return p[k * stride]; }
};

// One encoding at one depth. Applications go through `image`: remembered in `memo` when there is
// one, and the largest natural each met (as the Evaluator counts) is kept in `largest_natural`.
struct Encoder {
  Evaluator& ev;
  int depth;
  Columns columns;
  Tabulation::Images* memo;
  std::uint64_t largest_natural = 0;

  Result<ValuePtr> image(const ValuePtr& fn, const ValuePtr& arg, std::optional<std::size_t> basis_index) {
    // Remembered when it has a basis index, unless a table's (its application is a lookup,
    // cheaper than remembering it).
    const std::size_t j = basis_index.value_or(0);
    const bool remember = memo && basis_index && !fn->as<TableValue>();
    if (remember) {
      if (auto hit = memo->find({fn.get(), j}); hit != memo->end()) {
        largest_natural = std::max(largest_natural, hit->second.largest_natural);
        return Result<ValuePtr>::success(hit->second.value);
      }
    }
    std::uint64_t met = 0;
    Result<ValuePtr> value = ev.apply_counting(fn, arg, met);
    largest_natural = std::max(largest_natural, met);
    if (remember && value) memo->emplace(std::pair{fn.get(), j}, Tabulation::Image{fn, *value, met});
    return value;
  }

  void encode(const ValuePtr& v, const Type& type, Slots out);
};

void Encoder::encode(const ValuePtr& v, const Type& type, Slots out) {
  switch (type.kind) {
    case Type::Kind::Bool:
      if (const BoolValue* b = v->as<BoolValue>()) {
        out[b->value ? 0 : 1] = 1.0;
        return;
      }
      break;
    case Type::Kind::Nat:
      if (const NatValue* n = v->as<NatValue>()) {
        if (n->value > static_cast<std::uint64_t>(depth))
          throw failure("the natural " + std::to_string(n->value) + " exceeds the depth D = " + std::to_string(depth) +
                        "; rerun with --depth " + std::to_string(n->value) + " or more");
        out[static_cast<std::size_t>(n->value)] = 1.0;
        return;
      }
      break;
    case Type::Kind::Vec:
      if (const VecValue* x = v->as<VecValue>()) {
        if (x->x.size() != type.size) break;
        for (std::size_t k = 0; k < x->x.size(); ++k) out[k] = x->x[k];
        return;
      }
      break;
    case Type::Kind::Arrow: {
      if (const MatrixValue* m = v->as<MatrixValue>()) {
        if (m->depth != depth && !without_nat(type))
          throw failure("a matrix given at depth " + std::to_string(m->depth) + " is used at depth " +
                        std::to_string(depth));
        if (m->data.size() != dimension(type, depth)) break;
        for (std::size_t k = 0; k < m->data.size(); ++k) out[k] = m->data[k];
        return;
      }
      if (!is_function(*v)) break;
      const std::size_t cols = dimension(*type.from, depth);
      // Column j of the row-major matrix: entries j, j + cols, ... (matrix_index).
      auto column = [&](std::size_t j) { return Slots{out.p + matrix_index(cols, 0, j) * out.stride, cols * out.stride}; };
      if (type.from->is_arrow()) {
        // A function of a function: its column j is its value at the matrix unit e_j of its
        // argument's type (a matrix value, applied by E-AppMatrix). Where that has no value (the
        // unit's column is 0 there, as for a table past its keys) the column is 0: the matrix is
        // linear in its argument, and the network computes this column the same way (C-Abs).
        for (std::size_t j = 0; j < cols; ++j) {
          Result<ValuePtr> unit = value_from_vector(basis_vector(cols, j), type.from, depth);
          if (!unit) throw EncodeFailure{unit.diagnostics.front()};
          // (A unit is a matrix of this depth: its image is not remembered across depths.)
          Result<ValuePtr> y = image(v, *unit, std::nullopt);
          if (!y && y.diagnostics.front().code == "eval.table-miss") continue;
          if (!y) throw EncodeFailure{y.diagnostics.front()};
          encode(*y, *type.to, column(j));
        }
        return;
      }
      const TableValue* table = v->as<TableValue>();
      for (std::size_t j = 0; j < cols; ++j) {
        // C-Table: a table on Nat has zero columns past its largest key (no value there).
        if (table && j >= table->entries.size()) continue;
        Result<ValuePtr> y = image(v, basis_value(*type.from, j), j);
        if (!y) throw EncodeFailure{y.diagnostics.front()};
        // A column whose image is a natural above D is zero: its mass is lost, as in the matrix
        // C-Abs materializes from the function's own term (spec/denotation.md §2, §7).
        if (const NatValue* n = (*y)->as<NatValue>();
            n && n->value > static_cast<std::uint64_t>(depth) && columns == Columns::MayLose)
          continue;
        encode(*y, *type.to, column(j));
      }
      return;
    }
  }
  throw failure("internal error: a value does not have type " + print_type(type));
}

// E-AppMatrix's arithmetic: ⟦·⟧⁻¹(M ⟦v⟧).
struct MatrixMap final : LinearMap {
  Result<ValuePtr> apply(const MatrixValue& m, const ValuePtr& arg, Evaluator& ev) const override {
    const std::size_t rows = dimension(*m.type->to, m.depth), cols = dimension(*m.type->from, m.depth);
    Result<Eigen::VectorXd> x = encode_value(arg, *m.type->from, m.depth, ev);
    if (!x) return Result<ValuePtr>::failure(std::move(x.diagnostics));
    Eigen::VectorXd y = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(rows));
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t c = 0; c < cols; ++c)
        y(static_cast<Eigen::Index>(r)) += m.data[matrix_index(cols, r, c)] * (*x)(static_cast<Eigen::Index>(c));
    if (m.type->to->is_finite_base() && y.isZero(0.0)) {  // a zero column: no value, as a table past its keys
      Diagnostic none = error_at(Span{}, "the matrix has no value at this argument (its image is 0, as for a table past its keys)");
      none.code = "eval.table-miss";
      return Result<ValuePtr>::failure(std::move(none));
    }
    return value_from_vector(y, m.type->to, m.depth);
  }
};

}  // namespace

namespace {

Result<Eigen::VectorXd> encode_with(Encoder& encoder, const ValuePtr& v, const Type& type) {
  const int depth = encoder.depth;
  if (const double bytes = 8.0 * static_cast<double>(dimension(type, depth)); bytes > static_cast<double>(memory_budget()))
    return Result<Eigen::VectorXd>::failure(
        error_at(Span{}, over_budget("encoding a value of type " + print_type(type) + " at depth " + std::to_string(depth), bytes)));
  try {
    Eigen::VectorXd out = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(dimension(type, depth)));
    encoder.encode(v, type, Slots{out.data(), 1});
    return Result<Eigen::VectorXd>::success(std::move(out));
  } catch (const EncodeFailure& f) {
    return Result<Eigen::VectorXd>::failure(f.diagnostic);
  }
}

}  // namespace

Result<Eigen::VectorXd> encode_value(const ValuePtr& v, const Type& type, int depth, Evaluator& ev, Columns columns) {
  Encoder encoder{ev, depth, columns, nullptr};
  return encode_with(encoder, v, type);
}

Result<Eigen::VectorXd> Tabulation::encode(const ValuePtr& v, const Type& type, int depth, Columns columns) {
  Encoder encoder{ev_, depth, columns, &images_};
  Result<Eigen::VectorXd> x = encode_with(encoder, v, type);
  largest_natural_ = encoder.largest_natural;
  return x;
}

Result<ValuePtr> value_from_vector(const Eigen::VectorXd& x, const TypePtr& type, int depth) {
  using R = Result<ValuePtr>;
  if (static_cast<std::size_t>(x.size()) != dimension(*type, depth))
    return R::failure(error_at(Span{}, "a vector of " + std::to_string(x.size()) + " numbers is not a value of " +
                                           print_type(type) + " at depth " + std::to_string(depth)));
  std::vector<double> y(x.data(), x.data() + x.size());
  if (type->kind == Type::Kind::Vec) return R::success(make_vec(std::move(y)));
  static thread_local const auto map = make_shared_on_own_lines<MatrixMap>();
  if (type->is_arrow()) return R::success(make_matrix(MatrixValue{type, depth, std::move(y), map}));
  std::size_t hot = y.size();
  bool exact = true;
  for (std::size_t k = 0; k < y.size(); ++k) {
    if (y[k] == 1.0 && hot == y.size()) hot = k;
    else if (y[k] != 0.0) exact = false;
  }
  if (!exact || hot == y.size())
    return R::failure(error_at(Span{}, print_numbers(y) + " is a soft " +
                                           std::string(type->kind == Type::Kind::Bool ? "boolean" : "natural") +
                                           ", not a value: only the network computes with it (use --engine network)"));
  return R::success(type->kind == Type::Kind::Bool ? make_bool(hot == 0) : make_nat(hot));
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
    case Type::Kind::Bool:
    case Type::Kind::Nat: {
      auto k = one_hot();
      if (!k) return std::nullopt;
      return key_text(type, static_cast<std::size_t>(*k));
    }
    case Type::Kind::Vec:  // every real vector is a Vec value
      return vector_text(x);
    case Type::Kind::Arrow: {
      // Tables have keys Bool or Nat; a linear map on Vec is a matrix, not a table.
      if (!type.from->is_finite_base() || !without_vec(*type.to)) return std::nullopt;
      const std::size_t cols = dimension(*type.from, depth);
      std::string out = "{";
      for (std::size_t j = 0; j < cols; ++j) {
        auto image = decode(matrix_column(x, cols, j), *type.to, depth);
        if (!image) return std::nullopt;
        out += (j ? ", " : "") + key_text(*type.from, j) + " ↦ " + *image;
      }
      return out + "}";
    }
  }
  return std::nullopt;
}

}  // namespace cajal
