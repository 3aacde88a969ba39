// One step of a group of leaky integrate-and-fire neurons on the CPU (brainpy.dyn.LIF's closed-form
// update), every output computed in one vectorized pass.

#include <cmath>
#include <cstdint>

#include "cpu/parallel.h"
#include "cpu/targets.inc"
#include "ffi_common.h"
#include "targets.h"

namespace ffi = xla::ffi;

namespace {

using brainpylib::element_count;
using brainpylib::invalid;

// The step:
//   refractory = t - t_last <= tau_ref
//   V'  = refractory ? V : V + coef * ((V_rest - V) + R * I)      (coef = 1 - exp(-dt / tau))
//   spike = V' >= V_th;  t_last' = spike ? t : t_last;  V'' = spike ? V_reset : V'
//   refractory' = refractory || spike
// The arrays may have any shape (they are walked as flat vectors of one length); t and coef
// hold one element.  A fifth result is I cleared (zero-filled after the step).

struct LifParams {
  double V_rest, V_reset, V_th, R, tau_ref;
};

// XLA:CPU contracts a multiply feeding an add into a fused multiply-add when the processor has
// one; the kernel does the same (checked at run time) so that it rounds like the pure-JAX path.
template <typename T, bool Fma>
inline __attribute__((always_inline)) T mul_add(T a, T b, T c) {
  if constexpr (Fma) {
    return std::fma(a, b, c);
  } else {
    return a * b + c;
  }
}

template <typename T, bool Fma>
inline __attribute__((always_inline)) void lif_loop(int64_t n, const T *V, const T *t_last, const T *I, T t,
                                                    T coef, const LifParams &p, T *V_out, bool *spike,
                                                    T *t_last_out, bool *refractory, T *cleared) {
  const T V_rest = static_cast<T>(p.V_rest), V_reset = static_cast<T>(p.V_reset);
  const T V_th = static_cast<T>(p.V_th), R = static_cast<T>(p.R), tau_ref = static_cast<T>(p.tau_ref);
  // The new potential and spike time overwrite the old ones in place (V_out == V and
  // t_last_out == t_last); each element is read before it is written, so the loop vectorizes.
#pragma GCC ivdep
  for (int64_t k = 0; k < n; ++k) {
    const T v = V[k], tl = t_last[k];
    // Branch-free (selects and bitwise ors) so that the compiler vectorizes the loop.
    const bool ref = (t - tl) <= tau_ref;
    const T integrated = mul_add<T, Fma>(coef, mul_add<T, Fma>(R, I[k], V_rest - v), v);
    const T held = ref ? v : integrated;
    const bool fired = held >= V_th;
    spike[k] = fired;
    refractory[k] = ref | fired;
    t_last_out[k] = fired ? t : tl;
    V_out[k] = fired ? V_reset : held;
    cleared[k] = T(0);  // I, used once, cleared (its buffer when the caller aliases them)
  }
}

#if defined(__x86_64__) || defined(__i386__)
template <typename T>
__attribute__((target("avx2,fma"))) void lif_kernel_fma(int64_t n, const T *V, const T *t_last, const T *I, T t,
                                                   T coef, const LifParams &p, T *V_out, bool *spike,
                                                   T *t_last_out, bool *refractory, T *cleared) {
  lif_loop<T, true>(n, V, t_last, I, t, coef, p, V_out, spike, t_last_out, refractory, cleared);
}

template <typename T>
__attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,fma,prefer-vector-width=512"))) void lif_kernel_avx512(
    int64_t n, const T *V, const T *t_last, const T *I, T t, T coef, const LifParams &p, T *V_out, bool *spike,
    T *t_last_out, bool *refractory, T *cleared) {
  lif_loop<T, true>(n, V, t_last, I, t, coef, p, V_out, spike, t_last_out, refractory, cleared);
}

template <typename T>
void lif_kernel(int64_t n, const T *V, const T *t_last, const T *I, T t, T coef, const LifParams &p,
                T *V_out, bool *spike, T *t_last_out, bool *refractory, T *cleared) {
  static const bool has_avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                                 __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
  static const bool has_fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (has_avx512) {
    lif_kernel_avx512<T>(n, V, t_last, I, t, coef, p, V_out, spike, t_last_out, refractory, cleared);
  } else if (has_fma) {
    lif_kernel_fma<T>(n, V, t_last, I, t, coef, p, V_out, spike, t_last_out, refractory, cleared);
  } else {
    lif_loop<T, false>(n, V, t_last, I, t, coef, p, V_out, spike, t_last_out, refractory, cleared);
  }
}
#else
template <typename T>
void lif_kernel(int64_t n, const T *V, const T *t_last, const T *I, T t, T coef, const LifParams &p,
                T *V_out, bool *spike, T *t_last_out, bool *refractory, T *cleared) {
  lif_loop<T, true>(n, V, t_last, I, t, coef, p, V_out, spike, t_last_out, refractory, cleared);
}
#endif

ffi::Error LifUpdate(ffi::ThreadPool pool, ffi::AnyBuffer V, ffi::AnyBuffer t_last, ffi::AnyBuffer I, ffi::AnyBuffer t,
                     ffi::AnyBuffer coef, ffi::Result<ffi::AnyBuffer> V_out,
                     ffi::Result<ffi::AnyBuffer> spike, ffi::Result<ffi::AnyBuffer> t_last_out,
                     ffi::Result<ffi::AnyBuffer> refractory, ffi::Result<ffi::AnyBuffer> cleared,
                     double V_rest, double V_reset, double V_th, double R, double tau_ref) {
  const char *name = "lif_update";
  const ffi::DataType vt = V.element_type();
  if (!brainpylib::is_value_type(vt)) return invalid(name, "V must be float32 or float64");
  for (auto *buf : {&t_last, &I, &t, &coef}) {
    if (buf->element_type() != vt) return invalid(name, "V, t_last, I, t and coef must share one dtype");
  }
  if (V_out->element_type() != vt || t_last_out->element_type() != vt ||
      spike->element_type() != ffi::DataType::PRED || refractory->element_type() != ffi::DataType::PRED) {
    return invalid(name, "result dtypes must be (V dtype, bool, V dtype, bool)");
  }
  const int64_t n = element_count(V.dimensions());
  for (int64_t m : {element_count(t_last.dimensions()), element_count(I.dimensions()),
                    element_count(V_out->dimensions()), element_count(spike->dimensions()),
                    element_count(t_last_out->dimensions()), element_count(refractory->dimensions())}) {
    if (m != n) return invalid(name, "V, t_last, I and the results must have the same size");
  }
  if (element_count(t.dimensions()) != 1 || element_count(coef.dimensions()) != 1) {
    return invalid(name, "t and coef must hold one element each");
  }
  if (cleared->element_type() != vt || element_count(cleared->dimensions()) != n) {
    return invalid(name, "the fifth result must have the dtype and size of 'I'");
  }
  const LifParams p{V_rest, V_reset, V_th, R, tau_ref};
  bool *sp = static_cast<bool *>(spike->untyped_data());
  bool *ref = static_cast<bool *>(refractory->untyped_data());
  // Large groups are split over the intra-op thread pool (see parallel_for).
  brainpylib::parallel_for(&pool, n, [&](int64_t b, int64_t e) {
    brainpylib::visit_value(vt, [&](auto zero) {
      using T = decltype(zero);
      lif_kernel<T>(e - b, static_cast<const T *>(V.untyped_data()) + b,
                    static_cast<const T *>(t_last.untyped_data()) + b, static_cast<const T *>(I.untyped_data()) + b,
                    *static_cast<const T *>(t.untyped_data()), *static_cast<const T *>(coef.untyped_data()), p,
                    static_cast<T *>(V_out->untyped_data()) + b, sp + b,
                    static_cast<T *>(t_last_out->untyped_data()) + b, ref + b,
                    static_cast<T *>(cleared->untyped_data()) + b);
    });
  });
  return ffi::Error::Success();
}

}  // namespace

BPL_CPU_LIF_TARGETS(BPL_DEFINE_TARGET)
