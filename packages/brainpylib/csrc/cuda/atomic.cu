// syn2post on CUDA (cpu/atomic.cc's operation): one thread per synapse, atomic updates.

#include <cstdint>

#include <cuda_runtime.h>

#include "arg_checks.h"
#include "cuda/common.cuh"
#include "cuda/targets.inc"
#include "ffi_common.h"
#include "targets.h"

namespace ffi = xla::ffi;

namespace {

using brainpylib::Batch;
using brainpylib::blocks_for;
using brainpylib::invalid;
using brainpylib::kThreads;

enum class Reduce { kSum, kProd };

template <Reduce Op, typename T, typename I>
__global__ void atomic_kernel(const T *values, bool scalar, const I *ids, int64_t n, T *out, int64_t num_out) {
  const int64_t k = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (k >= n) return;
  const I p = ids[k];
  if (p < 0 || p >= num_out) return;
  const T v = scalar ? values[0] : values[k];
  if constexpr (Op == Reduce::kProd) {
    brainpylib::atomic_mul(out + p, v);
  } else {
    atomicAdd(out + p, v);
  }
}

template <Reduce Op>
ffi::Error atomic_handler(const char *name, cudaStream_t stream, ffi::AnyBuffer values, ffi::AnyBuffer ids,
                          ffi::Result<ffi::AnyBuffer> out) {
  brainpylib::AtomicCall call;
  if (ffi::Error e = brainpylib::check_atomic(name, values, ids, out, &call); e.failure()) return e;
  const Batch &batch = call.batch;
  const int64_t n = call.n, nv = call.num_values, num_out = call.num_out;
  const ffi::DataType vt = call.value_type, it = call.index_type;
  for (int64_t b = 0; b < batch.count; ++b) {
    brainpylib::visit_value_index(vt, it, [&](auto t, auto i) {
      using T = decltype(t);
      using I = decltype(i);
      T *o = static_cast<T *>(brainpylib::result_slice(out, batch, b));
      if (num_out > 0) {
        brainpylib::fill<T><<<blocks_for(num_out), kThreads, 0, stream>>>(o, num_out,
                                                                            Op == Reduce::kProd ? T(1) : T(0));
      }
      if (n > 0) {
        atomic_kernel<Op, T, I><<<blocks_for(n), kThreads, 0, stream>>>(
            static_cast<const T *>(brainpylib::slice(values, batch, b)), nv == 1,
            static_cast<const I *>(brainpylib::slice(ids, batch, b)), n, o, num_out);
      }
    });
  }
  return brainpylib::launch_status(name);
}

ffi::Error AtomicSum(cudaStream_t s, ffi::AnyBuffer v, ffi::AnyBuffer ids, ffi::Result<ffi::AnyBuffer> out) {
  return atomic_handler<Reduce::kSum>("atomic_sum", s, v, ids, out);
}

ffi::Error AtomicProd(cudaStream_t s, ffi::AnyBuffer v, ffi::AnyBuffer ids, ffi::Result<ffi::AnyBuffer> out) {
  return atomic_handler<Reduce::kProd>("atomic_prod", s, v, ids, out);
}

}  // namespace

BPL_CUDA_ATOMIC_TARGETS(BPL_DEFINE_TARGET)
