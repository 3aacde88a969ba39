// syn2post on the CPU: out[ids[k]] (+ or *)= values[k] (values[0] when values has one element);
// ids outside the result are skipped.

#include <algorithm>
#include <cstdint>

#include "arg_checks.h"
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
  brainpylib::AtomicCall call;
  if (ffi::Error e = brainpylib::check_atomic(name, values, ids, out, &call); e.failure()) return e;
  const Batch &batch = call.batch;
  const int64_t n = call.n, nv = call.num_values, num_out = call.num_out;
  const ffi::DataType vt = call.value_type, it = call.index_type;
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
