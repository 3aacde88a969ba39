// CSR kernels on the CPU.  A CSR matrix (weights, indices, indptr) of shape (num_rows, num_cols)
// has one weight (homogeneous) or one per stored entry.
//
//   event scatters  (event_csr_sum/prod[_into]): every row with an event adds (multiplies) its
//                   weights into its columns; only the rows with an event are visited (silent
//                   rows cost one byte test each, 16 at a time for boolean events).
//   event gather    (event_csr_gather): row i sums the weights of its entries whose column has
//                   an event.
//   matvec          (csr_matvec): row i sums weight * x[col]; transposed, x[row] * weight is
//                   scattered into the columns.
//
// Entries whose column falls outside the result are skipped (as `jax.ops.segment_sum` drops
// them); the gathers' column indices, which index the vector, are checked.  A row pointer that
// does not run without decreasing from 0 to nnz is reported as an error whichever rows the events
// select: every call checks the whole row pointer first (`valid_indptr`), except the
// "_prechecked" scatters, whose row pointer brainpylib's Python side has checked (a constant of
// the compiled program, checked with NumPy when it is traced); the rows a scatter visits are
// checked again as they are read.

#include <algorithm>
#include <cstdint>
#include <vector>

#include "cpu/events.h"
#include "cpu/parallel.h"
#include "cpu/targets.inc"
#include "arg_checks.h"
#include "ffi_common.h"
#include "targets.h"

namespace ffi = xla::ffi;

namespace {

using brainpylib::Batch;
using brainpylib::CsrCall;
using brainpylib::invalid;
using brainpylib::kBadColumn;
using brainpylib::kBadIndptr;

// Row pointer arrays up to this size are taken to stay in cache between time steps.
constexpr int64_t kCachedRowPointerBytes = int64_t{1} << 20;

// Whether a CSR row pointer is well formed: it starts at 0, ends at nnz and never decreases (so
// every entry is within [0, nnz]).  The comparisons are made a block at a time without branches,
// which the compiler vectorizes: about 0.14 ns per row.
template <typename I>
bool valid_indptr(const I *indptr, int64_t num_rows, int64_t nnz) {
  if (indptr[0] != 0 || static_cast<int64_t>(indptr[num_rows]) != nnz) return false;
  constexpr int64_t kBlock = 4096;
  for (int64_t start = 0; start < num_rows; start += kBlock) {
    const int64_t stop = std::min(num_rows, start + kBlock);
    int decreasing = 0;
    for (int64_t i = start; i < stop; ++i) decreasing |= indptr[i + 1] < indptr[i];
    if (decreasing) return false;
  }
  return true;
}

struct CsrArgs {
  const void *weights;
  bool homogeneous;
  const void *indices;
  const void *indptr;
  int64_t num_rows;
  int64_t nnz;
};

enum class Scatter { kSum, kProd };
enum class CsrOp { kGather, kMatvec, kMatvecTransposed };

// Event scatter: every row with an event adds (multiplies, kProd) its weights into its columns.
// The handler has checked the whole row pointer (or the caller did); the rows visited are checked
// again as they are read (free: their pointers are loaded anyway), returning false when one is
// not within [0, nnz].  A first pass finds the rows with an event and prefetches their entries
// (for row pointers that do not fit in cache, first the pointers, then in a second pass the
// entries, loaded: `touch_range`, measured faster there than prefetches); then the scatter.
// With `base`, the result starts from base * scale instead of 0 (1 for products); `base` may be
// `out` itself (an update in place).
template <Scatter Op, typename T, typename I, typename C, typename E>
bool event_scatter(const CsrArgs &a, const E *events, T *out, int64_t num_out, const T *base, T scale) {
  const T *w = static_cast<const T *>(a.weights);
  const C *indices = static_cast<const C *>(a.indices);  // int32/int64 as the row pointer, or uint16
  const I *indptr = static_cast<const I *>(a.indptr);
  brainpylib::prefer_huge_pages(indices, static_cast<int64_t>(sizeof(C)) * a.nnz);
  if (!a.homogeneous) brainpylib::prefer_huge_pages(w, static_cast<int64_t>(sizeof(T)) * a.nnz);
  thread_local std::vector<int64_t> rows;
  rows.clear();
  // checks row i's bounds, then requests its entries (and weights) with `request`
  auto check_row = [&](int64_t i, auto &&request) {
    const int64_t begin = indptr[i], end = indptr[i + 1];
    if (begin < 0 || end < begin || end > a.nnz) return false;
    request(indices, begin, end);
    if (!a.homogeneous) request(w, begin, end);
    return true;
  };
  uint64_t touched = 0;
  auto prefetch = [](const auto *data, int64_t begin, int64_t end) { brainpylib::prefetch_range(data, begin, end); };
  auto load = [&touched](const auto *data, int64_t begin, int64_t end) {
    touched += brainpylib::touch_range(data, sizeof(*data), begin, end);
  };
  auto check_and_prefetch = [&](int64_t i) { return check_row(i, prefetch); };
  auto check_and_touch = [&](int64_t i) { return check_row(i, load); };
  if (static_cast<int64_t>(sizeof(I)) * a.num_rows <= kCachedRowPointerBytes) {
    const bool valid = brainpylib::for_each_event(events, a.num_rows, [&](int64_t i) {
      rows.push_back(i);
      return check_and_prefetch(i);
    });
    if (!valid) return false;
  } else {
    // Row pointers beyond the cache: those of the spiking rows are requested first and the
    // rows' entries once they arrive (two waves of independent misses, not a dependent pair
    // of misses per row).  The entries are loaded rather than prefetched, which was measured
    // faster in these large arrays (the scatter of a 400k x 400k projection, 70k additions per
    // step: 272-291 -> 199-213 us; with the row pointers in cache, as at 40k, no difference).
    brainpylib::for_each_event(events, a.num_rows, [&](int64_t i) {
      rows.push_back(i);
      __builtin_prefetch(indptr + i);
      return true;
    });
    for (const int64_t i : rows) {
      if (!check_and_touch(i)) return false;
    }
  }
  brainpylib::keep(touched);
  if (base != nullptr) {
    // base + sums written over base itself (event_csr_add_many, aliased by XLA): nothing to do
    // before the additions
    if (base != out || scale != T(1)) brainpylib::scale_into(base, scale, out, num_out);
  } else {
    std::fill(out, out + num_out, Op == Scatter::kProd ? T(1) : T(0));
  }
  const uint64_t bound = static_cast<uint64_t>(num_out);
  auto scatter_row = [&](int64_t begin, int64_t end, auto weight) {
    for (int64_t j = begin; j < end; ++j) {
      const uint64_t c = static_cast<uint64_t>(static_cast<int64_t>(indices[j]));
      if (c >= bound) continue;
      if constexpr (Op == Scatter::kProd) {
        out[c] *= weight(j);
      } else {
        out[c] += weight(j);
      }
    }
  };
  for (const int64_t i : rows) {
    if (a.homogeneous) {
      const T v = w[0];
      scatter_row(indptr[i], indptr[i + 1], [v](int64_t) { return v; });
    } else {
      scatter_row(indptr[i], indptr[i + 1], [w](int64_t j) { return w[j]; });
    }
  }
  return true;
}

// The gathers and the matrix-vector products: every row visited.
template <CsrOp Op, typename T, typename I>
void csr_kernel(const CsrArgs &a, const void *x, ffi::DataType x_type, T *out, int64_t num_out) {
  const T *w = static_cast<const T *>(a.weights);
  const I *indices = static_cast<const I *>(a.indices);
  const I *indptr = static_cast<const I *>(a.indptr);
  std::fill(out, out + num_out, T(0));
  for (int64_t i = 0; i < a.num_rows; ++i) {
    const I begin = indptr[i], end = indptr[i + 1];
    if constexpr (Op == CsrOp::kGather) {
      T acc = 0;
      for (I j = begin; j < end; ++j) {
        if (brainpylib::event_on(x, x_type, indices[j])) acc += a.homogeneous ? w[0] : w[j];
      }
      out[i] = acc;
    } else if constexpr (Op == CsrOp::kMatvec) {
      const T *xv = static_cast<const T *>(x);
      T acc = 0;
      for (I j = begin; j < end; ++j) acc += (a.homogeneous ? w[0] : w[j]) * xv[indices[j]];
      out[i] = acc;
    } else {
      const T xi = static_cast<const T *>(x)[i];
      if (xi == T(0)) continue;
      for (I j = begin; j < end; ++j) {
        const I c = indices[j];
        if (c < 0 || c >= num_out) continue;
        out[c] += (a.homogeneous ? w[0] : w[j]) * xi;
      }
    }
  }
}

// Checks the row pointer of batch element `a` unless it is the one checked last (batches may
// share it).
bool check_indptr_once(const CsrCall &call, const CsrArgs &a, const void **checked) {
  if (a.indptr == *checked) return true;
  const bool ok = call.index_type == ffi::DataType::S32
                      ? valid_indptr(static_cast<const int32_t *>(a.indptr), call.num_rows, call.nnz)
                      : valid_indptr(static_cast<const int64_t *>(a.indptr), call.num_rows, call.nnz);
  if (ok) *checked = a.indptr;
  return ok;
}

CsrArgs csr_slice(const CsrCall &call, const ffi::AnyBuffer &weights, const ffi::AnyBuffer &indices,
                  const ffi::AnyBuffer &indptr, int64_t b) {
  return CsrArgs{brainpylib::slice(weights, call.batch, b), call.num_w == 1,
                 brainpylib::slice(indices, call.batch, b), brainpylib::slice(indptr, call.batch, b),
                 call.num_rows, call.nnz};
}

// The event scatters; `base` (event_csr_sum_into): the result starts from base * scale.
template <Scatter Op>
ffi::Error scatter_handler(const char *name, bool prechecked, ffi::AnyBuffer events, ffi::AnyBuffer weights,
                           ffi::AnyBuffer indices, ffi::AnyBuffer indptr, ffi::Result<ffi::AnyBuffer> out,
                           const ffi::AnyBuffer *base = nullptr, double scale = 1.0) {
  CsrCall call;
  if (ffi::Error e = brainpylib::check_csr(name, true, true, events, weights, indices, indptr, out, base, &call,
                                           /*narrow_columns=*/true);
      e.failure()) {
    return e;
  }
  const void *checked = nullptr;
  for (int64_t b = 0; b < call.batch.count; ++b) {
    const CsrArgs a = csr_slice(call, weights, indices, indptr, b);
    if (!prechecked && !check_indptr_once(call, a, &checked)) return invalid(name, kBadIndptr);
    const void *x = brainpylib::slice(events, call.batch, b);
    const void *bb = base == nullptr ? nullptr : brainpylib::slice(*base, call.batch, b);
    void *ob = brainpylib::result_slice(out, call.batch, b);
    const bool ok = brainpylib::visit_value_index(call.value_type, call.index_type, [&](auto t, auto i) {
      using T = decltype(t);
      using I = decltype(i);
      return brainpylib::visit_event(events.element_type(), [&](auto e) {
        using E = decltype(e);
        if (call.column_type == ffi::DataType::U16) {
          return event_scatter<Op, T, I, uint16_t, E>(a, static_cast<const E *>(x), static_cast<T *>(ob),
                                                      call.num_out, static_cast<const T *>(bb), static_cast<T>(scale));
        }
        return event_scatter<Op, T, I, I, E>(a, static_cast<const E *>(x), static_cast<T *>(ob), call.num_out,
                                             static_cast<const T *>(bb), static_cast<T>(scale));
      });
    });
    if (!ok) return invalid(name, kBadIndptr);
  }
  return ffi::Error::Success();
}

template <CsrOp Op>
ffi::Error csr_op_handler(const char *name, ffi::AnyBuffer x, ffi::AnyBuffer weights, ffi::AnyBuffer indices,
                          ffi::AnyBuffer indptr, ffi::Result<ffi::AnyBuffer> out) {
  constexpr bool kGathers = Op != CsrOp::kMatvecTransposed;  // x indexed by the column indices
  CsrCall call;
  if (ffi::Error e = brainpylib::check_csr(name, Op == CsrOp::kGather, !kGathers, x, weights, indices, indptr, out,
                                           nullptr, &call);
      e.failure()) {
    return e;
  }
  const void *checked = nullptr;
  for (int64_t b = 0; b < call.batch.count; ++b) {
    const CsrArgs a = csr_slice(call, weights, indices, indptr, b);
    if (!check_indptr_once(call, a, &checked)) return invalid(name, kBadIndptr);
    const bool columns_ok = brainpylib::visit_value_index(call.value_type, call.index_type, [&](auto t, auto i) {
      using T = decltype(t);
      using I = decltype(i);
      if (kGathers) {
        const I *ind = static_cast<const I *>(a.indices);
        for (int64_t j = 0; j < call.nnz; ++j) {
          if (ind[j] < 0 || ind[j] >= call.num_x) return false;
        }
      }
      csr_kernel<Op, T, I>(a, brainpylib::slice(x, call.batch, b), x.element_type(),
                           static_cast<T *>(brainpylib::result_slice(out, call.batch, b)), call.num_out);
      return true;
    });
    if (!columns_ok) return invalid(name, kBadColumn);
  }
  return ffi::Error::Success();
}

template <Scatter Op, bool Prechecked>
ffi::Error EventScatter(ffi::AnyBuffer events, ffi::AnyBuffer weights, ffi::AnyBuffer indices,
                        ffi::AnyBuffer indptr, ffi::Result<ffi::AnyBuffer> out) {
  return scatter_handler<Op>(Op == Scatter::kSum ? "event_csr_sum" : "event_csr_prod", Prechecked, events,
                             weights, indices, indptr, out);
}

// base * scale plus the event sum, written over `base` when the caller aliases the two (a decaying
// conductance receiving its spikes in one pass).
template <bool Prechecked>
ffi::Error EventScatterInto(ffi::AnyBuffer events, ffi::AnyBuffer weights, ffi::AnyBuffer indices,
                            ffi::AnyBuffer indptr, ffi::AnyBuffer base, ffi::Result<ffi::AnyBuffer> out,
                            double scale) {
  return scatter_handler<Scatter::kSum>("event_csr_sum_into", Prechecked, events, weights, indices, indptr, out,
                                        &base, scale);
}

// Asynchronous event scatters (targets "..._async").  XLA:CPU runs the operations of a step that
// become ready together one after another on one thread unless there are many of them, and a
// network's projections are a few independent scatters per step.  These variants run the same
// kernel as a task on XLA's intra-op thread pool and return a future: XLA goes on with the next
// ready operation on its own thread and waits for the future only where the result is used, so
// the projections of a large network proceed in parallel.  The Python side picks them for large
// scatters only: for small ones handing over to another thread costs more than it saves.
template <Scatter Op, bool Prechecked>
ffi::Future EventScatterAsync(ffi::ThreadPool pool, ffi::AnyBuffer events, ffi::AnyBuffer weights,
                              ffi::AnyBuffer indices, ffi::AnyBuffer indptr, ffi::Result<ffi::AnyBuffer> out) {
  return brainpylib::run_async(
      pool, [=]() { return EventScatter<Op, Prechecked>(events, weights, indices, indptr, out); });
}

template <bool Prechecked>
ffi::Future EventScatterIntoAsync(ffi::ThreadPool pool, ffi::AnyBuffer events, ffi::AnyBuffer weights,
                                  ffi::AnyBuffer indices, ffi::AnyBuffer indptr, ffi::AnyBuffer base,
                                  ffi::Result<ffi::AnyBuffer> out, double scale) {
  return brainpylib::run_async(pool, [=]() {
    return EventScatterInto<Prechecked>(events, weights, indices, indptr, base, out, scale);
  });
}

// Several event sums in one call (targets "event_csr_sum_many" and "event_csr_add_many"): per
// projection k the arguments are its events, weights, indices and row pointer (checked by the
// Python side, as for the "_prechecked" scatters), and for the add variant (`kAdd`) a base vector,
// result k being base plus the sum (in base's buffer when XLA aliases the two: then only the
// spikes' synapses are written).  A network's projections then cost one operation of the executor
// per step instead of one each.  From `kManyParallelMinElements` rows plus results in all they are
// shared out over XLA's thread pool, one projection per task; below that the projections run one
// after the other on the calling thread, which was measured faster (COBA at 40k neurons, 160k
// rows plus results: 53-62 us per step serial against 69-71 shared; at 400k, 1.6M: 810-900
// serial against 525-570 shared; equal at 100k).
constexpr int64_t kManyParallelMinElements = int64_t{1} << 19;

template <bool kAdd>
ffi::Error EventScatterMany(ffi::ThreadPool pool, ffi::RemainingArgs args, ffi::RemainingRets rets) {
  constexpr const char *kName = kAdd ? "event_csr_add_many" : "event_csr_sum_many";
  constexpr int64_t kArity = kAdd ? 5 : 4;
  const int64_t count = static_cast<int64_t>(rets.size());
  if (static_cast<int64_t>(args.size()) != kArity * count) {
    return invalid(kName, kAdd ? "needs five arguments per result" : "needs four arguments per result");
  }
  // the buffers of projection k (in the handler's argument order), or the decoding error
  auto projection = [&](int64_t k, auto &&use) -> ffi::Error {
    ffi::ErrorOr<ffi::AnyBuffer> events = args.get<ffi::AnyBuffer>(kArity * k);
    ffi::ErrorOr<ffi::AnyBuffer> weights = args.get<ffi::AnyBuffer>(kArity * k + 1);
    ffi::ErrorOr<ffi::AnyBuffer> indices = args.get<ffi::AnyBuffer>(kArity * k + 2);
    ffi::ErrorOr<ffi::AnyBuffer> indptr = args.get<ffi::AnyBuffer>(kArity * k + 3);
    ffi::ErrorOr<ffi::AnyBuffer> base = args.get<ffi::AnyBuffer>(kArity * k + (kAdd ? 4 : 0));
    ffi::ErrorOr<ffi::Result<ffi::AnyBuffer>> result = rets.get<ffi::AnyBuffer>(k);
    for (auto *buffer : {&events, &weights, &indices, &indptr, &base}) {
      if (buffer->has_error()) return buffer->error();
    }
    if (result.has_error()) return result.error();
    return use(events.value(), weights.value(), indices.value(), indptr.value(), base.value(), result.value());
  };
  auto scatter = [&](ffi::AnyBuffer events, ffi::AnyBuffer weights, ffi::AnyBuffer indices, ffi::AnyBuffer indptr,
                     ffi::AnyBuffer base, ffi::Result<ffi::AnyBuffer> out) {
    return scatter_handler<Scatter::kSum>(kName, true, events, weights, indices, indptr, out,
                                          kAdd ? &base : nullptr, 1.0);
  };
  // the serial path needs no count of the work; the parallel one only rows plus results
  int64_t work = 0;
  for (int64_t k = 0; count > 1 && k < count && work < kManyParallelMinElements; ++k) {
    ffi::ErrorOr<ffi::AnyBuffer> events = args.get<ffi::AnyBuffer>(kArity * k);
    ffi::ErrorOr<ffi::Result<ffi::AnyBuffer>> result = rets.get<ffi::AnyBuffer>(k);
    if (events.has_error()) return events.error();
    if (result.has_error()) return result.error();
    work += brainpylib::element_count(events.value().dimensions()) +
            brainpylib::element_count(result.value()->dimensions());
  }
  if (count <= 1 || work < kManyParallelMinElements) {
    for (int64_t k = 0; k < count; ++k) {
      if (ffi::Error e = projection(k, scatter); e.failure()) return e;
    }
    return ffi::Error::Success();
  }
  std::vector<ffi::Error> errors(count, ffi::Error::Success());
  brainpylib::parallel_tasks(&pool, count, [&](int64_t k) { errors[k] = projection(k, scatter); });
  for (ffi::Error &error : errors) {
    if (error.failure()) return std::move(error);
  }
  return ffi::Error::Success();
}

ffi::Error EventCsrGather(ffi::AnyBuffer events, ffi::AnyBuffer weights, ffi::AnyBuffer indices,
                          ffi::AnyBuffer indptr, ffi::Result<ffi::AnyBuffer> out) {
  return csr_op_handler<CsrOp::kGather>("event_csr_gather", events, weights, indices, indptr, out);
}

ffi::Error CsrMatvec(ffi::AnyBuffer vector, ffi::AnyBuffer weights, ffi::AnyBuffer indices,
                     ffi::AnyBuffer indptr, ffi::Result<ffi::AnyBuffer> out, int64_t transpose) {
  return transpose ? csr_op_handler<CsrOp::kMatvecTransposed>("csr_matvec", vector, weights, indices, indptr, out)
                   : csr_op_handler<CsrOp::kMatvec>("csr_matvec", vector, weights, indices, indptr, out);
}

}  // namespace

BPL_CPU_CSR_TARGETS(BPL_DEFINE_TARGET)
