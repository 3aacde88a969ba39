// The extension module brainpylib._gpu_kernels: `registrations()` returns the CUDA targets of
// cuda/targets.inc as {"brainpylib_<name>": capsule}.  Built only with BRAINPYLIB_CUDA=ON when a
// CUDA compiler is found.

#include <pybind11/pybind11.h>

#include "cuda/targets.inc"
#include "targets.h"

namespace py = pybind11;

BPL_CUDA_TARGETS(BPL_DECLARE_TARGET)

PYBIND11_MODULE(_gpu_kernels, m) {
  m.doc() = "brainpylib CUDA kernels (XLA FFI handlers)";
  m.attr("platform") = "cuda";
  m.def("registrations", []() {
    py::dict targets;
    BPL_CUDA_TARGETS(BPL_ADD_TARGET)
    return targets;
  });
}
