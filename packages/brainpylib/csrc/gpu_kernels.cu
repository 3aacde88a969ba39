// CUDA kernels of brainpylib: the same FFI targets as cpu_kernels.cc, registered for platform
// "CUDA".  Built only with BRAINPYLIB_CUDA=ON when a CUDA compiler is found.
//
// Differences from the CPU kernels: a CSR row pointer or column index that is out of range is
// not reported (device memory is not inspected on the host); such entries are skipped.  Sums
// scattered by several threads use atomicAdd, so their order (and last-bit rounding) varies.

#include <cstdint>
#include <string>

#include <cuda_runtime.h>
#include <pybind11/pybind11.h>

#include "common.h"
#include "xla/ffi/api/ffi.h"

namespace py = pybind11;
namespace ffi = xla::ffi;
using brainpylib::Batch;

namespace {

constexpr int kThreads = 256;

inline int blocks_for(int64_t n) { return static_cast<int>((n + kThreads - 1) / kThreads); }

ffi::Error invalid(const char *kernel, const std::string &what) {
  return ffi::Error::InvalidArgument(std::string("brainpylib_") + kernel + ": " + what);
}

ffi::Error launch_status(const char *kernel) {
  cudaError_t err = cudaGetLastError();
  if (err != cudaSuccess) {
    return ffi::Error::Internal(std::string("brainpylib_") + kernel + ": " + cudaGetErrorString(err));
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

template <typename T>
__global__ void fill(T *out, int64_t n, T value) {
  const int64_t k = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (k < n) out[k] = value;
}

// One thread per row.  mode 0: event scatter-sum, 1: event scatter-product, 2: event gather,
// 3: matvec, 4: transposed matvec (see cpu_kernels.cc).
template <typename T, typename I>
__global__ void csr_kernel(int mode, const T *w, bool homogeneous, const I *indices,
                           const I *indptr, int64_t num_rows, int64_t nnz, const void *x,
                           ffi::DataType x_type, int64_t num_x, T *out, int64_t num_out) {
  const int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (i >= num_rows) return;
  I begin = indptr[i], end = indptr[i + 1];
  if (begin < 0) begin = 0;
  if (end > nnz) end = static_cast<I>(nnz);
  if (mode == 2 || mode == 3) {
    T acc = 0;
    for (I j = begin; j < end; ++j) {
      const I c = indices[j];
      if (c < 0 || c >= num_x) continue;
      const T wj = homogeneous ? w[0] : w[j];
      if (mode == 2) {
        if (brainpylib::event_on(x, x_type, c)) acc += wj;
      } else {
        acc += wj * static_cast<const T *>(x)[c];
      }
    }
    out[i] = acc;
    return;
  }
  T scale = T(1);
  if (mode == 4) {
    scale = static_cast<const T *>(x)[i];
    if (scale == T(0)) return;
  } else if (!brainpylib::event_on(x, x_type, i)) {
    return;
  }
  for (I j = begin; j < end; ++j) {
    const I c = indices[j];
    if (c < 0 || c >= num_out) continue;
    const T wj = (homogeneous ? w[0] : w[j]) * scale;
    if (mode == 1) {
      atomic_mul(out + c, wj);
    } else {
      atomicAdd(out + c, wj);
    }
  }
}

template <typename T, typename I>
void launch_csr(cudaStream_t stream, int mode, const void *w, bool homogeneous, const void *indices,
                const void *indptr, int64_t num_rows, int64_t nnz, const void *x,
                ffi::DataType x_type, int64_t num_x, void *out, int64_t num_out) {
  T *o = static_cast<T *>(out);
  if (num_out > 0) fill<T><<<blocks_for(num_out), kThreads, 0, stream>>>(o, num_out, mode == 1 ? T(1) : T(0));
  if (num_rows > 0) {
    csr_kernel<T, I><<<blocks_for(num_rows), kThreads, 0, stream>>>(
        mode, static_cast<const T *>(w), homogeneous, static_cast<const I *>(indices),
        static_cast<const I *>(indptr), num_rows, nnz, x, x_type, num_x, o, num_out);
  }
}

ffi::Error csr_handler(const char *name, int mode, cudaStream_t stream, ffi::AnyBuffer x,
                       ffi::AnyBuffer weights, ffi::AnyBuffer indices, ffi::AnyBuffer indptr,
                       ffi::Result<ffi::AnyBuffer> out) {
  Batch batch;
  if (!Batch::from_result(out->dimensions(), &batch)) return invalid(name, "bad result rank");
  for (auto *buf : {&x, &weights, &indices, &indptr}) {
    if (!batch.compatible(buf->dimensions())) return invalid(name, "inconsistent batch axes");
  }
  const ffi::DataType vt = weights.element_type(), it = indices.element_type();
  if ((vt != ffi::DataType::F32 && vt != ffi::DataType::F64) || out->element_type() != vt) {
    return invalid(name, "weights and result must be float32 or float64 of one dtype");
  }
  if (!brainpylib::is_index_type(it) || indptr.element_type() != it) {
    return invalid(name, "indices and indptr must both be int32 or both int64");
  }
  if (mode <= 2 ? !brainpylib::is_event_type(x.element_type()) : x.element_type() != vt) {
    return invalid(name, "unsupported event or vector dtype");
  }
  const int64_t nnz = brainpylib::vector_length(indices.dimensions());
  const int64_t num_rows = brainpylib::vector_length(indptr.dimensions()) - 1;
  const int64_t num_w = brainpylib::vector_length(weights.dimensions());
  const int64_t num_x = brainpylib::vector_length(x.dimensions());
  const int64_t num_out = brainpylib::vector_length(out->dimensions());
  if (num_rows < 0 || (num_w != 1 && num_w != nnz)) return invalid(name, "inconsistent CSR buffers");
  const bool gather = mode == 2 || mode == 3;
  if (gather ? num_out != num_rows : num_x != num_rows) {
    return invalid(name, "vector lengths do not match len(indptr) - 1");
  }
  for (int64_t b = 0; b < batch.count; ++b) {
    const void *w = brainpylib::slice(weights, batch, b);
    const void *ind = brainpylib::slice(indices, batch, b);
    const void *ptr = brainpylib::slice(indptr, batch, b);
    const void *xb = brainpylib::slice(x, batch, b);
    void *ob = static_cast<char *>(out->untyped_data()) +
               batch.offset(out->dimensions(), b) * brainpylib::element_size(vt);
    const bool homo = num_w == 1;
    if (vt == ffi::DataType::F32) {
      if (it == ffi::DataType::S32) {
        launch_csr<float, int32_t>(stream, mode, w, homo, ind, ptr, num_rows, nnz, xb, x.element_type(), num_x, ob, num_out);
      } else {
        launch_csr<float, int64_t>(stream, mode, w, homo, ind, ptr, num_rows, nnz, xb, x.element_type(), num_x, ob, num_out);
      }
    } else if (it == ffi::DataType::S32) {
      launch_csr<double, int32_t>(stream, mode, w, homo, ind, ptr, num_rows, nnz, xb, x.element_type(), num_x, ob, num_out);
    } else {
      launch_csr<double, int64_t>(stream, mode, w, homo, ind, ptr, num_rows, nnz, xb, x.element_type(), num_x, ob, num_out);
    }
  }
  return launch_status(name);
}

ffi::Error EventCsrSum(cudaStream_t s, ffi::AnyBuffer x, ffi::AnyBuffer w, ffi::AnyBuffer ind,
                       ffi::AnyBuffer ptr, ffi::Result<ffi::AnyBuffer> out) {
  return csr_handler("event_csr_sum", 0, s, x, w, ind, ptr, out);
}

ffi::Error EventCsrProd(cudaStream_t s, ffi::AnyBuffer x, ffi::AnyBuffer w, ffi::AnyBuffer ind,
                        ffi::AnyBuffer ptr, ffi::Result<ffi::AnyBuffer> out) {
  return csr_handler("event_csr_prod", 1, s, x, w, ind, ptr, out);
}

ffi::Error EventCsrGather(cudaStream_t s, ffi::AnyBuffer x, ffi::AnyBuffer w, ffi::AnyBuffer ind,
                          ffi::AnyBuffer ptr, ffi::Result<ffi::AnyBuffer> out) {
  return csr_handler("event_csr_gather", 2, s, x, w, ind, ptr, out);
}

ffi::Error CsrMatvec(cudaStream_t s, ffi::AnyBuffer x, ffi::AnyBuffer w, ffi::AnyBuffer ind,
                     ffi::AnyBuffer ptr, ffi::Result<ffi::AnyBuffer> out, int64_t transpose) {
  return csr_handler("csr_matvec", transpose ? 4 : 3, s, x, w, ind, ptr, out);
}

// syn2post: one thread per synapse.
template <typename T, typename I>
__global__ void atomic_kernel(bool prod, const T *values, bool scalar, const I *ids, int64_t n,
                              T *out, int64_t num_out) {
  const int64_t k = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (k >= n) return;
  const I p = ids[k];
  if (p < 0 || p >= num_out) return;
  const T v = scalar ? values[0] : values[k];
  if (prod) {
    atomic_mul(out + p, v);
  } else {
    atomicAdd(out + p, v);
  }
}

template <typename T, typename I>
void launch_atomic(cudaStream_t stream, bool prod, const void *v, bool scalar, const void *ids,
                   int64_t n, void *out, int64_t num_out) {
  T *o = static_cast<T *>(out);
  if (num_out > 0) fill<T><<<blocks_for(num_out), kThreads, 0, stream>>>(o, num_out, prod ? T(1) : T(0));
  if (n > 0) {
    atomic_kernel<T, I><<<blocks_for(n), kThreads, 0, stream>>>(
        prod, static_cast<const T *>(v), scalar, static_cast<const I *>(ids), n, o, num_out);
  }
}

ffi::Error atomic_handler(const char *name, bool prod, cudaStream_t stream, ffi::AnyBuffer values,
                          ffi::AnyBuffer ids, ffi::Result<ffi::AnyBuffer> out) {
  Batch batch;
  if (!Batch::from_result(out->dimensions(), &batch)) return invalid(name, "bad result rank");
  if (!batch.compatible(values.dimensions()) || !batch.compatible(ids.dimensions())) {
    return invalid(name, "inconsistent batch axes");
  }
  const ffi::DataType vt = values.element_type(), it = ids.element_type();
  if ((vt != ffi::DataType::F32 && vt != ffi::DataType::F64) || out->element_type() != vt) {
    return invalid(name, "values and result must be float32 or float64 of one dtype");
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
        launch_atomic<float, int32_t>(stream, prod, v, nv == 1, ip, n, o, num_out);
      } else {
        launch_atomic<float, int64_t>(stream, prod, v, nv == 1, ip, n, o, num_out);
      }
    } else if (it == ffi::DataType::S32) {
      launch_atomic<double, int32_t>(stream, prod, v, nv == 1, ip, n, o, num_out);
    } else {
      launch_atomic<double, int64_t>(stream, prod, v, nv == 1, ip, n, o, num_out);
    }
  }
  return launch_status(name);
}

ffi::Error AtomicSum(cudaStream_t s, ffi::AnyBuffer v, ffi::AnyBuffer ids, ffi::Result<ffi::AnyBuffer> out) {
  return atomic_handler("atomic_sum", false, s, v, ids, out);
}

ffi::Error AtomicProd(cudaStream_t s, ffi::AnyBuffer v, ffi::AnyBuffer ids, ffi::Result<ffi::AnyBuffer> out) {
  return atomic_handler("atomic_prod", true, s, v, ids, out);
}

// Just-in-time connectivity (see common.h): one thread per row walks the row's geometric skips.
// With transpose (x over rows) the rows with a non-zero x scatter into the columns with
// atomicAdd; without, each row sums its entries times x.
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

template <typename T>
__global__ void jitconn_kernel(bool event, bool transpose, int64_t kind, const uint32_t *table,
                               int64_t num_thresholds, const uint32_t *seed, const T *params,
                               int64_t num_params, const void *x, ffi::DataType x_type,
                               int64_t num_rows, int64_t num_cols, T *out) {
  const int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (i >= num_rows || num_thresholds == 0) return;
  const T p0 = params[0], p1 = num_params > 1 ? params[1] : T(0);
  T xi = T(1);
  if (transpose) {
    if (event) {
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
    } else if (event) {
      if (brainpylib::event_on(x, x_type, col)) acc += w;
    } else {
      acc += w * static_cast<const T *>(x)[col];
    }
  }
  if (!transpose) out[i] = acc;
}

ffi::Error jitconn_handler(const char *name, bool event, cudaStream_t stream, ffi::AnyBuffer x,
                           ffi::AnyBuffer params, ffi::AnyBuffer table, ffi::AnyBuffer seed,
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
    return invalid(name, "unsupported event or vector dtype");
  }
  if (kind < 0 || kind > 2) return invalid(name, "unknown weight kind");
  const int64_t num_params = brainpylib::vector_length(params.dimensions());
  if (num_params != (kind == brainpylib::kHomo ? 1 : 2)) return invalid(name, "wrong number of weight parameters");
  const int64_t table_size = brainpylib::vector_length(table.dimensions());
  if (table_size < brainpylib::kGuideSize + 1) return invalid(name, "malformed skip table");
  const int64_t num_x = brainpylib::vector_length(x.dimensions());
  const int64_t num_out = brainpylib::vector_length(out->dimensions());
  if (num_x != (transpose ? num_rows : num_cols) || num_out != (transpose ? num_cols : num_rows)) {
    return invalid(name, "vector or result length does not match the shape");
  }
  if (num_out == 0) return ffi::Error::Success();
  for (int64_t b = 0; b < batch.count; ++b) {
    const void *xb = brainpylib::slice(x, batch, b);
    const void *pb = brainpylib::slice(params, batch, b);
    const uint32_t *tb = static_cast<const uint32_t *>(brainpylib::slice(table, batch, b));
    const uint32_t *sd = static_cast<const uint32_t *>(brainpylib::slice(seed, batch, b));
    void *ob = static_cast<char *>(out->untyped_data()) +
               batch.offset(out->dimensions(), b) * brainpylib::element_size(vt);
    const int64_t num_thr = table_size - brainpylib::kGuideSize - 1;
    if (vt == ffi::DataType::F32) {
      fill<float><<<blocks_for(num_out), kThreads, 0, stream>>>(static_cast<float *>(ob), num_out, 0.0f);
      if (num_rows > 0) {
        jitconn_kernel<float><<<blocks_for(num_rows), kThreads, 0, stream>>>(
            event, transpose != 0, kind, tb, num_thr, sd, static_cast<const float *>(pb), num_params, xb,
            x.element_type(), num_rows, num_cols, static_cast<float *>(ob));
      }
    } else {
      fill<double><<<blocks_for(num_out), kThreads, 0, stream>>>(static_cast<double *>(ob), num_out, 0.0);
      if (num_rows > 0) {
        jitconn_kernel<double><<<blocks_for(num_rows), kThreads, 0, stream>>>(
            event, transpose != 0, kind, tb, num_thr, sd, static_cast<const double *>(pb), num_params, xb,
            x.element_type(), num_rows, num_cols, static_cast<double *>(ob));
      }
    }
  }
  return launch_status(name);
}

ffi::Error JitconnMatvec(cudaStream_t s, ffi::AnyBuffer x, ffi::AnyBuffer params, ffi::AnyBuffer table,
                         ffi::AnyBuffer seed, ffi::Result<ffi::AnyBuffer> out, int64_t kind,
                         int64_t num_rows, int64_t num_cols, int64_t transpose) {
  return jitconn_handler("jitconn_matvec", false, s, x, params, table, seed, out, kind, num_rows, num_cols, transpose);
}

ffi::Error JitconnEventMatvec(cudaStream_t s, ffi::AnyBuffer x, ffi::AnyBuffer params,
                              ffi::AnyBuffer table, ffi::AnyBuffer seed, ffi::Result<ffi::AnyBuffer> out,
                              int64_t kind, int64_t num_rows, int64_t num_cols, int64_t transpose) {
  return jitconn_handler("jitconn_event_matvec", true, s, x, params, table, seed, out, kind, num_rows, num_cols, transpose);
}

}  // namespace

#define BPL_STREAM ffi::Ffi::Bind().Ctx<ffi::PlatformStream<cudaStream_t>>()
#define BPL_CSR_BINDING \
  BPL_STREAM.Arg<ffi::AnyBuffer>().Arg<ffi::AnyBuffer>().Arg<ffi::AnyBuffer>().Arg<ffi::AnyBuffer>().Ret<ffi::AnyBuffer>()
#define BPL_JITCONN_BINDING                                                                      \
  BPL_STREAM.Arg<ffi::AnyBuffer>().Arg<ffi::AnyBuffer>().Arg<ffi::AnyBuffer>().Arg<ffi::AnyBuffer>() \
      .Ret<ffi::AnyBuffer>()                                                                      \
      .Attr<int64_t>("kind")                                                                      \
      .Attr<int64_t>("num_rows")                                                                  \
      .Attr<int64_t>("num_cols")                                                                  \
      .Attr<int64_t>("transpose")

XLA_FFI_DEFINE_HANDLER_SYMBOL(brainpylib_event_csr_sum_cuda, EventCsrSum, BPL_CSR_BINDING);
XLA_FFI_DEFINE_HANDLER_SYMBOL(brainpylib_event_csr_prod_cuda, EventCsrProd, BPL_CSR_BINDING);
XLA_FFI_DEFINE_HANDLER_SYMBOL(brainpylib_event_csr_gather_cuda, EventCsrGather, BPL_CSR_BINDING);
XLA_FFI_DEFINE_HANDLER_SYMBOL(brainpylib_csr_matvec_cuda, CsrMatvec,
                              BPL_CSR_BINDING.Attr<int64_t>("transpose"));
XLA_FFI_DEFINE_HANDLER_SYMBOL(brainpylib_atomic_sum_cuda, AtomicSum,
                              BPL_STREAM.Arg<ffi::AnyBuffer>().Arg<ffi::AnyBuffer>().Ret<ffi::AnyBuffer>());
XLA_FFI_DEFINE_HANDLER_SYMBOL(brainpylib_atomic_prod_cuda, AtomicProd,
                              BPL_STREAM.Arg<ffi::AnyBuffer>().Arg<ffi::AnyBuffer>().Ret<ffi::AnyBuffer>());
XLA_FFI_DEFINE_HANDLER_SYMBOL(brainpylib_jitconn_matvec_cuda, JitconnMatvec, BPL_JITCONN_BINDING);
XLA_FFI_DEFINE_HANDLER_SYMBOL(brainpylib_jitconn_event_matvec_cuda, JitconnEventMatvec, BPL_JITCONN_BINDING);

PYBIND11_MODULE(_gpu_kernels, m) {
  m.doc() = "brainpylib CUDA kernels (XLA FFI handlers)";
  m.def("registrations", []() {
    py::dict t;
    // Registered under the same target names as the CPU handlers, for platform "CUDA".
    t["brainpylib_event_csr_sum"] = py::capsule(reinterpret_cast<void *>(brainpylib_event_csr_sum_cuda));
    t["brainpylib_event_csr_prod"] = py::capsule(reinterpret_cast<void *>(brainpylib_event_csr_prod_cuda));
    t["brainpylib_event_csr_gather"] = py::capsule(reinterpret_cast<void *>(brainpylib_event_csr_gather_cuda));
    t["brainpylib_csr_matvec"] = py::capsule(reinterpret_cast<void *>(brainpylib_csr_matvec_cuda));
    t["brainpylib_atomic_sum"] = py::capsule(reinterpret_cast<void *>(brainpylib_atomic_sum_cuda));
    t["brainpylib_atomic_prod"] = py::capsule(reinterpret_cast<void *>(brainpylib_atomic_prod_cuda));
    t["brainpylib_jitconn_matvec"] = py::capsule(reinterpret_cast<void *>(brainpylib_jitconn_matvec_cuda));
    t["brainpylib_jitconn_event_matvec"] =
        py::capsule(reinterpret_cast<void *>(brainpylib_jitconn_event_matvec_cuda));
    return t;
  });
}
