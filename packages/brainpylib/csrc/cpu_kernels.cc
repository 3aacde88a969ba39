// CPU kernels of brainpylib, exposed to XLA through the FFI.
//
// Every handler takes AnyBuffer arguments and dispatches on the element types at run time, so
// one registered target serves float32/float64 values and int32/int64 indices.

#include <cstdint>
#include <cstring>
#include <string>

#include <pybind11/pybind11.h>

#include "xla/ffi/api/ffi.h"

namespace py = pybind11;
namespace ffi = xla::ffi;

namespace {

template <typename T>
bool event_is_on(const void *events, int64_t i, ffi::DataType type) {
  switch (type) {
    case ffi::DataType::PRED:
      return static_cast<const bool *>(events)[i];
    case ffi::DataType::F32:
      return static_cast<const float *>(events)[i] != 0.0f;
    case ffi::DataType::F64:
      return static_cast<const double *>(events)[i] != 0.0;
    default:
      return false;
  }
}

// out[post] = sum over active pre rows i, over j in indptr[i]:indptr[i+1] with indices[j] == post
// of w (homogeneous, weights has one element) or weights[j] (heterogeneous).
template <typename T, typename I>
void event_csr_sum(const void *events, ffi::DataType event_type, const I *indices, const I *indptr,
                   int64_t num_pre, const T *weights, bool homogeneous, T *out, int64_t num_post) {
  std::memset(out, 0, sizeof(T) * num_post);
  for (int64_t i = 0; i < num_pre; ++i) {
    if (!event_is_on<T>(events, i, event_type)) continue;
    for (I j = indptr[i]; j < indptr[i + 1]; ++j) {
      out[indices[j]] += homogeneous ? weights[0] : weights[j];
    }
  }
}

template <typename T>
ffi::Error dispatch_index(ffi::AnyBuffer events, ffi::AnyBuffer indices, ffi::AnyBuffer indptr,
                          ffi::AnyBuffer weights, ffi::Result<ffi::AnyBuffer> out) {
  const int64_t num_pre = static_cast<int64_t>(indptr.element_count()) - 1;
  const int64_t nnz = static_cast<int64_t>(indices.element_count());
  const bool homogeneous = weights.element_count() == 1;
  if (!homogeneous && static_cast<int64_t>(weights.element_count()) != nnz) {
    return ffi::Error::InvalidArgument("brainpylib_event_csr_sum: weights must have 1 or nnz elements");
  }
  if (static_cast<int64_t>(events.element_count()) != num_pre) {
    return ffi::Error::InvalidArgument("brainpylib_event_csr_sum: events must have len(indptr) - 1 elements");
  }
  T *o = static_cast<T *>(out->untyped_data());
  const T *w = static_cast<const T *>(weights.untyped_data());
  const int64_t num_post = static_cast<int64_t>(out->element_count());
  if (indices.element_type() == ffi::DataType::S32 && indptr.element_type() == ffi::DataType::S32) {
    event_csr_sum<T, int32_t>(events.untyped_data(), events.element_type(),
                              static_cast<const int32_t *>(indices.untyped_data()),
                              static_cast<const int32_t *>(indptr.untyped_data()), num_pre, w,
                              homogeneous, o, num_post);
  } else if (indices.element_type() == ffi::DataType::S64 && indptr.element_type() == ffi::DataType::S64) {
    event_csr_sum<T, int64_t>(events.untyped_data(), events.element_type(),
                              static_cast<const int64_t *>(indices.untyped_data()),
                              static_cast<const int64_t *>(indptr.untyped_data()), num_pre, w,
                              homogeneous, o, num_post);
  } else {
    return ffi::Error::InvalidArgument(
        "brainpylib_event_csr_sum: indices and indptr must both be int32 or both int64");
  }
  return ffi::Error::Success();
}

ffi::Error EventCsrSum(ffi::AnyBuffer events, ffi::AnyBuffer indices, ffi::AnyBuffer indptr,
                       ffi::AnyBuffer weights, ffi::Result<ffi::AnyBuffer> out) {
  switch (weights.element_type()) {
    case ffi::DataType::F32:
      return dispatch_index<float>(events, indices, indptr, weights, out);
    case ffi::DataType::F64:
      return dispatch_index<double>(events, indices, indptr, weights, out);
    default:
      return ffi::Error::InvalidArgument("brainpylib_event_csr_sum: weights must be float32 or float64");
  }
}

}  // namespace

XLA_FFI_DEFINE_HANDLER_SYMBOL(brainpylib_event_csr_sum, EventCsrSum,
                              ffi::Ffi::Bind()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Ret<ffi::AnyBuffer>());

PYBIND11_MODULE(_cpu_kernels, m) {
  m.doc() = "brainpylib CPU kernels (XLA FFI handlers)";
  m.def("registrations", []() {
    py::dict targets;
    targets["brainpylib_event_csr_sum"] =
        py::capsule(reinterpret_cast<void *>(brainpylib_event_csr_sum));
    return targets;
  });
}
