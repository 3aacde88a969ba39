// Launch helpers and device utilities shared by brainpylib's CUDA kernel families.
#ifndef BRAINPYLIB_CUDA_COMMON_CUH_
#define BRAINPYLIB_CUDA_COMMON_CUH_

#include <cstdint>
#include <string>

#include <cuda_runtime.h>

#include "ffi_common.h"

namespace brainpylib {

constexpr int kThreads = 256;

inline int blocks_for(int64_t n) { return static_cast<int>((n + kThreads - 1) / kThreads); }

// The handler's outcome after its launches: an Internal error naming the target if one failed.
inline ffi::Error launch_status(const char *target) {
  cudaError_t err = cudaGetLastError();
  if (err != cudaSuccess) {
    return ffi::Error::Internal(std::string("brainpylib_") + target + ": " + cudaGetErrorString(err));
  }
  return ffi::Error::Success();
}

__device__ inline float atomic_mul(float *address, float v) {
  int *a = reinterpret_cast<int *>(address);
  int old = *a, assumed;
  do {
    assumed = old;
    old = atomicCAS(a, assumed, __float_as_int(__int_as_float(assumed) * v));
  } while (assumed != old);
  return __int_as_float(old);
}

__device__ inline double atomic_mul(double *address, double v) {
  auto *a = reinterpret_cast<unsigned long long *>(address);
  unsigned long long old = *a, assumed;
  do {
    assumed = old;
    old = atomicCAS(a, assumed, __double_as_longlong(__longlong_as_double(assumed) * v));
  } while (assumed != old);
  return __longlong_as_double(old);
}

// out[k] = value, or base[k] * scale when `base` is given (base may be out).
template <typename T>
__global__ void fill(T *out, int64_t n, T value, const T *base = nullptr, T scale = T(1)) {
  const int64_t k = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (k < n) out[k] = base == nullptr ? value : base[k] * scale;
}

}  // namespace brainpylib

#endif  // BRAINPYLIB_CUDA_COMMON_CUH_
