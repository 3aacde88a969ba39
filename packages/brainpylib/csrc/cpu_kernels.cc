// CPU kernels of brainpylib, exposed to XLA through the FFI.
//
// Every handler takes AnyBuffer arguments and dispatches on the element types at run time, so
// one registered target serves float32/float64 values and int32/int64 indices.  All arguments
// and results are vectors; leading batch axes added by `vmap` (vmap_method="expand_dims") are
// looped over, see `Batch` in common.h.  Entries whose index falls outside the result are
// skipped (as `jax.ops.segment_sum` drops them); a CSR row pointer that does not run without
// decreasing from 0 to nnz is reported as an error, whichever rows the events select: every call
// checks the whole row pointer first (`valid_indptr`).  The event scatters then visit only the rows whose
// event is set (silent rows cost one byte test each, 16 at a time for boolean events).

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <pybind11/pybind11.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "common.h"
#include "xla/ffi/api/ffi.h"

namespace py = pybind11;
namespace ffi = xla::ffi;
using brainpylib::Batch;

namespace {

ffi::Error invalid(const char *kernel, const std::string &what) {
  return ffi::Error::InvalidArgument(std::string("brainpylib_") + kernel + ": " + what);
}

// ---------------------------------------------------------------------------------------------
// Splitting large element-wise passes over XLA's intra-op thread pool.
// ---------------------------------------------------------------------------------------------

// Below this many elements a pass runs on the calling thread: waking another thread costs more
// than it saves (the per-step arrays of a network of ~100k neurons stay in cache).
constexpr int64_t kParallelMinElements = int64_t{1} << 17;
// Row pointer arrays up to this size are taken to stay in cache between time steps.
constexpr int64_t kCachedRowPointerBytes = int64_t{1} << 20;

// Runs body(begin, end) over [0, n).  Large ranges are cut into chunks shared by the calling
// thread and pool workers: every thread claims chunks from a counter, and the caller, after it
// has claimed the last one, waits only for chunks that other threads are running, never for a
// task still queued; so a busy (or one-thread) pool only means the caller does more chunks.
void parallel_for(ffi::ThreadPool *pool, int64_t n, const std::function<void(int64_t, int64_t)> &body) {
  const int64_t workers = pool == nullptr ? 0 : pool->num_threads();
  const int64_t chunks = std::min<int64_t>(workers + 1, n / (kParallelMinElements / 2));
  if (n < kParallelMinElements || chunks <= 1) {
    body(0, n);
    return;
  }
  struct State {
    std::atomic<int64_t> next{0};
    std::atomic<int64_t> done{0};
    int64_t chunks = 0, n = 0;
    const std::function<void(int64_t, int64_t)> *body = nullptr;
  };
  auto state = std::make_shared<State>();
  state->chunks = chunks;
  state->n = n;
  state->body = &body;  // only dereferenced for claimed chunks, all finished before we return
  auto work = [](State &st) {
    for (;;) {
      const int64_t c = st.next.fetch_add(1, std::memory_order_relaxed);
      if (c >= st.chunks) return;
      (*st.body)(st.n * c / st.chunks, st.n * (c + 1) / st.chunks);
      st.done.fetch_add(1, std::memory_order_acq_rel);
    }
  };
  for (int64_t k = 0; k + 1 < chunks; ++k) pool->Schedule([state, work]() { work(*state); });
  work(*state);
  while (state->done.load(std::memory_order_acquire) < chunks) std::this_thread::yield();
}

// Whether a CSR row pointer is well formed: it starts at 0, ends at nnz and never decreases (so
// every entry is within [0, nnz]).  Every handler checks the whole row pointer once per call (per
// distinct batch slice), whichever rows its events select, so a malformed one is always reported;
// the event scatters skip this pass for a row pointer the Python side has already checked (the
// "_prechecked" targets, see `csr_handler`).  The comparisons are made a block at a time without
// branches, which the compiler vectorizes: about 0.14 ns per row.
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

// ---------------------------------------------------------------------------------------------
// CSR kernels.  A CSR matrix (weights, indices, indptr) of shape (num_rows, num_cols) with one
// weight (homogeneous) or one per stored entry.
// ---------------------------------------------------------------------------------------------

struct CsrArgs {
  const void *weights;
  bool homogeneous;
  const void *indices;
  const void *indptr;
  int64_t num_rows;
  int64_t nnz;
};

// Index of the first event set at or after `i`, or `n` when there is none.  Spikes are sparse, so
// boolean events are skipped 32 bytes at a time.
template <typename E>
int64_t next_event(const E *events, int64_t i, int64_t n) {
  for (; i < n; ++i) {
    if (events[i] != E(0)) return i;
  }
  return n;
}

template <>
int64_t next_event<bool>(const bool *events, int64_t i, int64_t n) {
  const unsigned char *bytes = reinterpret_cast<const unsigned char *>(events);
  for (; i < n && (i & 7) != 0; ++i) {
    if (bytes[i]) return i;
  }
  for (; i + 32 <= n; i += 32) {
    uint64_t words[4];
    std::memcpy(words, bytes + i, sizeof(words));
    if ((words[0] | words[1] | words[2] | words[3]) != 0) break;
  }
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, bytes + i, sizeof(word));
    if (word != 0) break;
  }
  for (; i < n; ++i) {
    if (bytes[i]) return i;
  }
  return n;
}

// Calls visit(i) for every non-zero event, in order, until it returns false; returns whether it
// never did.  Boolean events are tested 16 bytes at a time (a byte mask of the non-zero ones).
template <typename E, typename Visit>
bool for_each_event(const E *events, int64_t n, Visit &&visit) {
  for (int64_t i = next_event(events, 0, n); i < n; i = next_event(events, i + 1, n)) {
    if (!visit(i)) return false;
  }
  return true;
}

#if defined(__SSE2__)
template <typename Visit>
bool for_each_event(const bool *events, int64_t n, Visit &&visit) {
  const unsigned char *bytes = reinterpret_cast<const unsigned char *>(events);
  const __m128i zero = _mm_setzero_si128();
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i *>(bytes + i));
    unsigned mask = ~static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, zero))) & 0xFFFFu;
    while (mask != 0) {
      if (!visit(i + __builtin_ctz(mask))) return false;
      mask &= mask - 1;
    }
  }
  for (; i < n; ++i) {
    if (bytes[i] && !visit(i)) return false;
  }
  return true;
}
#endif

// base * scale into out (which may be base), in the widest vectors the processor has.
template <typename T>
inline __attribute__((always_inline)) void scale_loop(const T *base, T scale, T *out, int64_t n) {
  for (int64_t k = 0; k < n; ++k) out[k] = base[k] * scale;
}

#if defined(__x86_64__) || defined(__i386__)
template <typename T>
__attribute__((target("avx512f,prefer-vector-width=512"))) void scale_avx512(const T *base, T scale, T *out,
                                                                            int64_t n) {
  scale_loop(base, scale, out, n);
}

template <typename T>
__attribute__((target("avx2"))) void scale_avx2(const T *base, T scale, T *out, int64_t n) {
  scale_loop(base, scale, out, n);
}

template <typename T>
void scale_into(const T *base, T scale, T *out, int64_t n) {
  static const bool has_avx512 = __builtin_cpu_supports("avx512f");
  static const bool has_avx2 = __builtin_cpu_supports("avx2");
  if (has_avx512) {
    scale_avx512(base, scale, out, n);
  } else if (has_avx2) {
    scale_avx2(base, scale, out, n);
  } else {
    scale_loop(base, scale, out, n);
  }
}
#else
template <typename T>
void scale_into(const T *base, T scale, T *out, int64_t n) {
  scale_loop(base, scale, out, n);
}
#endif

// Prefetches the cache lines of [begin, end) of `data` (the rows of spiking neurons are scattered
// through large index arrays; requesting all of them before using any overlaps the misses).
template <typename D>
inline void prefetch_range(const D *data, int64_t begin, int64_t end) {
  constexpr int64_t kPerLine = 64 / static_cast<int64_t>(sizeof(D));
  for (int64_t j = begin; j < end; j += kPerLine) __builtin_prefetch(data + j);
  if (end > begin) __builtin_prefetch(data + end - 1);
}

// Event scatter (sum, or product when `Prod`): every row with an event adds (multiplies) its
// weights into its columns.  Only the rows with an event are visited.  The handler has checked
// the whole row pointer (`valid_indptr`); the rows visited are checked again as they are read
// (free: their pointers are loaded anyway), returning false when one is not within [0, nnz].
// A first pass finds the rows with an event and prefetches their entries (for row pointers
// that do not fit in cache, first the pointers, then in a second pass the entries); then the
// scatter.
// With `base`, the result starts from base * scale instead of 0 (1 for products); `base` may be
// `out` itself (an update in place).
template <typename T, typename I, typename E, bool Prod>
bool event_scatter(const CsrArgs &a, const E *events, T *out, int64_t num_out, const T *base, T scale) {
  const T *w = static_cast<const T *>(a.weights);
  const I *indices = static_cast<const I *>(a.indices);
  const I *indptr = static_cast<const I *>(a.indptr);
  thread_local std::vector<int64_t> rows;
  rows.clear();
  auto check_and_prefetch = [&](int64_t i) {
    const int64_t begin = indptr[i], end = indptr[i + 1];
    if (begin < 0 || end < begin || end > a.nnz) return false;
    prefetch_range(indices, begin, end);
    if (!a.homogeneous) prefetch_range(w, begin, end);
    return true;
  };
  if (static_cast<int64_t>(sizeof(I)) * a.num_rows <= kCachedRowPointerBytes) {
    const bool valid = for_each_event(events, a.num_rows, [&](int64_t i) {
      rows.push_back(i);
      return check_and_prefetch(i);
    });
    if (!valid) return false;
  } else {
    // Row pointers beyond the cache: those of the spiking rows are requested first and the
    // rows' entries once they arrive (two waves of independent misses, not a dependent pair
    // of misses per row).
    for_each_event(events, a.num_rows, [&](int64_t i) {
      rows.push_back(i);
      __builtin_prefetch(indptr + i);
      return true;
    });
    for (const int64_t i : rows) {
      if (!check_and_prefetch(i)) return false;
    }
  }
  if (base != nullptr) {
    scale_into(base, scale, out, num_out);
  } else {
    std::fill(out, out + num_out, Prod ? T(1) : T(0));
  }
  const uint64_t bound = static_cast<uint64_t>(num_out);
  for (const int64_t i : rows) {
    const int64_t begin = indptr[i], end = indptr[i + 1];
    if (a.homogeneous) {
      const T v = w[0];
      for (int64_t j = begin; j < end; ++j) {
        const uint64_t c = static_cast<uint64_t>(static_cast<int64_t>(indices[j]));
        if (c >= bound) continue;
        if (Prod) {
          out[c] *= v;
        } else {
          out[c] += v;
        }
      }
    } else {
      for (int64_t j = begin; j < end; ++j) {
        const uint64_t c = static_cast<uint64_t>(static_cast<int64_t>(indices[j]));
        if (c >= bound) continue;
        if (Prod) {
          out[c] *= w[j];
        } else {
          out[c] += w[j];
        }
      }
    }
  }
  return true;
}

template <typename T, typename I, bool Prod>
bool event_scatter_dispatch(const CsrArgs &a, const void *x, ffi::DataType x_type, T *out,
                            int64_t num_out, const T *base, T scale) {
  switch (x_type) {
    case ffi::DataType::PRED:
      return event_scatter<T, I, bool, Prod>(a, static_cast<const bool *>(x), out, num_out, base, scale);
    case ffi::DataType::F32:
      return event_scatter<T, I, float, Prod>(a, static_cast<const float *>(x), out, num_out, base, scale);
    case ffi::DataType::F64:
      return event_scatter<T, I, double, Prod>(a, static_cast<const double *>(x), out, num_out, base, scale);
    case ffi::DataType::S32:
      return event_scatter<T, I, int32_t, Prod>(a, static_cast<const int32_t *>(x), out, num_out, base, scale);
    default:
      return event_scatter<T, I, int64_t, Prod>(a, static_cast<const int64_t *>(x), out, num_out, base, scale);
  }
}

template <typename T, typename I>
bool event_scatter_mode(int mode, const CsrArgs &a, const void *x, ffi::DataType x_type, T *out,
                        int64_t num_out, const void *base, double scale) {
  const T *b = static_cast<const T *>(base);
  const T s = static_cast<T>(scale);
  return mode == 1 ? event_scatter_dispatch<T, I, true>(a, x, x_type, out, num_out, b, s)
                   : event_scatter_dispatch<T, I, false>(a, x, x_type, out, num_out, b, s);
}

// mode: 2 = event gather (row i sums the weights of its entries whose column has an event),
//       3 = matvec (row i sums weight * x[col]), 4 = transposed matvec (x[row] * weight
//       scattered into the columns).  The event scatters (modes 0 and 1) use `event_scatter`.
template <typename T, typename I>
void csr_kernel(int mode, const CsrArgs &a, const void *x, ffi::DataType x_type, T *out,
                int64_t num_out) {
  const T *w = static_cast<const T *>(a.weights);
  const I *indices = static_cast<const I *>(a.indices);
  const I *indptr = static_cast<const I *>(a.indptr);
  for (int64_t k = 0; k < num_out; ++k) out[k] = T(0);
  for (int64_t i = 0; i < a.num_rows; ++i) {
    const I begin = indptr[i], end = indptr[i + 1];
    switch (mode) {
      case 2: {
        T acc = 0;
        for (I j = begin; j < end; ++j) {
          if (brainpylib::event_on(x, x_type, indices[j])) acc += a.homogeneous ? w[0] : w[j];
        }
        out[i] = acc;
        break;
      }
      case 3: {
        const T *xv = static_cast<const T *>(x);
        T acc = 0;
        for (I j = begin; j < end; ++j) acc += (a.homogeneous ? w[0] : w[j]) * xv[indices[j]];
        out[i] = acc;
        break;
      }
      default: {
        const T xi = static_cast<const T *>(x)[i];
        if (xi == T(0)) break;
        for (I j = begin; j < end; ++j) {
          const I c = indices[j];
          if (c < 0 || c >= num_out) continue;
          out[c] += (a.homogeneous ? w[0] : w[j]) * xi;
        }
        break;
      }
    }
  }
}

// Handler body shared by the CSR targets.  `x` holds events (modes 0-2) or a dense vector of the
// weights' dtype (modes 3-4).  For the gather modes (2, 3) column indices are checked against
// the length of `x` up front, since they index it.
// `base` (event scatters only): the result starts from base * scale, see `event_scatter`.
// `indptr_prechecked` (event scatters only, the "..._prechecked" targets): the caller has checked
// the row pointer, a constant of the compiled program (brainpylib checks a concrete row pointer
// with NumPy when it is traced), so the pass over all of it is skipped; the rows visited are
// still checked as they are read.
ffi::Error csr_handler(const char *name, int mode, ffi::AnyBuffer x, ffi::AnyBuffer weights,
                       ffi::AnyBuffer indices, ffi::AnyBuffer indptr,
                       ffi::Result<ffi::AnyBuffer> out, const ffi::AnyBuffer *base = nullptr,
                       double scale = 1.0, bool indptr_prechecked = false) {
  Batch batch;
  if (!Batch::from_result(out->dimensions(), &batch)) return invalid(name, "bad result rank");
  for (auto *buf : {&x, &weights, &indices, &indptr}) {
    if (!batch.compatible(buf->dimensions())) return invalid(name, "inconsistent batch axes");
  }
  const ffi::DataType vt = weights.element_type();
  if (vt != ffi::DataType::F32 && vt != ffi::DataType::F64) {
    return invalid(name, "weights must be float32 or float64");
  }
  if (out->element_type() != vt) return invalid(name, "result dtype differs from the weights'");
  const ffi::DataType it = indices.element_type();
  if (!brainpylib::is_index_type(it) || indptr.element_type() != it) {
    return invalid(name, "indices and indptr must both be int32 or both int64");
  }
  const bool gather_x = mode == 2 || mode == 3;
  if (mode <= 2 ? !brainpylib::is_event_type(x.element_type()) : x.element_type() != vt) {
    return invalid(name, mode <= 2 ? "unsupported event dtype" : "vector dtype differs from the weights'");
  }
  const int64_t nnz = brainpylib::vector_length(indices.dimensions());
  const int64_t num_rows = brainpylib::vector_length(indptr.dimensions()) - 1;
  const int64_t num_w = brainpylib::vector_length(weights.dimensions());
  const int64_t num_x = brainpylib::vector_length(x.dimensions());
  const int64_t num_out = brainpylib::vector_length(out->dimensions());
  if (num_rows < 0) return invalid(name, "indptr is empty");
  if (num_w != 1 && num_w != nnz) return invalid(name, "weights must have 1 or nnz elements");
  if (base != nullptr &&
      (!batch.compatible(base->dimensions()) || base->element_type() != vt ||
       brainpylib::vector_length(base->dimensions()) != num_out)) {
    return invalid(name, "base must have the result's length and the weights' dtype");
  }
  const bool x_over_rows = !gather_x;
  if (x_over_rows ? num_x != num_rows : num_out != num_rows) {
    return invalid(name, "vector lengths do not match len(indptr) - 1");
  }
  const void *checked_indptr = nullptr;  // the last row pointer found valid (batches may share it)
  for (int64_t b = 0; b < batch.count; ++b) {
    CsrArgs a{brainpylib::slice(weights, batch, b), num_w == 1, brainpylib::slice(indices, batch, b),
              brainpylib::slice(indptr, batch, b), num_rows, nnz};
    const void *xb = brainpylib::slice(x, batch, b);
    void *ob = static_cast<char *>(out->untyped_data()) +
               batch.offset(out->dimensions(), b) * brainpylib::element_size(vt);
    if (a.indptr != checked_indptr && !(indptr_prechecked && mode <= 1)) {
      const bool ok = it == ffi::DataType::S32
                          ? valid_indptr(static_cast<const int32_t *>(a.indptr), num_rows, nnz)
                          : valid_indptr(static_cast<const int64_t *>(a.indptr), num_rows, nnz);
      if (!ok) return invalid(name, "indptr must be non-decreasing from 0 to len(indices)");
      checked_indptr = a.indptr;
    }
    if (mode <= 1) {
      bool ok;
      const void *bb = base == nullptr ? nullptr : brainpylib::slice(*base, batch, b);
      if (vt == ffi::DataType::F32) {
        ok = it == ffi::DataType::S32
                 ? event_scatter_mode<float, int32_t>(mode, a, xb, x.element_type(), static_cast<float *>(ob), num_out, bb, scale)
                 : event_scatter_mode<float, int64_t>(mode, a, xb, x.element_type(), static_cast<float *>(ob), num_out, bb, scale);
      } else {
        ok = it == ffi::DataType::S32
                 ? event_scatter_mode<double, int32_t>(mode, a, xb, x.element_type(), static_cast<double *>(ob), num_out, bb, scale)
                 : event_scatter_mode<double, int64_t>(mode, a, xb, x.element_type(), static_cast<double *>(ob), num_out, bb, scale);
      }
      if (!ok) return invalid(name, "indptr must be non-decreasing from 0 to len(indices)");
      continue;
    }
    if (gather_x && nnz > 0) {
      for (int64_t j = 0; j < nnz; ++j) {
        const int64_t c = it == ffi::DataType::S32 ? static_cast<const int32_t *>(a.indices)[j]
                                                    : static_cast<const int64_t *>(a.indices)[j];
        if (c < 0 || c >= num_x) return invalid(name, "a column index is outside [0, len(vector))");
      }
    }
    if (vt == ffi::DataType::F32) {
      if (it == ffi::DataType::S32) {
        csr_kernel<float, int32_t>(mode, a, xb, x.element_type(), static_cast<float *>(ob), num_out);
      } else {
        csr_kernel<float, int64_t>(mode, a, xb, x.element_type(), static_cast<float *>(ob), num_out);
      }
    } else if (it == ffi::DataType::S32) {
      csr_kernel<double, int32_t>(mode, a, xb, x.element_type(), static_cast<double *>(ob), num_out);
    } else {
      csr_kernel<double, int64_t>(mode, a, xb, x.element_type(), static_cast<double *>(ob), num_out);
    }
  }
  return ffi::Error::Success();
}

// The event scatters come in two variants: `Prechecked` (targets "..._prechecked") trusts the
// caller's check of the row pointer, see `csr_handler`.
template <bool Prechecked>
ffi::Error EventCsrSum(ffi::AnyBuffer events, ffi::AnyBuffer weights, ffi::AnyBuffer indices,
                       ffi::AnyBuffer indptr, ffi::Result<ffi::AnyBuffer> out) {
  return csr_handler("event_csr_sum", 0, events, weights, indices, indptr, out, nullptr, 1.0, Prechecked);
}

// base * scale plus the event sum, written over `base` when the caller aliases the two (a decaying
// conductance receiving its spikes in one pass).
template <bool Prechecked>
ffi::Error EventCsrSumInto(ffi::AnyBuffer events, ffi::AnyBuffer weights, ffi::AnyBuffer indices,
                           ffi::AnyBuffer indptr, ffi::AnyBuffer base, ffi::Result<ffi::AnyBuffer> out,
                           double scale) {
  return csr_handler("event_csr_sum_into", 0, events, weights, indices, indptr, out, &base, scale,
                     Prechecked);
}

template <bool Prechecked>
ffi::Error EventCsrProd(ffi::AnyBuffer events, ffi::AnyBuffer weights, ffi::AnyBuffer indices,
                        ffi::AnyBuffer indptr, ffi::Result<ffi::AnyBuffer> out) {
  return csr_handler("event_csr_prod", 1, events, weights, indices, indptr, out, nullptr, 1.0, Prechecked);
}

// ---------------------------------------------------------------------------------------------
// Asynchronous event scatters (targets "..._async").  XLA:CPU runs the operations of a step that
// become ready together one after another on one thread unless there are many of them, and a
// network's projections are a few independent scatters per step.  These variants run the same
// kernel as a task on XLA's intra-op thread pool and return a future: XLA goes on with the next
// ready operation on its own thread and waits for the future only where the result is used, so
// the projections of a large network proceed in parallel.  The Python side picks them for large
// scatters only: for small ones handing over to another thread costs more than it saves.
// ---------------------------------------------------------------------------------------------

// Runs `work` (returning ffi::Error) as a pool task; the future completes with its outcome.
// XLA keeps every buffer alive until the future completes.
template <typename F>
ffi::Future run_async(ffi::ThreadPool &pool, F work) {
  ffi::Promise promise;
  ffi::Future future(promise);
  pool.Schedule([promise, work]() mutable {
    ffi::Error error = work();
    if (error.failure()) {
      promise.SetError(std::move(error));
    } else {
      promise.SetAvailable();
    }
  });
  return future;
}

template <bool Prechecked>
ffi::Future EventCsrSumAsync(ffi::ThreadPool pool, ffi::AnyBuffer events, ffi::AnyBuffer weights,
                             ffi::AnyBuffer indices, ffi::AnyBuffer indptr, ffi::Result<ffi::AnyBuffer> out) {
  return run_async(pool, [=]() { return EventCsrSum<Prechecked>(events, weights, indices, indptr, out); });
}

template <bool Prechecked>
ffi::Future EventCsrSumIntoAsync(ffi::ThreadPool pool, ffi::AnyBuffer events, ffi::AnyBuffer weights,
                                 ffi::AnyBuffer indices, ffi::AnyBuffer indptr, ffi::AnyBuffer base,
                                 ffi::Result<ffi::AnyBuffer> out, double scale) {
  return run_async(pool, [=]() {
    return EventCsrSumInto<Prechecked>(events, weights, indices, indptr, base, out, scale);
  });
}

template <bool Prechecked>
ffi::Future EventCsrProdAsync(ffi::ThreadPool pool, ffi::AnyBuffer events, ffi::AnyBuffer weights,
                              ffi::AnyBuffer indices, ffi::AnyBuffer indptr, ffi::Result<ffi::AnyBuffer> out) {
  return run_async(pool, [=]() { return EventCsrProd<Prechecked>(events, weights, indices, indptr, out); });
}

ffi::Error EventCsrGather(ffi::AnyBuffer events, ffi::AnyBuffer weights, ffi::AnyBuffer indices,
                          ffi::AnyBuffer indptr, ffi::Result<ffi::AnyBuffer> out) {
  return csr_handler("event_csr_gather", 2, events, weights, indices, indptr, out);
}

ffi::Error CsrMatvec(ffi::AnyBuffer vector, ffi::AnyBuffer weights, ffi::AnyBuffer indices,
                     ffi::AnyBuffer indptr, ffi::Result<ffi::AnyBuffer> out, int64_t transpose) {
  return csr_handler("csr_matvec", transpose ? 4 : 3, vector, weights, indices, indptr, out);
}

// ---------------------------------------------------------------------------------------------
// syn2post: out[ids[k]] (+ or *)= values[k] (values[0] when values has one element).
// ---------------------------------------------------------------------------------------------

template <typename T, typename I>
void atomic_kernel(bool prod, const T *values, bool scalar, const I *ids, int64_t n, T *out,
                   int64_t num_out) {
  for (int64_t k = 0; k < num_out; ++k) out[k] = prod ? T(1) : T(0);
  for (int64_t k = 0; k < n; ++k) {
    const I p = ids[k];
    if (p < 0 || p >= num_out) continue;
    const T v = scalar ? values[0] : values[k];
    if (prod) {
      out[p] *= v;
    } else {
      out[p] += v;
    }
  }
}

ffi::Error atomic_handler(const char *name, bool prod, ffi::AnyBuffer values, ffi::AnyBuffer ids,
                          ffi::Result<ffi::AnyBuffer> out) {
  Batch batch;
  if (!Batch::from_result(out->dimensions(), &batch)) return invalid(name, "bad result rank");
  if (!batch.compatible(values.dimensions()) || !batch.compatible(ids.dimensions())) {
    return invalid(name, "inconsistent batch axes");
  }
  const ffi::DataType vt = values.element_type(), it = ids.element_type();
  if ((vt != ffi::DataType::F32 && vt != ffi::DataType::F64) || out->element_type() != vt) {
    return invalid(name, "values and result must be float32 or float64 of the same dtype");
  }
  if (!brainpylib::is_index_type(it)) return invalid(name, "post_ids must be int32 or int64");
  const int64_t n = brainpylib::vector_length(ids.dimensions());
  const int64_t nv = brainpylib::vector_length(values.dimensions());
  if (nv != 1 && nv != n) return invalid(name, "values must have 1 or len(post_ids) elements");
  const int64_t num_out = brainpylib::vector_length(out->dimensions());
  for (int64_t b = 0; b < batch.count; ++b) {
    const void *v = brainpylib::slice(values, batch, b);
    const void *ip = brainpylib::slice(ids, batch, b);
    void *o = static_cast<char *>(out->untyped_data()) +
              batch.offset(out->dimensions(), b) * brainpylib::element_size(vt);
    if (vt == ffi::DataType::F32) {
      if (it == ffi::DataType::S32) {
        atomic_kernel(prod, static_cast<const float *>(v), nv == 1, static_cast<const int32_t *>(ip), n, static_cast<float *>(o), num_out);
      } else {
        atomic_kernel(prod, static_cast<const float *>(v), nv == 1, static_cast<const int64_t *>(ip), n, static_cast<float *>(o), num_out);
      }
    } else if (it == ffi::DataType::S32) {
      atomic_kernel(prod, static_cast<const double *>(v), nv == 1, static_cast<const int32_t *>(ip), n, static_cast<double *>(o), num_out);
    } else {
      atomic_kernel(prod, static_cast<const double *>(v), nv == 1, static_cast<const int64_t *>(ip), n, static_cast<double *>(o), num_out);
    }
  }
  return ffi::Error::Success();
}

ffi::Error AtomicSum(ffi::AnyBuffer values, ffi::AnyBuffer ids, ffi::Result<ffi::AnyBuffer> out) {
  return atomic_handler("atomic_sum", false, values, ids, out);
}

ffi::Error AtomicProd(ffi::AnyBuffer values, ffi::AnyBuffer ids, ffi::Result<ffi::AnyBuffer> out) {
  return atomic_handler("atomic_prod", true, values, ids, out);
}

// ---------------------------------------------------------------------------------------------
// Just-in-time random connectivity.  M has shape (num_rows, num_cols); row i holds the columns
// that `brainpylib::for_each_column` walks (geometric skips drawn with the threshold table, see
// common.h), and entry (i, j) weighs `params[0]` (homo), params[0] + u * (params[1] - params[0])
// (uniform) or params[0] + params[1] * z with Box-Muller z (normal), u and z hashed from (i, j).
//   transpose:     out = M.T @ x (x over rows): only the rows with a non-zero x are walked,
//                  O(active rows * num_cols * p).
//   not transpose: out = M @ x (x over columns): every row is walked, O(num_rows * num_cols * p).
// ---------------------------------------------------------------------------------------------

template <typename T>
struct JitConn {
  int64_t kind;
  const uint32_t *table;
  int64_t num_thresholds;
  uint32_t seed;
  T p0, p1;

  // Weight of the (present) entry (row, col); `Kind` is a compile-time copy of `kind`.
  template <int64_t Kind>
  T weight(uint32_t row, uint32_t col) const {
    if (Kind == brainpylib::kHomo) return p0;
    const uint32_t h1 = brainpylib::entry_hash(brainpylib::row_state(seed, 1u, row), col);
    if (Kind == brainpylib::kUniform) return p0 + brainpylib::uniform01<T>(h1) * (p1 - p0);
    const uint32_t h2 = brainpylib::entry_hash(brainpylib::row_state(seed, 2u, row), col);
    const T u1 = brainpylib::uniform01_open<T>(h1);
    const T u2 = brainpylib::uniform01<T>(h2);
    return p0 + p1 * (std::sqrt(T(-2) * std::log(u1)) * std::cos(static_cast<T>(6.283185307179586) * u2));
  }
};

template <typename T, int64_t Kind>
void jitconn_kernel(const JitConn<T> &m, bool event, bool transpose, const void *x,
                    ffi::DataType x_type, int64_t num_rows, int64_t num_cols, T *out) {
  const int64_t num_out = transpose ? num_cols : num_rows;
  for (int64_t k = 0; k < num_out; ++k) out[k] = T(0);
  if (transpose) {
    for (int64_t i = 0; i < num_rows; ++i) {
      T xi;
      if (event) {
        if (!brainpylib::event_on(x, x_type, i)) continue;
        xi = T(1);
      } else {
        xi = static_cast<const T *>(x)[i];
        if (xi == T(0)) continue;
      }
      const uint32_t row = static_cast<uint32_t>(i);
      brainpylib::for_each_column(m.table, m.num_thresholds, m.seed, row, num_cols, [&](int64_t c) {
        out[c] += m.template weight<Kind>(row, static_cast<uint32_t>(c)) * xi;
      });
    }
    return;
  }
  for (int64_t i = 0; i < num_rows; ++i) {
    const uint32_t row = static_cast<uint32_t>(i);
    T acc = 0;
    brainpylib::for_each_column(m.table, m.num_thresholds, m.seed, row, num_cols, [&](int64_t c) {
      if (event) {
        if (brainpylib::event_on(x, x_type, c)) acc += m.template weight<Kind>(row, static_cast<uint32_t>(c));
      } else {
        acc += m.template weight<Kind>(row, static_cast<uint32_t>(c)) * static_cast<const T *>(x)[c];
      }
    });
    out[i] = acc;
  }
}

template <typename T>
void jitconn_dispatch(const JitConn<T> &m, bool event, bool transpose, const void *x,
                      ffi::DataType x_type, int64_t num_rows, int64_t num_cols, T *out) {
  if (m.kind == brainpylib::kHomo) {
    jitconn_kernel<T, brainpylib::kHomo>(m, event, transpose, x, x_type, num_rows, num_cols, out);
  } else if (m.kind == brainpylib::kUniform) {
    jitconn_kernel<T, brainpylib::kUniform>(m, event, transpose, x, x_type, num_rows, num_cols, out);
  } else {
    jitconn_kernel<T, brainpylib::kNormal>(m, event, transpose, x, x_type, num_rows, num_cols, out);
  }
}

ffi::Error jitconn_handler(const char *name, bool event, ffi::AnyBuffer x, ffi::AnyBuffer params,
                           ffi::AnyBuffer table, ffi::AnyBuffer seed,
                           ffi::Result<ffi::AnyBuffer> out, int64_t kind, int64_t num_rows,
                           int64_t num_cols, int64_t transpose) {
  Batch batch;
  if (!Batch::from_result(out->dimensions(), &batch)) return invalid(name, "bad result rank");
  for (auto *buf : {&x, &params, &table, &seed}) {
    if (!batch.compatible(buf->dimensions())) return invalid(name, "inconsistent batch axes");
  }
  const ffi::DataType vt = params.element_type();
  if ((vt != ffi::DataType::F32 && vt != ffi::DataType::F64) || out->element_type() != vt) {
    return invalid(name, "weight parameters and result must be float32 or float64 of one dtype");
  }
  if (table.element_type() != ffi::DataType::U32 || seed.element_type() != ffi::DataType::U32) {
    return invalid(name, "the skip table and the seed must be uint32");
  }
  if (event ? !brainpylib::is_event_type(x.element_type()) : x.element_type() != vt) {
    return invalid(name, event ? "unsupported event dtype" : "vector dtype differs from the weights'");
  }
  if (kind < 0 || kind > 2) return invalid(name, "unknown weight kind");
  const int64_t want_params = kind == brainpylib::kHomo ? 1 : 2;
  if (brainpylib::vector_length(params.dimensions()) != want_params) {
    return invalid(name, "wrong number of weight parameters");
  }
  if (brainpylib::vector_length(seed.dimensions()) != 1) return invalid(name, "the seed must have one element");
  const int64_t table_size = brainpylib::vector_length(table.dimensions());
  if (table_size < brainpylib::kGuideSize + 1) return invalid(name, "malformed skip table");
  const int64_t num_x = brainpylib::vector_length(x.dimensions());
  const int64_t num_out = brainpylib::vector_length(out->dimensions());
  if (num_x != (transpose ? num_rows : num_cols) || num_out != (transpose ? num_cols : num_rows)) {
    return invalid(name, "vector or result length does not match the shape");
  }
  if (num_rows > (int64_t(1) << 32) || num_cols > (int64_t(1) << 32)) {
    return invalid(name, "the shape must be below 2**32 in each dimension");
  }
  for (int64_t b = 0; b < batch.count; ++b) {
    const void *xb = brainpylib::slice(x, batch, b);
    const void *pb = brainpylib::slice(params, batch, b);
    const uint32_t *tb = static_cast<const uint32_t *>(brainpylib::slice(table, batch, b));
    const uint32_t sd = *static_cast<const uint32_t *>(brainpylib::slice(seed, batch, b));
    const int64_t num_thr = table_size - brainpylib::kGuideSize - 1;
    void *ob = static_cast<char *>(out->untyped_data()) +
               batch.offset(out->dimensions(), b) * brainpylib::element_size(vt);
    if (vt == ffi::DataType::F32) {
      const float *p = static_cast<const float *>(pb);
      JitConn<float> m{kind, tb, num_thr, sd, p[0], want_params > 1 ? p[1] : 0.0f};
      jitconn_dispatch(m, event, transpose != 0, xb, x.element_type(), num_rows, num_cols, static_cast<float *>(ob));
    } else {
      const double *p = static_cast<const double *>(pb);
      JitConn<double> m{kind, tb, num_thr, sd, p[0], want_params > 1 ? p[1] : 0.0};
      jitconn_dispatch(m, event, transpose != 0, xb, x.element_type(), num_rows, num_cols, static_cast<double *>(ob));
    }
  }
  return ffi::Error::Success();
}

ffi::Error JitconnMatvec(ffi::AnyBuffer x, ffi::AnyBuffer params, ffi::AnyBuffer table,
                         ffi::AnyBuffer seed, ffi::Result<ffi::AnyBuffer> out, int64_t kind,
                         int64_t num_rows, int64_t num_cols, int64_t transpose) {
  return jitconn_handler("jitconn_matvec", false, x, params, table, seed, out, kind, num_rows,
                         num_cols, transpose);
}

ffi::Error JitconnEventMatvec(ffi::AnyBuffer x, ffi::AnyBuffer params, ffi::AnyBuffer table,
                              ffi::AnyBuffer seed, ffi::Result<ffi::AnyBuffer> out, int64_t kind,
                              int64_t num_rows, int64_t num_cols, int64_t transpose) {
  return jitconn_handler("jitconn_event_matvec", true, x, params, table, seed, out, kind, num_rows,
                         num_cols, transpose);
}


// ---------------------------------------------------------------------------------------------
// One step of a group of leaky integrate-and-fire neurons, every output computed in one pass:
//   refractory = t - t_last <= tau_ref
//   V'  = refractory ? V : V + coef * ((V_rest - V) + R * I)      (coef = 1 - exp(-dt / tau))
//   spike = V' >= V_th;  t_last' = spike ? t : t_last;  V'' = spike ? V_reset : V'
//   refractory' = refractory || spike
// The arrays may have any shape (they are walked as flat vectors of one length); t and coef
// hold one element.  A fifth result is I cleared (zero-filled after the step).
// ---------------------------------------------------------------------------------------------

struct LifParams {
  double V_rest, V_reset, V_th, R, tau_ref;
};

// XLA:CPU contracts a multiply feeding an add into a fused multiply-add when the processor has
// one; the kernel does the same (checked at run time) so that it rounds like the pure-JAX path.
template <typename T, bool Fma>
inline __attribute__((always_inline)) T mul_add(T a, T b, T c) {
  if constexpr (Fma) {
    return std::fma(a, b, c);
  } else {
    return a * b + c;
  }
}

template <typename T, bool Fma>
inline __attribute__((always_inline)) void lif_loop(int64_t n, const T *V, const T *t_last, const T *I, T t,
                                                    T coef, const LifParams &p, T *V_out, bool *spike,
                                                    T *t_last_out, bool *refractory, T *cleared) {
  const T V_rest = static_cast<T>(p.V_rest), V_reset = static_cast<T>(p.V_reset);
  const T V_th = static_cast<T>(p.V_th), R = static_cast<T>(p.R), tau_ref = static_cast<T>(p.tau_ref);
  // The new potential and spike time overwrite the old ones in place (V_out == V and
  // t_last_out == t_last); each element is read before it is written, so the loop vectorizes.
#pragma GCC ivdep
  for (int64_t k = 0; k < n; ++k) {
    const T v = V[k], tl = t_last[k];
    // Branch-free (selects and bitwise ors) so that the compiler vectorizes the loop.
    const bool ref = (t - tl) <= tau_ref;
    const T integrated = mul_add<T, Fma>(coef, mul_add<T, Fma>(R, I[k], V_rest - v), v);
    const T held = ref ? v : integrated;
    const bool fired = held >= V_th;
    spike[k] = fired;
    refractory[k] = ref | fired;
    t_last_out[k] = fired ? t : tl;
    V_out[k] = fired ? V_reset : held;
    cleared[k] = T(0);  // I, used once, cleared (its buffer when the caller aliases them)
  }
}

#if defined(__x86_64__) || defined(__i386__)
template <typename T>
__attribute__((target("avx2,fma"))) void lif_kernel_fma(int64_t n, const T *V, const T *t_last, const T *I, T t,
                                                   T coef, const LifParams &p, T *V_out, bool *spike,
                                                   T *t_last_out, bool *refractory, T *cleared) {
  lif_loop<T, true>(n, V, t_last, I, t, coef, p, V_out, spike, t_last_out, refractory, cleared);
}

template <typename T>
__attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,fma,prefer-vector-width=512"))) void lif_kernel_avx512(
    int64_t n, const T *V, const T *t_last, const T *I, T t, T coef, const LifParams &p, T *V_out, bool *spike,
    T *t_last_out, bool *refractory, T *cleared) {
  lif_loop<T, true>(n, V, t_last, I, t, coef, p, V_out, spike, t_last_out, refractory, cleared);
}

template <typename T>
void lif_kernel(int64_t n, const T *V, const T *t_last, const T *I, T t, T coef, const LifParams &p,
                T *V_out, bool *spike, T *t_last_out, bool *refractory, T *cleared) {
  static const bool has_avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                                 __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
  static const bool has_fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (has_avx512) {
    lif_kernel_avx512<T>(n, V, t_last, I, t, coef, p, V_out, spike, t_last_out, refractory, cleared);
  } else if (has_fma) {
    lif_kernel_fma<T>(n, V, t_last, I, t, coef, p, V_out, spike, t_last_out, refractory, cleared);
  } else {
    lif_loop<T, false>(n, V, t_last, I, t, coef, p, V_out, spike, t_last_out, refractory, cleared);
  }
}
#else
template <typename T>
void lif_kernel(int64_t n, const T *V, const T *t_last, const T *I, T t, T coef, const LifParams &p,
                T *V_out, bool *spike, T *t_last_out, bool *refractory, T *cleared) {
  lif_loop<T, true>(n, V, t_last, I, t, coef, p, V_out, spike, t_last_out, refractory, cleared);
}
#endif

int64_t element_count(ffi::Span<const int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

ffi::Error LifUpdate(ffi::ThreadPool pool, ffi::AnyBuffer V, ffi::AnyBuffer t_last, ffi::AnyBuffer I, ffi::AnyBuffer t,
                     ffi::AnyBuffer coef, ffi::Result<ffi::AnyBuffer> V_out,
                     ffi::Result<ffi::AnyBuffer> spike, ffi::Result<ffi::AnyBuffer> t_last_out,
                     ffi::Result<ffi::AnyBuffer> refractory, ffi::Result<ffi::AnyBuffer> cleared,
                     double V_rest, double V_reset, double V_th, double R, double tau_ref) {
  const char *name = "lif_update";
  const ffi::DataType vt = V.element_type();
  if (vt != ffi::DataType::F32 && vt != ffi::DataType::F64) {
    return invalid(name, "V must be float32 or float64");
  }
  for (auto *buf : {&t_last, &I, &t, &coef}) {
    if (buf->element_type() != vt) return invalid(name, "V, t_last, I, t and coef must share one dtype");
  }
  if (V_out->element_type() != vt || t_last_out->element_type() != vt ||
      spike->element_type() != ffi::DataType::PRED || refractory->element_type() != ffi::DataType::PRED) {
    return invalid(name, "result dtypes must be (V dtype, bool, V dtype, bool)");
  }
  const int64_t n = element_count(V.dimensions());
  for (int64_t m : {element_count(t_last.dimensions()), element_count(I.dimensions()),
                    element_count(V_out->dimensions()), element_count(spike->dimensions()),
                    element_count(t_last_out->dimensions()), element_count(refractory->dimensions())}) {
    if (m != n) return invalid(name, "V, t_last, I and the results must have the same size");
  }
  if (element_count(t.dimensions()) != 1 || element_count(coef.dimensions()) != 1) {
    return invalid(name, "t and coef must hold one element each");
  }
  if (cleared->element_type() != vt || element_count(cleared->dimensions()) != n) {
    return invalid(name, "the fifth result must have the dtype and size of 'I'");
  }
  const LifParams p{V_rest, V_reset, V_th, R, tau_ref};
  bool *sp = static_cast<bool *>(spike->untyped_data());
  bool *ref = static_cast<bool *>(refractory->untyped_data());
  // One pass for either value type (`zero` only carries the type).
  auto run = [&](auto zero, int64_t b, int64_t e) {
    using T = decltype(zero);
    lif_kernel<T>(e - b, static_cast<const T *>(V.untyped_data()) + b,
                  static_cast<const T *>(t_last.untyped_data()) + b, static_cast<const T *>(I.untyped_data()) + b,
                  *static_cast<const T *>(t.untyped_data()), *static_cast<const T *>(coef.untyped_data()), p,
                  static_cast<T *>(V_out->untyped_data()) + b, sp + b, static_cast<T *>(t_last_out->untyped_data()) + b,
                  ref + b, static_cast<T *>(cleared->untyped_data()) + b);
  };
  // Large groups are split over the intra-op thread pool (see parallel_for).
  parallel_for(&pool, n, [&](int64_t b, int64_t e) {
    if (vt == ffi::DataType::F32) {
      run(0.0f, b, e);
    } else {
      run(0.0, b, e);
    }
  });
  return ffi::Error::Success();
}

}  // namespace

#define BPL_CSR_ARGS                                                                            \
  .Arg<ffi::AnyBuffer>().Arg<ffi::AnyBuffer>().Arg<ffi::AnyBuffer>().Arg<ffi::AnyBuffer>().Ret<ffi::AnyBuffer>()
#define BPL_CSR_BINDING ffi::Ffi::Bind() BPL_CSR_ARGS
#define BPL_JITCONN_BINDING                                                                     \
  ffi::Ffi::Bind()                                                                              \
      .Arg<ffi::AnyBuffer>()                                                                    \
      .Arg<ffi::AnyBuffer>()                                                                    \
      .Arg<ffi::AnyBuffer>()                                                                    \
      .Arg<ffi::AnyBuffer>()                                                                    \
      .Ret<ffi::AnyBuffer>()                                                                    \
      .Attr<int64_t>("kind")                                                                    \
      .Attr<int64_t>("num_rows")                                                                \
      .Attr<int64_t>("num_cols")                                                                \
      .Attr<int64_t>("transpose")

#define BPL_SUM_INTO_ARGS                                                                       \
  .Arg<ffi::AnyBuffer>()                                                                        \
      .Arg<ffi::AnyBuffer>()                                                                    \
      .Arg<ffi::AnyBuffer>()                                                                    \
      .Arg<ffi::AnyBuffer>()                                                                    \
      .Arg<ffi::AnyBuffer>()                                                                    \
      .Ret<ffi::AnyBuffer>()                                                                    \
      .Attr<double>("scale")

// The event scatters: inline and asynchronous, each checking the row pointer or trusting the
// caller's check ("_prechecked").
#define BPL_EVENT_SCATTER_SYMBOLS(suffix, prechecked)                                            \
  XLA_FFI_DEFINE_HANDLER_SYMBOL(brainpylib_event_csr_sum##suffix, EventCsrSum<prechecked>,     \
                                BPL_CSR_BINDING);                                               \
  XLA_FFI_DEFINE_HANDLER_SYMBOL(brainpylib_event_csr_prod##suffix, EventCsrProd<prechecked>,   \
                                BPL_CSR_BINDING);                                               \
  XLA_FFI_DEFINE_HANDLER_SYMBOL(brainpylib_event_csr_sum_into##suffix,                         \
                                EventCsrSumInto<prechecked>, ffi::Ffi::Bind() BPL_SUM_INTO_ARGS); \
  XLA_FFI_DEFINE_HANDLER_SYMBOL(brainpylib_event_csr_sum##suffix##_async,                      \
                                EventCsrSumAsync<prechecked>,                                   \
                                ffi::Ffi::Bind().Ctx<ffi::ThreadPool>() BPL_CSR_ARGS);          \
  XLA_FFI_DEFINE_HANDLER_SYMBOL(brainpylib_event_csr_prod##suffix##_async,                     \
                                EventCsrProdAsync<prechecked>,                                  \
                                ffi::Ffi::Bind().Ctx<ffi::ThreadPool>() BPL_CSR_ARGS);          \
  XLA_FFI_DEFINE_HANDLER_SYMBOL(brainpylib_event_csr_sum_into##suffix##_async,                 \
                                EventCsrSumIntoAsync<prechecked>,                               \
                                ffi::Ffi::Bind().Ctx<ffi::ThreadPool>() BPL_SUM_INTO_ARGS)

BPL_EVENT_SCATTER_SYMBOLS(, false);
BPL_EVENT_SCATTER_SYMBOLS(_prechecked, true);
XLA_FFI_DEFINE_HANDLER_SYMBOL(brainpylib_event_csr_gather, EventCsrGather, BPL_CSR_BINDING);
XLA_FFI_DEFINE_HANDLER_SYMBOL(brainpylib_csr_matvec, CsrMatvec,
                              ffi::Ffi::Bind()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Ret<ffi::AnyBuffer>()
                                  .Attr<int64_t>("transpose"));
XLA_FFI_DEFINE_HANDLER_SYMBOL(brainpylib_atomic_sum, AtomicSum,
                              ffi::Ffi::Bind().Arg<ffi::AnyBuffer>().Arg<ffi::AnyBuffer>().Ret<ffi::AnyBuffer>());
XLA_FFI_DEFINE_HANDLER_SYMBOL(brainpylib_atomic_prod, AtomicProd,
                              ffi::Ffi::Bind().Arg<ffi::AnyBuffer>().Arg<ffi::AnyBuffer>().Ret<ffi::AnyBuffer>());
XLA_FFI_DEFINE_HANDLER_SYMBOL(brainpylib_jitconn_matvec, JitconnMatvec, BPL_JITCONN_BINDING);
XLA_FFI_DEFINE_HANDLER_SYMBOL(brainpylib_jitconn_event_matvec, JitconnEventMatvec,
                              BPL_JITCONN_BINDING);

XLA_FFI_DEFINE_HANDLER_SYMBOL(brainpylib_lif_update, LifUpdate,
                              ffi::Ffi::Bind()
                                  .Ctx<ffi::ThreadPool>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Ret<ffi::AnyBuffer>()
                                  .Ret<ffi::AnyBuffer>()
                                  .Ret<ffi::AnyBuffer>()
                                  .Ret<ffi::AnyBuffer>()
                                  .Ret<ffi::AnyBuffer>()
                                  .Attr<double>("V_rest")
                                  .Attr<double>("V_reset")
                                  .Attr<double>("V_th")
                                  .Attr<double>("R")
                                  .Attr<double>("tau_ref"));

PYBIND11_MODULE(_cpu_kernels, m) {
  m.doc() = "brainpylib CPU kernels (XLA FFI handlers)";
  m.def("registrations", []() {
    py::dict targets;
#define BPL_TARGET(name) targets["brainpylib_" #name] = py::capsule(reinterpret_cast<void *>(brainpylib_##name))
    BPL_TARGET(event_csr_sum);
    BPL_TARGET(event_csr_sum_into);
    BPL_TARGET(event_csr_prod);
    BPL_TARGET(event_csr_sum_async);
    BPL_TARGET(event_csr_sum_into_async);
    BPL_TARGET(event_csr_prod_async);
    BPL_TARGET(event_csr_sum_prechecked);
    BPL_TARGET(event_csr_sum_into_prechecked);
    BPL_TARGET(event_csr_prod_prechecked);
    BPL_TARGET(event_csr_sum_prechecked_async);
    BPL_TARGET(event_csr_sum_into_prechecked_async);
    BPL_TARGET(event_csr_prod_prechecked_async);
#undef BPL_TARGET
    targets["brainpylib_event_csr_gather"] = py::capsule(reinterpret_cast<void *>(brainpylib_event_csr_gather));
    targets["brainpylib_csr_matvec"] = py::capsule(reinterpret_cast<void *>(brainpylib_csr_matvec));
    targets["brainpylib_atomic_sum"] = py::capsule(reinterpret_cast<void *>(brainpylib_atomic_sum));
    targets["brainpylib_atomic_prod"] = py::capsule(reinterpret_cast<void *>(brainpylib_atomic_prod));
    targets["brainpylib_jitconn_matvec"] = py::capsule(reinterpret_cast<void *>(brainpylib_jitconn_matvec));
    targets["brainpylib_jitconn_event_matvec"] =
        py::capsule(reinterpret_cast<void *>(brainpylib_jitconn_event_matvec));
    targets["brainpylib_lif_update"] = py::capsule(reinterpret_cast<void *>(brainpylib_lif_update));
    return targets;
  });
}
