// Just-in-time random connectivity on the CPU.  M has shape (num_rows, num_cols); row i holds the
// columns that `brainpylib::for_each_column` walks (geometric skips drawn with the threshold
// table, see jitconn_rng.h), and entry (i, j) weighs `params[0]` (homo), params[0] + u *
// (params[1] - params[0]) (uniform) or params[0] + params[1] * z with Box-Muller z (normal), u
// and z hashed from (i, j).
//   transpose:     out = M.T @ x (x over rows): only the rows with a non-zero x are walked,
//                  O(active rows * num_cols * p).
//   not transpose: out = M @ x (x over columns): every row is walked, O(num_rows * num_cols * p).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "cpu/events.h"
#include "cpu/parallel.h"
#include "cpu/targets.inc"
#include "ffi_common.h"
#include "arg_checks.h"
#include "jitconn_rng.h"
#include "targets.h"

namespace ffi = xla::ffi;

namespace {

using brainpylib::Batch;
using brainpylib::invalid;
using brainpylib::WeightKind;

// The columns of the rows of one matrix on the CPU: the same columns, in the same order, as
// `brainpylib::for_each_column`, with each geometric skip found from an estimate instead of the
// guide's bucket and a bisection.  g = #{m: threshold[m] <= u} is close to
// log(1 - u / 2**24) / log(1 - p); that estimate, computed for eight skips at a time (with their
// hashes, in AVX-512 vectors where the processor has them), is corrected against the thresholds
// on both sides, so the skip is exact whatever the estimate's error (one step at most in
// practice) and the table is read at one place per skip (two dependent reads with the guide).
// Measured on the four projections of a 1M-neuron network (p = 8e-5, ~168k columns per step,
// medians of alternated processes): 2.29-3.08 -> 1.51-2.23 ms per step, the conductances' decay
// included.
class ColumnWalker {
 public:
  static constexpr int kLanes = 8;
  static constexpr double kLn2 = 0.6931471805599453, kSqrt2 = 1.4142135623730951;
  static constexpr double kLnTwoTo24 = 24 * kLn2;  // log(2**24)

  ColumnWalker(const uint32_t *table, int64_t num_thresholds, uint32_t seed)
      : thresholds_(table + brainpylib::kGuideSize + 1), count_(num_thresholds), seed_(seed) {
    // log(1 - p) from the threshold nearest 2**23: there 1 - threshold / 2**24 = (1 - p)**(m + 1)
    // is about 1/2, so the rounding of the table (2**-24) changes the estimate by ~1e-7 of itself
    if (count_ == 0) return;
    const uint32_t *half = std::lower_bound(thresholds_, thresholds_ + count_, uint32_t{1} << 23);
    int64_t m = std::min<int64_t>(half - thresholds_, count_ - 1);
    if (thresholds_[m] >= (uint32_t{1} << 24)) m = std::max<int64_t>(m - 1, 0);
    const double rest = 1.0 - static_cast<double>(thresholds_[m]) * 5.9604644775390625e-08;
    const double log_q = rest > 0.0 ? std::log(rest) / static_cast<double>(m + 1) : 0.0;
    inverse_log_q_ = log_q < 0.0 ? 1.0 / log_q : 0.0;  // 0: every estimate is 0, then corrected
  }

  // Calls f(col) for every column of row `row` below num_cols, in increasing order.
  template <typename F>
  void walk(uint32_t row, int64_t num_cols, F &&f) const {
    if (count_ == 0) return;
    const uint32_t state = brainpylib::row_state(seed_, 0u, row);
    int64_t col = -1;
    for (uint32_t k0 = 0;; k0 += kLanes) {
      uint32_t u[kLanes];
      int64_t g[kLanes];
      estimate(state, k0, u, g);
      for (int j = 0; j < kLanes; ++j) {
        int64_t skip = g[j];
        while (skip < count_ && thresholds_[skip] <= u[j]) ++skip;
        while (skip > 0 && thresholds_[skip - 1] > u[j]) --skip;
        col += 1 + skip;
        if (col >= num_cols) return;
        f(col);
      }
    }
  }

 private:
  // The 24-bit uniforms u of skips k0 .. k0 + 7 and their estimated skips, in [0, count_].
  void estimate(uint32_t state, uint32_t k0, uint32_t *u, int64_t *g) const {
#if defined(__x86_64__)
    static const bool has_avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
    if (has_avx512) return estimate_avx512(state, k0, u, g);
#endif
    estimate_lanes(state, k0, u, g);
  }

#if defined(__x86_64__)
  // `estimate_lanes` in AVX-512 vectors: the eight hashes in one (32-bit lanes), the logarithms
  // in another (64-bit lanes)
  __attribute__((target("avx512f,avx512dq,avx512vl"))) void estimate_avx512(uint32_t state, uint32_t k0,
                                                                            uint32_t *u, int64_t *g) const {
    // brainpylib::entry_hash(state, k) (jitconn_rng.h): mix_word(state, k), then finalize
    __m256i k = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(k0)),
                                 _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    k = _mm256_mullo_epi32(k, _mm256_set1_epi32(static_cast<int>(0xcc9e2d51u)));
    k = _mm256_rol_epi32(k, 15);
    k = _mm256_mullo_epi32(k, _mm256_set1_epi32(0x1b873593));
    __m256i h = _mm256_xor_si256(_mm256_set1_epi32(static_cast<int>(state)), k);
    h = _mm256_rol_epi32(h, 13);
    h = _mm256_add_epi32(_mm256_mullo_epi32(h, _mm256_set1_epi32(5)),
                         _mm256_set1_epi32(static_cast<int>(0xe6546b64u)));
    h = _mm256_xor_si256(h, _mm256_set1_epi32(12));
    h = _mm256_xor_si256(h, _mm256_srli_epi32(h, 16));
    h = _mm256_mullo_epi32(h, _mm256_set1_epi32(static_cast<int>(0x85ebca6bu)));
    h = _mm256_xor_si256(h, _mm256_srli_epi32(h, 13));
    h = _mm256_mullo_epi32(h, _mm256_set1_epi32(static_cast<int>(0xc2b2ae35u)));
    h = _mm256_xor_si256(h, _mm256_srli_epi32(h, 16));
    const __m256i v = _mm256_srli_epi32(h, 8);
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(u), v);
    // log(2**24 - v): exponent and mantissa m in [1, 2), folded into [sqrt(1/2), sqrt(2))
    const __m512d x = _mm512_cvtepu32_pd(_mm256_sub_epi32(_mm256_set1_epi32(1 << 24), v));
    __m512d exponent = _mm512_getexp_pd(x);
    __m512d m = _mm512_getmant_pd(x, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_src);
    const __mmask8 fold = _mm512_cmp_pd_mask(m, _mm512_set1_pd(kSqrt2), _CMP_GT_OQ);
    m = _mm512_mask_mul_pd(m, fold, m, _mm512_set1_pd(0.5));
    exponent = _mm512_mask_add_pd(exponent, fold, exponent, _mm512_set1_pd(1.0));
    const __m512d one = _mm512_set1_pd(1.0);
    const __m512d t = _mm512_div_pd(_mm512_sub_pd(m, one), _mm512_add_pd(m, one));
    const __m512d t2 = _mm512_mul_pd(t, t);
    __m512d series = _mm512_set1_pd(2.0 / 11);
    for (const double c : {2.0 / 9, 2.0 / 7, 2.0 / 5, 2.0 / 3, 2.0}) {
      series = _mm512_fmadd_pd(series, t2, _mm512_set1_pd(c));
    }
    const __m512d log_rest = _mm512_fmadd_pd(exponent, _mm512_set1_pd(kLn2),
                                             _mm512_fmsub_pd(series, t, _mm512_set1_pd(kLnTwoTo24)));
    __m512d estimate = _mm512_mul_pd(log_rest, _mm512_set1_pd(inverse_log_q_));
    estimate = _mm512_min_pd(_mm512_max_pd(estimate, _mm512_setzero_pd()),
                             _mm512_set1_pd(static_cast<double>(count_)));
    _mm512_storeu_si512(g, _mm512_cvttpd_epi64(estimate));
  }
#endif

  // log(x) for x in [1, 2**24] (an integer), to ~1e-9 of 1: the exponent from the bits, then the
  // series of 2 atanh((m - 1) / (m + 1)) for the mantissa m folded into [sqrt(1/2), sqrt(2)).
  static inline __attribute__((always_inline)) double log_of(double x) {
    uint64_t bits;
    std::memcpy(&bits, &x, sizeof(bits));
    int64_t exponent = static_cast<int64_t>(bits >> 52) - 1023;
    const uint64_t mantissa_bits = (bits & ((uint64_t{1} << 52) - 1)) | (uint64_t{1023} << 52);
    double m;
    std::memcpy(&m, &mantissa_bits, sizeof(m));
    const bool fold = m > kSqrt2;
    m = fold ? m * 0.5 : m;
    exponent += fold ? 1 : 0;
    const double t = (m - 1.0) / (m + 1.0), t2 = t * t;
    const double series =
        t * (2.0 + t2 * (2.0 / 3 + t2 * (2.0 / 5 + t2 * (2.0 / 7 + t2 * (2.0 / 9 + t2 * (2.0 / 11))))));
    return static_cast<double>(exponent) * kLn2 + series;
  }

  inline __attribute__((always_inline)) void estimate_lanes(uint32_t state, uint32_t k0, uint32_t *u,
                                                            int64_t *g) const {
    const double top = static_cast<double>(count_), scale = inverse_log_q_;
    for (int j = 0; j < kLanes; ++j) {
      const uint32_t v = brainpylib::entry_hash(state, k0 + static_cast<uint32_t>(j)) >> 8;
      u[j] = v;
      // log(1 - v / 2**24) = log(2**24 - v) - 24 log 2, 2**24 - v >= 1
      const double log_rest = log_of(static_cast<double>((uint32_t{1} << 24) - v)) - kLnTwoTo24;
      const double estimate = std::min(std::max(log_rest * scale, 0.0), top);
      g[j] = static_cast<int64_t>(estimate);
    }
  }

  const uint32_t *thresholds_;
  int64_t count_;
  uint32_t seed_;
  double inverse_log_q_ = 0.0;
};

template <typename T, WeightKind Kind>
struct JitConn {
  const uint32_t *table;
  int64_t num_thresholds;
  uint32_t seed;
  T p0, p1;

  // Weight of the (present) entry (row, col).
  T weight(uint32_t row, uint32_t col) const {
    if constexpr (Kind == brainpylib::kHomo) {
      return p0;
    } else {
      const uint32_t h1 = brainpylib::entry_hash(brainpylib::row_state(seed, 1u, row), col);
      if constexpr (Kind == brainpylib::kUniform) {
        return p0 + brainpylib::uniform01<T>(h1) * (p1 - p0);
      } else {
        const uint32_t h2 = brainpylib::entry_hash(brainpylib::row_state(seed, 2u, row), col);
        const T u1 = brainpylib::uniform01_open<T>(h1);
        const T u2 = brainpylib::uniform01<T>(h2);
        return p0 + p1 * (std::sqrt(T(-2) * std::log(u1)) * std::cos(static_cast<T>(6.283185307179586) * u2));
      }
    }
  }
};

// A transposed product (M.T @ x) is worth the pool's threads from this many expected entries.
constexpr double kParallelMinEntries = 16384;

// The expected number of entries of `rows` rows of `num_cols` columns (p from the first threshold).
inline double expected_entries(const uint32_t *table, int64_t num_thresholds, size_t rows, int64_t num_cols) {
  if (num_thresholds == 0) return 0;
  const double p = static_cast<double>(table[brainpylib::kGuideSize + 1]) * 5.9604644775390625e-08;
  return static_cast<double>(rows) * static_cast<double>(num_cols) * p;
}

// out = start + M.T @ x over the rows `rows` (increasing), where `start` is base * scale (or 0) and
// row i contributes value(i, row, col) to each of its columns.
//
// Walking the rows (the hash and the skips) costs most; it is split over the pool's threads in two
// phases that keep the single-thread order of the additions, so the result does not depend on the
// number of threads: (1) each thread walks a contiguous block of the rows and lists their columns
// (and values unless they are one constant) in order; (2) each thread owns a range of the columns,
// writes its start values and applies the listed entries falling in it, the blocks in row order.
template <typename T, typename Value>
void scatter_rows(ffi::ThreadPool *pool, const uint32_t *table, int64_t num_thresholds, uint32_t seed,
                  const std::vector<int64_t> &rows, int64_t num_cols, bool constant_value, Value value, T *out,
                  const T *base, T scale) {
  auto start = [&](int64_t c0, int64_t c1) {
    if (base != nullptr) {
      // (a base aliased by the result and a scale of 1: the columns are already in place)
      if (base != out || scale != T(1)) brainpylib::scale_into(base + c0, scale, out + c0, c1 - c0);
    } else {
      std::fill(out + c0, out + c1, T(0));
    }
  };
  const ColumnWalker walker(table, num_thresholds, seed);
  const int64_t threads = brainpylib::thread_count(pool);
  if (threads == 1 || expected_entries(table, num_thresholds, rows.size(), num_cols) < kParallelMinEntries) {
    start(0, num_cols);
    for (size_t k = 0; k < rows.size(); ++k) {
      const uint32_t row = static_cast<uint32_t>(rows[k]);
      walker.walk(row, num_cols, [&](int64_t c) {
        out[c] += value(k, row, static_cast<uint32_t>(c));
      });
    }
    return;
  }
  // the calling thread's buffers, reused from call to call (named by plain references: a
  // thread_local named inside the tasks would be the running thread's own)
  thread_local std::vector<std::vector<uint32_t>> cols_buffers;
  thread_local std::vector<std::vector<T>> values_buffers;
  std::vector<std::vector<uint32_t>> &cols = cols_buffers;
  std::vector<std::vector<T>> &values = values_buffers;
  cols.resize(threads);
  values.resize(threads);
  const int64_t num_rows = static_cast<int64_t>(rows.size());
  brainpylib::parallel_tasks(pool, threads, [&](int64_t t) {
    std::vector<uint32_t> &tc = cols[t];
    std::vector<T> &tv = values[t];
    tc.clear();
    tv.clear();
    for (int64_t k = num_rows * t / threads; k < num_rows * (t + 1) / threads; ++k) {
      const uint32_t row = static_cast<uint32_t>(rows[k]);
      walker.walk(row, num_cols, [&](int64_t c) {
        tc.push_back(static_cast<uint32_t>(c));
        if (!constant_value) tv.push_back(value(k, row, static_cast<uint32_t>(c)));
      });
    }
  });
  const T constant = constant_value && num_rows > 0 ? value(0, static_cast<uint32_t>(rows[0]), 0u) : T(0);
  brainpylib::parallel_tasks(pool, threads, [&](int64_t t) {
    const int64_t c0 = num_cols * t / threads, c1 = num_cols * (t + 1) / threads;
    start(c0, c1);
    const uint32_t lo = static_cast<uint32_t>(c0), width = static_cast<uint32_t>(c1 - c0);
    for (int64_t b = 0; b < threads; ++b) {
      const std::vector<uint32_t> &bc = cols[b];
      for (size_t j = 0; j < bc.size(); ++j) {
        const uint32_t c = bc[j];
        if (c - lo < width) out[c] += constant_value ? constant : values[b][j];
      }
    }
  });
}

template <bool Event, typename T, WeightKind Kind>
void jitconn_kernel(ffi::ThreadPool *pool, const JitConn<T, Kind> &m, bool transpose, const void *x,
                    ffi::DataType x_type, int64_t num_rows, int64_t num_cols, T *out, const T *base = nullptr,
                    T scale = T(1)) {
  if (transpose) {
    // the rows with a non-zero entry of x (events: found 16 booleans at a time), in the calling
    // thread's buffer (named by a plain reference, which the tasks of other threads then share)
    thread_local std::vector<int64_t> rows_buffer;
    std::vector<int64_t> &rows = rows_buffer;
    rows.clear();
    if constexpr (Event) {
      brainpylib::visit_event(x_type, [&](auto e) {
        using E = decltype(e);
        brainpylib::for_each_event(static_cast<const E *>(x), num_rows, [&](int64_t i) {
          rows.push_back(i);
          return true;
        });
      });
      scatter_rows(pool, m.table, m.num_thresholds, m.seed, rows, num_cols, Kind == brainpylib::kHomo,
                   [&](size_t, uint32_t row, uint32_t c) { return m.weight(row, c); }, out, base, scale);
    } else {
      const T *xv = static_cast<const T *>(x);
      for (int64_t i = 0; i < num_rows; ++i) {
        if (xv[i] != T(0)) rows.push_back(i);
      }
      scatter_rows(pool, m.table, m.num_thresholds, m.seed, rows, num_cols, false,
                   [&](size_t k, uint32_t row, uint32_t c) { return m.weight(row, c) * xv[rows[k]]; }, out, base,
                   scale);
    }
    return;
  }
  // M @ x: every row is one output, so blocks of rows go to the pool's threads as they are.
  const ColumnWalker walker(m.table, m.num_thresholds, m.seed);
  auto row_block = [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const uint32_t row = static_cast<uint32_t>(i);
      T acc = 0;
      walker.walk(row, num_cols, [&](int64_t c) {
        if constexpr (Event) {
          if (brainpylib::event_on(x, x_type, c)) acc += m.weight(row, static_cast<uint32_t>(c));
        } else {
          acc += m.weight(row, static_cast<uint32_t>(c)) * static_cast<const T *>(x)[c];
        }
      });
      out[i] = base == nullptr ? acc : base[i] * scale + acc;
    }
  };
  const int64_t threads = brainpylib::thread_count(pool);
  if (threads == 1 || expected_entries(m.table, m.num_thresholds, num_rows, num_cols) < kParallelMinEntries ||
      num_rows < threads) {
    row_block(0, num_rows);
    return;
  }
  brainpylib::parallel_tasks(pool, threads,
                             [&](int64_t t) { row_block(num_rows * t / threads, num_rows * (t + 1) / threads); });
}

template <bool Event>
ffi::Error jitconn_handler(ffi::ThreadPool *pool, const char *name, ffi::AnyBuffer x, ffi::AnyBuffer params, ffi::AnyBuffer table,
                           ffi::AnyBuffer seed, ffi::Result<ffi::AnyBuffer> out, int64_t kind, int64_t num_rows,
                           int64_t num_cols, int64_t transpose, const ffi::AnyBuffer *base = nullptr,
                           double scale = 1.0) {
  brainpylib::JitconnCall call;
  if (ffi::Error e = brainpylib::check_jitconn(name, Event, x, params, table, seed, out, kind, num_rows, num_cols,
                                               transpose, &call, base);
      e.failure()) {
    return e;
  }
  const Batch &batch = call.batch;
  const ffi::DataType vt = call.value_type;
  const int64_t num_thr = call.num_thresholds;
  for (int64_t b = 0; b < batch.count; ++b) {
    const void *xb = brainpylib::slice(x, batch, b);
    const uint32_t *tb = static_cast<const uint32_t *>(brainpylib::slice(table, batch, b));
    const uint32_t sd = *static_cast<const uint32_t *>(brainpylib::slice(seed, batch, b));
    brainpylib::visit_value(vt, [&](auto t) {
      using T = decltype(t);
      const T *p = static_cast<const T *>(brainpylib::slice(params, batch, b));
      T *ob = static_cast<T *>(brainpylib::result_slice(out, batch, b));
      const T *bb = base == nullptr ? nullptr : static_cast<const T *>(brainpylib::slice(*base, batch, b));
      const T sc = static_cast<T>(scale);
      const T p1 = call.num_params > 1 ? p[1] : T(0);
      if (kind == brainpylib::kHomo) {
        jitconn_kernel<Event>(pool, JitConn<T, brainpylib::kHomo>{tb, num_thr, sd, p[0], p1}, transpose != 0, xb,
                              x.element_type(), num_rows, num_cols, ob, bb, sc);
      } else if (kind == brainpylib::kUniform) {
        jitconn_kernel<Event>(pool, JitConn<T, brainpylib::kUniform>{tb, num_thr, sd, p[0], p1}, transpose != 0, xb,
                              x.element_type(), num_rows, num_cols, ob, bb, sc);
      } else {
        jitconn_kernel<Event>(pool, JitConn<T, brainpylib::kNormal>{tb, num_thr, sd, p[0], p1}, transpose != 0, xb,
                              x.element_type(), num_rows, num_cols, ob, bb, sc);
      }
    });
  }
  return ffi::Error::Success();
}

ffi::Error JitconnMatvec(ffi::ThreadPool pool, ffi::AnyBuffer x, ffi::AnyBuffer params, ffi::AnyBuffer table,
                         ffi::AnyBuffer seed, ffi::Result<ffi::AnyBuffer> out, int64_t kind, int64_t num_rows,
                         int64_t num_cols, int64_t transpose) {
  return jitconn_handler<false>(&pool, "jitconn_matvec", x, params, table, seed, out, kind, num_rows, num_cols,
                                transpose);
}

ffi::Error JitconnEventMatvec(ffi::ThreadPool pool, ffi::AnyBuffer x, ffi::AnyBuffer params, ffi::AnyBuffer table,
                              ffi::AnyBuffer seed, ffi::Result<ffi::AnyBuffer> out, int64_t kind, int64_t num_rows,
                              int64_t num_cols, int64_t transpose) {
  return jitconn_handler<true>(&pool, "jitconn_event_matvec", x, params, table, seed, out, kind, num_rows, num_cols,
                               transpose);
}

// base * scale + M.T @ events, written over `base` when the caller aliases the two (a decaying
// conductance receiving the spikes of a just-in-time projection in one pass).
ffi::Error JitconnEventSumInto(ffi::ThreadPool pool, ffi::AnyBuffer events, ffi::AnyBuffer params,
                               ffi::AnyBuffer table, ffi::AnyBuffer seed, ffi::AnyBuffer base,
                               ffi::Result<ffi::AnyBuffer> out, int64_t kind, int64_t num_rows, int64_t num_cols,
                               double scale) {
  return jitconn_handler<true>(&pool, "jitconn_event_sum_into", events, params, table, seed, out, kind, num_rows,
                               num_cols, 1, &base, scale);
}

}  // namespace

BPL_CPU_JITCONN_TARGETS(BPL_DEFINE_TARGET)
