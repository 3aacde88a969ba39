// syn2post on the CPU: out[ids[k]] (+ or *)= values[k] (values[0] when values has one element);
// ids outside the result are skipped.

#include <algorithm>
#include <cstdint>

#include "cpu/targets.inc"
#include "ffi_common.h"
#include "targets.h"

namespace ffi = xla::ffi;

namespace {

using brainpylib::Batch;
using brainpylib::invalid;

enum class Reduce { kSum, kProd };

template <Reduce Op, typename T, typename I>
void atomic_kernel(const T *values, bool scalar, const I *ids, int64_t n, T *out, int64_t num_out) {
  std::fill(out, out + num_out, Op == Reduce::kProd ? T(1) : T(0));
  for (int64_t k = 0; k < n; ++k) {
    const I p = ids[k];
    if (p < 0 || p >= num_out) continue;
    const T v = scalar ? values[0] : values[k];
    if constexpr (Op == Reduce::kProd) {
      out[p] *= v;
    } else {
      out[p] += v;
    }
  }
}

template <Reduce Op>
ffi::Error atomic_handler(const char *name, ffi::AnyBuffer values, ffi::AnyBuffer ids,
                          ffi::Result<ffi::AnyBuffer> out) {
  Batch batch;
  if (!Batch::from_result(out->dimensions(), &batch)) return invalid(name, "bad result rank");
  if (!batch.compatible(values.dimensions()) || !batch.compatible(ids.dimensions())) {
    return invalid(name, "inconsistent batch axes");
  }
  const ffi::DataType vt = values.element_type(), it = ids.element_type();
  if (!brainpylib::is_value_type(vt) || out->element_type() != vt) {
    return invalid(name, "values and result must be float32 or float64 of the same dtype");
  }
  if (!brainpylib::is_index_type(it)) return invalid(name, "post_ids must be int32 or int64");
  const int64_t n = brainpylib::vector_length(ids.dimensions());
  const int64_t nv = brainpylib::vector_length(values.dimensions());
  if (nv != 1 && nv != n) return invalid(name, "values must have 1 or len(post_ids) elements");
  const int64_t num_out = brainpylib::vector_length(out->dimensions());
  for (int64_t b = 0; b < batch.count; ++b) {
    brainpylib::visit_value_index(vt, it, [&](auto t, auto i) {
      using T = decltype(t);
      using I = decltype(i);
      atomic_kernel<Op, T, I>(static_cast<const T *>(brainpylib::slice(values, batch, b)), nv == 1,
                              static_cast<const I *>(brainpylib::slice(ids, batch, b)), n,
                              static_cast<T *>(brainpylib::result_slice(out, batch, b)), num_out);
    });
  }
  return ffi::Error::Success();
}

ffi::Error AtomicSum(ffi::AnyBuffer values, ffi::AnyBuffer ids, ffi::Result<ffi::AnyBuffer> out) {
  return atomic_handler<Reduce::kSum>("atomic_sum", values, ids, out);
}

ffi::Error AtomicProd(ffi::AnyBuffer values, ffi::AnyBuffer ids, ffi::Result<ffi::AnyBuffer> out) {
  return atomic_handler<Reduce::kProd>("atomic_prod", values, ids, out);
}

}  // namespace

BPL_CPU_ATOMIC_TARGETS(BPL_DEFINE_TARGET)
