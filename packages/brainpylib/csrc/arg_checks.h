// The argument checks of every handler family (CSR, syn2post, just-in-time connectivity): one
// contract for the CPU (cpu/*.cc) and CUDA (cuda/*.cu) kernels.
#ifndef BRAINPYLIB_ARG_CHECKS_H_
#define BRAINPYLIB_ARG_CHECKS_H_

#include <cstdint>

#include "ffi_common.h"
#include "jitconn_rng.h"

namespace brainpylib {

// The message of a row pointer that does not run without decreasing from 0 to nnz (both
// platforms check the whole row pointer, except the "_prechecked" scatters).
constexpr const char *kBadIndptr = "indptr must be non-decreasing from 0 to len(indices)";
// The message of a gather's column index that cannot index its vector.
constexpr const char *kBadColumn = "a column index is outside [0, len(vector))";

// The checked shape of a CSR call.
struct CsrCall {
  Batch batch;
  // index_type: the row pointer's (int32/int64); column_type: the column indices', the same or,
  // for the event scatters, uint16 (`narrow_columns`)
  ffi::DataType value_type, index_type, column_type;
  int64_t nnz, num_rows, num_w, num_x, num_out;
};

// Checks common to every CSR handler.  `x` holds events (`events`) or a dense vector of the
// weights' dtype; it runs over the rows (`x_over_rows`: scatters, transposed product) or is
// indexed by the column indices (gathers: the result runs over the rows).  `base` (the
// scatter-into): the vector the result starts from.  `narrow_columns` (the CPU event scatters):
// the column indices may also be uint16 whatever the row pointer's type (half the bytes to read
// per synapse; brainpylib narrows concrete connections of at most 65,535 targets).
inline ffi::Error check_csr(const char *name, bool events, bool x_over_rows, const ffi::AnyBuffer &x,
                            const ffi::AnyBuffer &weights, const ffi::AnyBuffer &indices,
                            const ffi::AnyBuffer &indptr, ffi::Result<ffi::AnyBuffer> &out,
                            const ffi::AnyBuffer *base, CsrCall *call, bool narrow_columns = false) {
  if (!Batch::from_result(out->dimensions(), &call->batch)) return invalid(name, "bad result rank");
  for (const ffi::AnyBuffer *buf : {&x, &weights, &indices, &indptr}) {
    if (!call->batch.compatible(buf->dimensions())) return invalid(name, "inconsistent batch axes");
  }
  call->value_type = weights.element_type();
  call->index_type = indptr.element_type();
  call->column_type = indices.element_type();
  if (!is_value_type(call->value_type)) return invalid(name, "weights must be float32 or float64");
  if (out->element_type() != call->value_type) return invalid(name, "result dtype differs from the weights'");
  if (!is_index_type(call->index_type) ||
      (call->column_type != call->index_type && !(narrow_columns && call->column_type == ffi::DataType::U16))) {
    return invalid(name, narrow_columns ? "indices and indptr must both be int32 or both int64 (or uint16 indices)"
                                        : "indices and indptr must both be int32 or both int64");
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

// The checked shape of a syn2post call (`atomic_sum`, `atomic_prod`).
struct AtomicCall {
  Batch batch;
  ffi::DataType value_type, index_type;
  int64_t n, num_values, num_out;
};

// ``values`` (one per id, or one for all) scattered to ``ids`` of a float result.
inline ffi::Error check_atomic(const char *name, const ffi::AnyBuffer &values, const ffi::AnyBuffer &ids,
                               ffi::Result<ffi::AnyBuffer> &out, AtomicCall *call) {
  if (!Batch::from_result(out->dimensions(), &call->batch)) return invalid(name, "bad result rank");
  if (!call->batch.compatible(values.dimensions()) || !call->batch.compatible(ids.dimensions())) {
    return invalid(name, "inconsistent batch axes");
  }
  call->value_type = values.element_type();
  call->index_type = ids.element_type();
  if (!is_value_type(call->value_type) || out->element_type() != call->value_type) {
    return invalid(name, "values and result must be float32 or float64 of the same dtype");
  }
  if (!is_index_type(call->index_type)) return invalid(name, "post_ids must be int32 or int64");
  call->n = vector_length(ids.dimensions());
  call->num_values = vector_length(values.dimensions());
  if (call->num_values != 1 && call->num_values != call->n) {
    return invalid(name, "values must have 1 or len(post_ids) elements");
  }
  call->num_out = vector_length(out->dimensions());
  return ffi::Error::Success();
}

// The checked shape of a just-in-time connectivity call (`jitconn_matvec`, `jitconn_event_matvec`).
struct JitconnCall {
  Batch batch;
  ffi::DataType value_type;
  int64_t num_params, num_thresholds, num_out;
};

// ``x`` (events when ``event``) times the random matrix of shape (num_rows, num_cols) (transposed
// with ``transpose``) with weight ``kind`` and parameters ``params``, skip ``table`` and ``seed``;
// ``base`` (the in-place sums): a vector of the result's dtype and length.
inline ffi::Error check_jitconn(const char *name, bool event, const ffi::AnyBuffer &x, const ffi::AnyBuffer &params,
                                const ffi::AnyBuffer &table, const ffi::AnyBuffer &seed,
                                ffi::Result<ffi::AnyBuffer> &out, int64_t kind, int64_t num_rows, int64_t num_cols,
                                int64_t transpose, JitconnCall *call, const ffi::AnyBuffer *base = nullptr) {
  if (!Batch::from_result(out->dimensions(), &call->batch)) return invalid(name, "bad result rank");
  for (const ffi::AnyBuffer *buf : {&x, &params, &table, &seed}) {
    if (!call->batch.compatible(buf->dimensions())) return invalid(name, "inconsistent batch axes");
  }
  call->value_type = params.element_type();
  if (!is_value_type(call->value_type) || out->element_type() != call->value_type) {
    return invalid(name, "weight parameters and result must be float32 or float64 of one dtype");
  }
  if (table.element_type() != ffi::DataType::U32 || seed.element_type() != ffi::DataType::U32) {
    return invalid(name, "the skip table and the seed must be uint32");
  }
  if (event ? !is_event_type(x.element_type()) : x.element_type() != call->value_type) {
    return invalid(name, event ? "unsupported event dtype" : "vector dtype differs from the weights'");
  }
  if (kind < kHomo || kind > kNormal) return invalid(name, "unknown weight kind");
  call->num_params = vector_length(params.dimensions());
  if (call->num_params != (kind == kHomo ? 1 : 2)) return invalid(name, "wrong number of weight parameters");
  if (vector_length(seed.dimensions()) != 1) return invalid(name, "the seed must have one element");
  const int64_t table_size = vector_length(table.dimensions());
  if (table_size < kGuideSize + 1) return invalid(name, "malformed skip table");
  call->num_thresholds = table_size - kGuideSize - 1;
  const int64_t num_x = vector_length(x.dimensions());
  call->num_out = vector_length(out->dimensions());
  if (num_x != (transpose ? num_rows : num_cols) || call->num_out != (transpose ? num_cols : num_rows)) {
    return invalid(name, "vector or result length does not match the shape");
  }
  if (num_rows > (int64_t(1) << 32) || num_cols > (int64_t(1) << 32)) {
    return invalid(name, "the shape must be below 2**32 in each dimension");
  }
  if (base != nullptr && (base->element_type() != call->value_type || !call->batch.compatible(base->dimensions()) ||
                          vector_length(base->dimensions()) != call->num_out)) {
    return invalid(name, "the base must be a vector of the result's dtype and length");
  }
  return ffi::Error::Success();
}

}  // namespace brainpylib

#endif  // BRAINPYLIB_ARG_CHECKS_H_
