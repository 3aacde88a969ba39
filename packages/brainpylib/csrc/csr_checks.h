// The argument checks of the CSR handlers, one contract for the CPU (cpu/csr.cc) and CUDA
// (cuda/csr.cu) kernels.
#ifndef BRAINPYLIB_CSR_CHECKS_H_
#define BRAINPYLIB_CSR_CHECKS_H_

#include <cstdint>

#include "ffi_common.h"

namespace brainpylib {

// The message of a row pointer that does not run without decreasing from 0 to nnz (both
// platforms check the whole row pointer, except the "_prechecked" scatters).
constexpr const char *kBadIndptr = "indptr must be non-decreasing from 0 to len(indices)";
// The message of a gather's column index that cannot index its vector.
constexpr const char *kBadColumn = "a column index is outside [0, len(vector))";

// The checked shape of a CSR call.
struct CsrCall {
  Batch batch;
  ffi::DataType value_type, index_type;
  int64_t nnz, num_rows, num_w, num_x, num_out;
};

// Checks common to every CSR handler.  `x` holds events (`events`) or a dense vector of the
// weights' dtype; it runs over the rows (`x_over_rows`: scatters, transposed product) or is
// indexed by the column indices (gathers: the result runs over the rows).  `base` (the
// scatter-into): the vector the result starts from.
inline ffi::Error check_csr(const char *name, bool events, bool x_over_rows, const ffi::AnyBuffer &x,
                            const ffi::AnyBuffer &weights, const ffi::AnyBuffer &indices,
                            const ffi::AnyBuffer &indptr, ffi::Result<ffi::AnyBuffer> &out,
                            const ffi::AnyBuffer *base, CsrCall *call) {
  if (!Batch::from_result(out->dimensions(), &call->batch)) return invalid(name, "bad result rank");
  for (const ffi::AnyBuffer *buf : {&x, &weights, &indices, &indptr}) {
    if (!call->batch.compatible(buf->dimensions())) return invalid(name, "inconsistent batch axes");
  }
  call->value_type = weights.element_type();
  call->index_type = indices.element_type();
  if (!is_value_type(call->value_type)) return invalid(name, "weights must be float32 or float64");
  if (out->element_type() != call->value_type) return invalid(name, "result dtype differs from the weights'");
  if (!is_index_type(call->index_type) || indptr.element_type() != call->index_type) {
    return invalid(name, "indices and indptr must both be int32 or both int64");
  }
  if (events ? !is_event_type(x.element_type()) : x.element_type() != call->value_type) {
    return invalid(name, events ? "unsupported event dtype" : "vector dtype differs from the weights'");
  }
  call->nnz = vector_length(indices.dimensions());
  call->num_rows = vector_length(indptr.dimensions()) - 1;
  call->num_w = vector_length(weights.dimensions());
  call->num_x = vector_length(x.dimensions());
  call->num_out = vector_length(out->dimensions());
  if (call->num_rows < 0) return invalid(name, "indptr is empty");
  if (call->num_w != 1 && call->num_w != call->nnz) return invalid(name, "weights must have 1 or nnz elements");
  if (base != nullptr && (!call->batch.compatible(base->dimensions()) || base->element_type() != call->value_type ||
                          vector_length(base->dimensions()) != call->num_out)) {
    return invalid(name, "base must have the result's length and the weights' dtype");
  }
  if (x_over_rows ? call->num_x != call->num_rows : call->num_out != call->num_rows) {
    return invalid(name, "vector lengths do not match len(indptr) - 1");
  }
  return ffi::Error::Success();
}

}  // namespace brainpylib

#endif  // BRAINPYLIB_CSR_CHECKS_H_
