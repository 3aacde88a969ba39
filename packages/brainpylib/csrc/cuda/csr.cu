// CSR kernels on CUDA (the operations of cpu/csr.cc): one thread per row.  Sums scattered by
// several threads use atomicAdd, so their order (and last-bit rounding) varies.
//
// The contract is the CPU's (csr_checks.h): a row pointer that does not run without decreasing
// from 0 to nnz is reported as an error, except by the "_prechecked" scatters (whose row pointer
// brainpylib's Python side has checked), and so is a gather's column index outside its vector.
// The check runs on the device (`check_kernel`) and its flag is read back, which waits for the
// stream: a model whose connectivity is a constant calls the "_prechecked" scatters and never
// waits.  Scattered entries whose column falls outside the result are skipped, as on the CPU.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

#include <cuda_runtime.h>

#include "arg_checks.h"
#include "cuda/common.cuh"
#include "cuda/targets.inc"
#include "ffi_common.h"
#include "targets.h"

namespace ffi = xla::ffi;

namespace {

using brainpylib::blocks_for;
using brainpylib::CsrCall;
using brainpylib::invalid;
using brainpylib::kThreads;

enum class CsrOp { kScatterSum, kScatterProd, kGather, kMatvec, kMatvecTransposed };

constexpr bool is_scatter(CsrOp op) { return op == CsrOp::kScatterSum || op == CsrOp::kScatterProd; }

template <CsrOp Op, typename T, typename I>
__global__ void csr_kernel(const T *w, bool homogeneous, const I *indices, const I *indptr, int64_t num_rows,
                           int64_t nnz, const void *x, ffi::DataType x_type, int64_t num_x, T *out,
                           int64_t num_out) {
  const int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (i >= num_rows) return;
  // (Clamped so that even an unchecked row pointer cannot make a thread read outside the entries.)
  I begin = indptr[i], end = indptr[i + 1];
  if (begin < 0) begin = 0;
  if (end > nnz) end = static_cast<I>(nnz);
  if constexpr (Op == CsrOp::kGather || Op == CsrOp::kMatvec) {
    T acc = 0;
    for (I j = begin; j < end; ++j) {
      const I c = indices[j];
      if (c < 0 || c >= num_x) continue;
      const T wj = homogeneous ? w[0] : w[j];
      if constexpr (Op == CsrOp::kGather) {
        if (brainpylib::event_on(x, x_type, c)) acc += wj;
      } else {
        acc += wj * static_cast<const T *>(x)[c];
      }
    }
    out[i] = acc;
  } else {
    T scale = T(1);
    if constexpr (Op == CsrOp::kMatvecTransposed) {
      scale = static_cast<const T *>(x)[i];
      if (scale == T(0)) return;
    } else {
      if (!brainpylib::event_on(x, x_type, i)) return;
    }
    for (I j = begin; j < end; ++j) {
      const I c = indices[j];
      if (c < 0 || c >= num_out) continue;
      const T wj = (homogeneous ? w[0] : w[j]) * scale;
      if constexpr (Op == CsrOp::kScatterProd) {
        brainpylib::atomic_mul(out + c, wj);
      } else {
        atomicAdd(out + c, wj);
      }
    }
  }
}

constexpr int kFlagIndptr = 1, kFlagColumn = 2;

// Sets kFlagIndptr in *flag when the row pointer does not run without decreasing from 0 to nnz,
// kFlagColumn when `num_x` >= 0 and a column index is outside [0, num_x).
template <typename I>
__global__ void check_kernel(const I *indptr, int64_t num_rows, int64_t nnz, const I *indices, int64_t num_x,
                             int *flag) {
  const int64_t k = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (k == 0 && (indptr[0] != 0 || static_cast<int64_t>(indptr[num_rows]) != nnz)) atomicOr(flag, kFlagIndptr);
  if (k < num_rows && indptr[k + 1] < indptr[k]) atomicOr(flag, kFlagIndptr);
  if (num_x >= 0 && k < nnz && (indices[k] < 0 || indices[k] >= num_x)) atomicOr(flag, kFlagColumn);
}

// Runs `check_kernel` on one batch element and reads its flag back (waiting for the stream).
ffi::Error check_on_device(const char *name, cudaStream_t stream, ffi::ScratchAllocator &scratch,
                           const CsrCall &call, const void *indptr, const void *indices, bool columns) {
  std::optional<void *> memory = scratch.Allocate(sizeof(int), alignof(int));
  if (!memory.has_value()) return ffi::Error::Internal(std::string("brainpylib_") + name + ": no scratch memory");
  int *flag = static_cast<int *>(*memory);
  cudaMemsetAsync(flag, 0, sizeof(int), stream);
  const int64_t threads = std::max<int64_t>({call.num_rows, columns ? call.nnz : 0, 1});
  const int64_t num_x = columns ? call.num_x : -1;
  if (call.index_type == ffi::DataType::S32) {
    check_kernel<int32_t><<<blocks_for(threads), kThreads, 0, stream>>>(
        static_cast<const int32_t *>(indptr), call.num_rows, call.nnz, static_cast<const int32_t *>(indices), num_x,
        flag);
  } else {
    check_kernel<int64_t><<<blocks_for(threads), kThreads, 0, stream>>>(
        static_cast<const int64_t *>(indptr), call.num_rows, call.nnz, static_cast<const int64_t *>(indices), num_x,
        flag);
  }
  int host_flag = 0;
  cudaMemcpyAsync(&host_flag, flag, sizeof(int), cudaMemcpyDeviceToHost, stream);
  if (cudaStreamSynchronize(stream) != cudaSuccess) return brainpylib::launch_status(name);
  if (host_flag & kFlagIndptr) return invalid(name, brainpylib::kBadIndptr);
  if (host_flag & kFlagColumn) return invalid(name, brainpylib::kBadColumn);
  return ffi::Error::Success();
}

// Every CSR handler.  `check`: the row pointer (and a gather's column indices) are checked on
// the device; `base` (event_csr_sum_into): the result starts from base * scale.
template <CsrOp Op>
ffi::Error csr_handler(const char *name, bool check, cudaStream_t stream, ffi::ScratchAllocator &scratch,
                       ffi::AnyBuffer x, ffi::AnyBuffer weights, ffi::AnyBuffer indices, ffi::AnyBuffer indptr,
                       ffi::Result<ffi::AnyBuffer> out, const ffi::AnyBuffer *base = nullptr, double scale = 1.0) {
  constexpr bool kGathers = Op == CsrOp::kGather || Op == CsrOp::kMatvec;
  constexpr bool kEvents = is_scatter(Op) || Op == CsrOp::kGather;
  CsrCall call;
  if (ffi::Error e = brainpylib::check_csr(name, kEvents, !kGathers, x, weights, indices, indptr, out, base, &call);
      e.failure()) {
    return e;
  }
  const void *checked = nullptr;  // the last row pointer found valid (batches may share it)
  for (int64_t b = 0; b < call.batch.count; ++b) {
    const void *ptr = brainpylib::slice(indptr, call.batch, b);
    const void *ind = brainpylib::slice(indices, call.batch, b);
    if (check && ptr != checked) {
      if (ffi::Error e = check_on_device(name, stream, scratch, call, ptr, ind, kGathers); e.failure()) return e;
      checked = ptr;
    }
    const void *w = brainpylib::slice(weights, call.batch, b);
    const void *xb = brainpylib::slice(x, call.batch, b);
    const void *bb = base == nullptr ? nullptr : brainpylib::slice(*base, call.batch, b);
    void *ob = brainpylib::result_slice(out, call.batch, b);
    brainpylib::visit_value_index(call.value_type, call.index_type, [&](auto t, auto i) {
      using T = decltype(t);
      using I = decltype(i);
      T *o = static_cast<T *>(ob);
      if (call.num_out > 0) {
        brainpylib::fill<T><<<blocks_for(call.num_out), kThreads, 0, stream>>>(
            o, call.num_out, Op == CsrOp::kScatterProd ? T(1) : T(0), static_cast<const T *>(bb),
            static_cast<T>(scale));
      }
      if (call.num_rows > 0) {
        csr_kernel<Op, T, I><<<blocks_for(call.num_rows), kThreads, 0, stream>>>(
            static_cast<const T *>(w), call.num_w == 1, static_cast<const I *>(ind), static_cast<const I *>(ptr),
            call.num_rows, call.nnz, xb, x.element_type(), call.num_x, o, call.num_out);
      }
    });
  }
  return brainpylib::launch_status(name);
}

template <CsrOp Op, bool Prechecked>
ffi::Error EventScatter(cudaStream_t stream, ffi::ScratchAllocator scratch, ffi::AnyBuffer events,
                        ffi::AnyBuffer weights, ffi::AnyBuffer indices, ffi::AnyBuffer indptr,
                        ffi::Result<ffi::AnyBuffer> out) {
  return csr_handler<Op>(Op == CsrOp::kScatterSum ? "event_csr_sum" : "event_csr_prod", !Prechecked, stream,
                         scratch, events, weights, indices, indptr, out);
}

template <bool Prechecked>
ffi::Error EventScatterInto(cudaStream_t stream, ffi::ScratchAllocator scratch, ffi::AnyBuffer events,
                            ffi::AnyBuffer weights, ffi::AnyBuffer indices, ffi::AnyBuffer indptr, ffi::AnyBuffer base,
                            ffi::Result<ffi::AnyBuffer> out, double scale) {
  return csr_handler<CsrOp::kScatterSum>("event_csr_sum_into", !Prechecked, stream, scratch, events, weights,
                                         indices, indptr, out, &base, scale);
}

ffi::Error EventCsrGather(cudaStream_t stream, ffi::ScratchAllocator scratch, ffi::AnyBuffer events,
                          ffi::AnyBuffer weights, ffi::AnyBuffer indices, ffi::AnyBuffer indptr,
                          ffi::Result<ffi::AnyBuffer> out) {
  return csr_handler<CsrOp::kGather>("event_csr_gather", true, stream, scratch, events, weights, indices, indptr,
                                     out);
}

ffi::Error CsrMatvec(cudaStream_t stream, ffi::ScratchAllocator scratch, ffi::AnyBuffer vector,
                     ffi::AnyBuffer weights, ffi::AnyBuffer indices, ffi::AnyBuffer indptr,
                     ffi::Result<ffi::AnyBuffer> out, int64_t transpose) {
  return transpose ? csr_handler<CsrOp::kMatvecTransposed>("csr_matvec", true, stream, scratch, vector, weights,
                                                           indices, indptr, out)
                   : csr_handler<CsrOp::kMatvec>("csr_matvec", true, stream, scratch, vector, weights, indices,
                                                 indptr, out);
}

}  // namespace

BPL_CUDA_CSR_TARGETS(BPL_DEFINE_TARGET)
