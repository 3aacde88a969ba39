// The extension module brainpylib._cpu_kernels: `registrations()` returns the CPU targets of
// cpu/targets.inc as {"brainpylib_<name>": capsule}.
//
// Every handler takes AnyBuffer arguments and dispatches on the element types at run time, so
// one registered target serves float32/float64 values and int32/int64 indices.  All arguments
// and results of the batched targets are vectors; leading batch axes added by `vmap`
// (vmap_method="expand_dims") are looped over, see `Batch` in ffi_common.h.

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <string>

#include "cpu/targets.inc"
#include "targets.h"

namespace py = pybind11;

BPL_CPU_TARGETS(BPL_DECLARE_TARGET)

namespace brainpylib {
void register_elementwise_program(int64_t key, uintptr_t address, const std::string &inputs,
                                  const std::string &outputs);
}

PYBIND11_MODULE(_cpu_kernels, m) {
  m.doc() = "brainpylib CPU kernels (XLA FFI handlers)";
  m.attr("platform") = "cpu";
  m.def("registrations", []() {
    py::dict targets;
    BPL_CPU_TARGETS(BPL_ADD_TARGET)
    return targets;
  });
  m.def("register_elementwise_program", &brainpylib::register_elementwise_program, py::arg("key"),
        py::arg("address"), py::arg("inputs"), py::arg("outputs"),
        "Register the loop compiled at `address` for the target \"elementwise\" under `key`.");
}
