// FFI utilities shared by every kernel family of brainpylib, CPU and CUDA: error messages, the
// element types the kernels accept and the dispatch on them (written once here), and the
// broadcasting of the batch axes that `vmap` adds.
#ifndef BRAINPYLIB_FFI_COMMON_H_
#define BRAINPYLIB_FFI_COMMON_H_

#include <cstdint>
#include <string>

#include "xla/ffi/api/ffi.h"

#if defined(__CUDACC__)
#define BPL_HD __host__ __device__ __forceinline__
#else
#define BPL_HD inline
#endif

namespace brainpylib {

namespace ffi = xla::ffi;

// The error every handler returns for a bad argument: "brainpylib_<target>: <what>".
inline ffi::Error invalid(const char *target, const std::string &what) {
  return ffi::Error::InvalidArgument(std::string("brainpylib_") + target + ": " + what);
}

// ---------------------------------------------------------------------------------------------
// Element types.  Values are float32 or float64, indices int32 or int64, events any of bool,
// float32, float64, int32, int64 (non-zero = set).  A handler checks the types of its buffers
// first (`is_value_type`, ...) and then instantiates its kernel for them with `visit_value`,
// `visit_value_index` or `visit_event`, which call f with a value of each C++ type (the value
// only carries the type: `using T = decltype(t);`).
// ---------------------------------------------------------------------------------------------

inline bool is_value_type(ffi::DataType t) { return t == ffi::DataType::F32 || t == ffi::DataType::F64; }

inline bool is_index_type(ffi::DataType t) { return t == ffi::DataType::S32 || t == ffi::DataType::S64; }

inline bool is_event_type(ffi::DataType t) {
  return t == ffi::DataType::PRED || is_value_type(t) || is_index_type(t);
}

template <typename F>
decltype(auto) visit_value(ffi::DataType value_type, F &&f) {
  if (value_type == ffi::DataType::F32) return f(float{});
  return f(double{});
}

template <typename F>
decltype(auto) visit_value_index(ffi::DataType value_type, ffi::DataType index_type, F &&f) {
  return visit_value(value_type, [&](auto t) {
    if (index_type == ffi::DataType::S32) return f(t, int32_t{});
    return f(t, int64_t{});
  });
}

template <typename F>
decltype(auto) visit_event(ffi::DataType event_type, F &&f) {
  switch (event_type) {
    case ffi::DataType::PRED:
      return f(bool{});
    case ffi::DataType::F32:
      return f(float{});
    case ffi::DataType::F64:
      return f(double{});
    case ffi::DataType::S32:
      return f(int32_t{});
    default:
      return f(int64_t{});
  }
}

// Whether event i is set (non-zero), for any event type accepted by `is_event_type`; for loops
// that read a few events (one per stored entry) rather than all of them.
BPL_HD bool event_on(const void *events, ffi::DataType type, int64_t i) {
  switch (type) {
    case ffi::DataType::PRED:
      return static_cast<const bool *>(events)[i];
    case ffi::DataType::F32:
      return static_cast<const float *>(events)[i] != 0.0f;
    case ffi::DataType::F64:
      return static_cast<const double *>(events)[i] != 0.0;
    case ffi::DataType::S32:
      return static_cast<const int32_t *>(events)[i] != 0;
    case ffi::DataType::S64:
      return static_cast<const int64_t *>(events)[i] != 0;
    default:
      return false;
  }
}

inline int64_t element_size(ffi::DataType t) {
  switch (t) {
    case ffi::DataType::PRED:
      return 1;
    case ffi::DataType::F32:
    case ffi::DataType::S32:
    case ffi::DataType::U32:
      return 4;
    default:
      return 8;
  }
}

inline int64_t element_count(ffi::Span<const int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

// ---------------------------------------------------------------------------------------------
// Batching.  Every argument and result of a batched handler is a vector (rank 1); `vmap` with
// vmap_method="expand_dims" prepends the same number of batch axes to all of them, of size 1 for
// unbatched arguments.  `Batch` maps the flat index of a result batch element to the offset (in
// elements) of the matching slice of an argument, broadcasting size-1 axes.
// ---------------------------------------------------------------------------------------------

constexpr int kMaxBatchRank = 8;

struct Batch {
  int rank = 0;
  int64_t dims[kMaxBatchRank] = {};
  int64_t count = 1;

  // From the result buffer: its leading axes are the batch axes.
  static bool from_result(ffi::Span<const int64_t> out_dims, Batch *batch) {
    batch->rank = static_cast<int>(out_dims.size()) - 1;
    if (batch->rank < 0 || batch->rank > kMaxBatchRank) return false;
    batch->count = 1;
    for (int k = 0; k < batch->rank; ++k) {
      batch->dims[k] = out_dims[k];
      batch->count *= out_dims[k];
    }
    return true;
  }

  // Checks that `arg_dims` is (batch axes of size 1 or of the result's size) + one vector axis.
  bool compatible(ffi::Span<const int64_t> arg_dims) const {
    if (static_cast<int>(arg_dims.size()) != rank + 1) return false;
    for (int k = 0; k < rank; ++k) {
      if (arg_dims[k] != 1 && arg_dims[k] != dims[k]) return false;
    }
    return true;
  }

  // Offset in elements of the slice of an argument (of shape `arg_dims`) for batch element `b`.
  int64_t offset(ffi::Span<const int64_t> arg_dims, int64_t b) const {
    int64_t flat = 0, rest = b;
    int64_t index[kMaxBatchRank];
    for (int k = rank - 1; k >= 0; --k) {
      index[k] = rest % dims[k];
      rest /= dims[k];
    }
    for (int k = 0; k < rank; ++k) flat = flat * arg_dims[k] + (arg_dims[k] == 1 ? 0 : index[k]);
    return flat * arg_dims[rank];
  }
};

inline int64_t vector_length(ffi::Span<const int64_t> dims) { return dims[dims.size() - 1]; }

// Pointer to batch element `b` of argument `buf`.
inline const void *slice(const ffi::AnyBuffer &buf, const Batch &batch, int64_t b) {
  return static_cast<const char *>(buf.untyped_data()) +
         batch.offset(buf.dimensions(), b) * element_size(buf.element_type());
}

// Pointer to batch element `b` of result `out`.
inline void *result_slice(ffi::Result<ffi::AnyBuffer> &out, const Batch &batch, int64_t b) {
  return static_cast<char *>(out->untyped_data()) +
         batch.offset(out->dimensions(), b) * element_size(out->element_type());
}

}  // namespace brainpylib

#endif  // BRAINPYLIB_FFI_COMMON_H_
