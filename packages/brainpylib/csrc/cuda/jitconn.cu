// Just-in-time connectivity on CUDA (cpu/jitconn.cc's operation; the matrix is defined in
// jitconn_rng.h): one thread per row walks the row's geometric skips.  With transpose (x over
// rows) the rows with a non-zero x scatter into the columns with atomicAdd; without, each row
// sums its entries times x.

#include <cstdint>

#include <cuda_runtime.h>

#include "cuda/common.cuh"
#include "cuda/targets.inc"
#include "ffi_common.h"
#include "arg_checks.h"
#include "jitconn_rng.h"
#include "targets.h"

namespace ffi = xla::ffi;

namespace {

using brainpylib::Batch;
using brainpylib::blocks_for;
using brainpylib::invalid;
using brainpylib::kThreads;

template <typename T>
__device__ T jit_weight(int64_t kind, uint32_t seed, T p0, T p1, uint32_t row, uint32_t col) {
  if (kind == brainpylib::kHomo) return p0;
  const uint32_t h1 = brainpylib::entry_hash(brainpylib::row_state(seed, 1u, row), col);
  if (kind == brainpylib::kUniform) return p0 + brainpylib::uniform01<T>(h1) * (p1 - p0);
  const uint32_t h2 = brainpylib::entry_hash(brainpylib::row_state(seed, 2u, row), col);
  const T u1 = brainpylib::uniform01_open<T>(h1);
  const T u2 = brainpylib::uniform01<T>(h2);
  return p0 + p1 * (sqrt(T(-2) * log(u1)) * cos(static_cast<T>(6.283185307179586) * u2));
}

template <bool Event, typename T>
__global__ void jitconn_kernel(bool transpose, int64_t kind, const uint32_t *table, int64_t num_thresholds,
                               const uint32_t *seed, const T *params, int64_t num_params, const void *x,
                               ffi::DataType x_type, int64_t num_rows, int64_t num_cols, T *out) {
  const int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (i >= num_rows || num_thresholds == 0) return;
  const T p0 = params[0], p1 = num_params > 1 ? params[1] : T(0);
  T xi = T(1);
  if (transpose) {
    if constexpr (Event) {
      if (!brainpylib::event_on(x, x_type, i)) return;
    } else {
      xi = static_cast<const T *>(x)[i];
      if (xi == T(0)) return;
    }
  }
  const uint32_t row = static_cast<uint32_t>(i);
  const uint32_t *guide = table;
  const uint32_t *thresholds = table + brainpylib::kGuideSize + 1;
  const uint32_t state = brainpylib::row_state(*seed, 0u, row);
  T acc = 0;
  int64_t col = -1;
  for (uint32_t k = 0;; ++k) {
    const uint32_t u = brainpylib::entry_hash(state, k) >> 8;
    col += 1 + static_cast<int64_t>(
                   brainpylib::geometric_skip(guide, thresholds, static_cast<uint32_t>(num_thresholds), u));
    if (col >= num_cols) break;
    const T w = jit_weight<T>(kind, *seed, p0, p1, row, static_cast<uint32_t>(col));
    if (transpose) {
      atomicAdd(out + col, w * xi);
    } else if constexpr (Event) {
      if (brainpylib::event_on(x, x_type, col)) acc += w;
    } else {
      acc += w * static_cast<const T *>(x)[col];
    }
  }
  if (!transpose) out[i] = acc;
}

template <bool Event>
ffi::Error jitconn_handler(const char *name, cudaStream_t stream, ffi::AnyBuffer x, ffi::AnyBuffer params,
                           ffi::AnyBuffer table, ffi::AnyBuffer seed, ffi::Result<ffi::AnyBuffer> out, int64_t kind,
                           int64_t num_rows, int64_t num_cols, int64_t transpose) {
  brainpylib::JitconnCall call;
  if (ffi::Error e = brainpylib::check_jitconn(name, Event, x, params, table, seed, out, kind, num_rows, num_cols,
                                               transpose, &call);
      e.failure()) {
    return e;
  }
  const Batch &batch = call.batch;
  const ffi::DataType vt = call.value_type;
  const int64_t num_out = call.num_out, num_params = call.num_params, num_thr = call.num_thresholds;
  if (num_out == 0) return ffi::Error::Success();
  for (int64_t b = 0; b < batch.count; ++b) {
    brainpylib::visit_value(vt, [&](auto t) {
      using T = decltype(t);
      T *o = static_cast<T *>(brainpylib::result_slice(out, batch, b));
      brainpylib::fill<T><<<blocks_for(num_out), kThreads, 0, stream>>>(o, num_out, T(0));
      if (num_rows > 0) {
        jitconn_kernel<Event, T><<<blocks_for(num_rows), kThreads, 0, stream>>>(
            transpose != 0, kind, static_cast<const uint32_t *>(brainpylib::slice(table, batch, b)), num_thr,
            static_cast<const uint32_t *>(brainpylib::slice(seed, batch, b)),
            static_cast<const T *>(brainpylib::slice(params, batch, b)), num_params,
            brainpylib::slice(x, batch, b), x.element_type(), num_rows, num_cols, o);
      }
    });
  }
  return brainpylib::launch_status(name);
}

ffi::Error JitconnMatvec(cudaStream_t s, ffi::AnyBuffer x, ffi::AnyBuffer params, ffi::AnyBuffer table,
                         ffi::AnyBuffer seed, ffi::Result<ffi::AnyBuffer> out, int64_t kind, int64_t num_rows,
                         int64_t num_cols, int64_t transpose) {
  return jitconn_handler<false>("jitconn_matvec", s, x, params, table, seed, out, kind, num_rows, num_cols,
                                transpose);
}

ffi::Error JitconnEventMatvec(cudaStream_t s, ffi::AnyBuffer x, ffi::AnyBuffer params, ffi::AnyBuffer table,
                              ffi::AnyBuffer seed, ffi::Result<ffi::AnyBuffer> out, int64_t kind, int64_t num_rows,
                              int64_t num_cols, int64_t transpose) {
  return jitconn_handler<true>("jitconn_event_matvec", s, x, params, table, seed, out, kind, num_rows, num_cols,
                               transpose);
}

}  // namespace

BPL_CUDA_JITCONN_TARGETS(BPL_DEFINE_TARGET)
