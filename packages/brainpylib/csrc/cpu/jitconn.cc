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

// Scatters the weights of every row with an event into `out` (M.T @ events): the rows are found
// 16 boolean events at a time, then walked.
template <typename T, WeightKind Kind, typename E>
void event_scatter_rows(const JitConn<T, Kind> &m, const E *events, int64_t num_rows, int64_t num_cols, T *out) {
  brainpylib::for_each_event(events, num_rows, [&](int64_t i) {
    const uint32_t row = static_cast<uint32_t>(i);
    brainpylib::for_each_column(m.table, m.num_thresholds, m.seed, row, num_cols,
                                [&](int64_t c) { out[c] += m.weight(row, static_cast<uint32_t>(c)); });
    return true;
  });
}

template <bool Event, typename T, WeightKind Kind>
void jitconn_kernel(const JitConn<T, Kind> &m, bool transpose, const void *x, ffi::DataType x_type,
                    int64_t num_rows, int64_t num_cols, T *out, const T *base = nullptr, T scale = T(1)) {
  const int64_t num_out = transpose ? num_cols : num_rows;
  if (base != nullptr) {
    brainpylib::scale_into(base, scale, out, num_out);
  } else {
    std::fill(out, out + num_out, T(0));
  }
  if (transpose) {
    if constexpr (Event) {
      brainpylib::visit_event(x_type, [&](auto e) {
        using E = decltype(e);
        event_scatter_rows(m, static_cast<const E *>(x), num_rows, num_cols, out);
      });
      return;
    }
    for (int64_t i = 0; i < num_rows; ++i) {
      const T xi = static_cast<const T *>(x)[i];
      if (xi == T(0)) continue;
      const uint32_t row = static_cast<uint32_t>(i);
      brainpylib::for_each_column(m.table, m.num_thresholds, m.seed, row, num_cols, [&](int64_t c) {
        out[c] += m.weight(row, static_cast<uint32_t>(c)) * xi;
      });
    }
    return;
  }
  for (int64_t i = 0; i < num_rows; ++i) {
    const uint32_t row = static_cast<uint32_t>(i);
    T acc = 0;
    brainpylib::for_each_column(m.table, m.num_thresholds, m.seed, row, num_cols, [&](int64_t c) {
      if constexpr (Event) {
        if (brainpylib::event_on(x, x_type, c)) acc += m.weight(row, static_cast<uint32_t>(c));
      } else {
        acc += m.weight(row, static_cast<uint32_t>(c)) * static_cast<const T *>(x)[c];
      }
    });
    out[i] = acc;
  }
}

template <bool Event>
ffi::Error jitconn_handler(const char *name, ffi::AnyBuffer x, ffi::AnyBuffer params, ffi::AnyBuffer table,
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
        jitconn_kernel<Event>(JitConn<T, brainpylib::kHomo>{tb, num_thr, sd, p[0], p1}, transpose != 0, xb,
                              x.element_type(), num_rows, num_cols, ob, bb, sc);
      } else if (kind == brainpylib::kUniform) {
        jitconn_kernel<Event>(JitConn<T, brainpylib::kUniform>{tb, num_thr, sd, p[0], p1}, transpose != 0, xb,
                              x.element_type(), num_rows, num_cols, ob, bb, sc);
      } else {
        jitconn_kernel<Event>(JitConn<T, brainpylib::kNormal>{tb, num_thr, sd, p[0], p1}, transpose != 0, xb,
                              x.element_type(), num_rows, num_cols, ob, bb, sc);
      }
    });
  }
  return ffi::Error::Success();
}

ffi::Error JitconnMatvec(ffi::AnyBuffer x, ffi::AnyBuffer params, ffi::AnyBuffer table, ffi::AnyBuffer seed,
                         ffi::Result<ffi::AnyBuffer> out, int64_t kind, int64_t num_rows, int64_t num_cols,
                         int64_t transpose) {
  return jitconn_handler<false>("jitconn_matvec", x, params, table, seed, out, kind, num_rows, num_cols, transpose);
}

ffi::Error JitconnEventMatvec(ffi::AnyBuffer x, ffi::AnyBuffer params, ffi::AnyBuffer table, ffi::AnyBuffer seed,
                              ffi::Result<ffi::AnyBuffer> out, int64_t kind, int64_t num_rows, int64_t num_cols,
                              int64_t transpose) {
  return jitconn_handler<true>("jitconn_event_matvec", x, params, table, seed, out, kind, num_rows, num_cols,
                               transpose);
}

// base * scale + M.T @ events, written over `base` when the caller aliases the two (a decaying
// conductance receiving the spikes of a just-in-time projection in one pass).
ffi::Error JitconnEventSumInto(ffi::AnyBuffer events, ffi::AnyBuffer params, ffi::AnyBuffer table,
                               ffi::AnyBuffer seed, ffi::AnyBuffer base, ffi::Result<ffi::AnyBuffer> out,
                               int64_t kind, int64_t num_rows, int64_t num_cols, double scale) {
  return jitconn_handler<true>("jitconn_event_sum_into", events, params, table, seed, out, kind, num_rows,
                               num_cols, 1, &base, scale);
}

// The same as a task on XLA's intra-op thread pool (see EventScatterAsync in cpu/csr.cc): the
// projections of a large network walk their spiking rows in parallel.
ffi::Future JitconnEventSumIntoAsync(ffi::ThreadPool pool, ffi::AnyBuffer events, ffi::AnyBuffer params,
                                     ffi::AnyBuffer table, ffi::AnyBuffer seed, ffi::AnyBuffer base,
                                     ffi::Result<ffi::AnyBuffer> out, int64_t kind, int64_t num_rows,
                                     int64_t num_cols, double scale) {
  return brainpylib::run_async(pool, [=]() {
    return JitconnEventSumInto(events, params, table, seed, base, out, kind, num_rows, num_cols, scale);
  });
}

}  // namespace

BPL_CPU_JITCONN_TARGETS(BPL_DEFINE_TARGET)
