// The extension module brainpylib._cpu_kernels: `registrations()` returns the CPU targets of
// cpu/targets.inc as {"brainpylib_<name>": capsule}.
//
// Every handler takes AnyBuffer arguments and dispatches on the element types at run time, so
// one registered target serves float32/float64 values and int32/int64 indices.  All arguments
// and results of the batched targets are vectors; leading batch axes added by `vmap`
// (vmap_method="expand_dims") are looped over, see `Batch` in ffi_common.h.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "cpu/targets.inc"
#include "targets.h"

namespace py = pybind11;

BPL_CPU_TARGETS(BPL_DECLARE_TARGET)

namespace brainpylib {
void register_elementwise_program(int64_t key, uintptr_t address, const std::string &inputs,
                                  const std::string &outputs);
void expect_elementwise_program(int64_t key, const std::string &inputs, const std::string &outputs);
void fail_elementwise_program(int64_t key, const std::string &error);
}

namespace {

// The eight booleans (bytes 0/1, in memory order) of each packed byte, first boolean in the most
// significant bit (numpy.packbits' order).
std::array<uint64_t, 256> unpacked_bytes() {
  std::array<uint64_t, 256> table{};
  for (unsigned b = 0; b < 256; ++b) {
    unsigned char bytes[8];
    for (int k = 0; k < 8; ++k) bytes[k] = static_cast<unsigned char>((b >> (7 - k)) & 1u);
    std::memcpy(&table[b], bytes, 8);
  }
  return table;
}

// One row: `n` booleans from `in` (ceil(n / 8) packed bytes) into `out`, a table look-up per byte.
inline void unpack_row(const std::array<uint64_t, 256> &table, const uint8_t *in, unsigned char *out, int64_t n) {
  const int64_t whole = n / 8, rest = n % 8;
  for (int64_t j = 0; j < whole; ++j) std::memcpy(out + 8 * j, &table[in[j]], 8);
  if (rest != 0) std::memcpy(out + 8 * whole, &table[in[whole]], static_cast<size_t>(rest));
}

#if defined(__x86_64__)
// The same with AVX-512: 64 booleans per store, from the eight packed bytes taken as a mask once
// the bits of each byte are reversed (packbits puts the first boolean in the most significant
// bit, a mask register's lowest bit is the first byte).  The rows' last < 64 booleans by table.
__attribute__((target("avx512f,avx512bw"))) void unpack_rows_avx512(const std::array<uint64_t, 256> &table,
                                                                   const uint8_t *src, int64_t bytes,
                                                                   unsigned char *dst, int64_t rows, int64_t n) {
  const __m512i one = _mm512_set1_epi8(1);
  const int64_t blocks = n / 64;
  for (int64_t r = 0; r < rows; ++r) {
    const uint8_t *in = src + r * bytes;
    unsigned char *o = dst + r * n;
    for (int64_t b = 0; b < blocks; ++b) {
      uint64_t w;
      std::memcpy(&w, in + 8 * b, 8);
      w = ((w >> 1) & 0x5555555555555555ull) | ((w & 0x5555555555555555ull) << 1);
      w = ((w >> 2) & 0x3333333333333333ull) | ((w & 0x3333333333333333ull) << 2);
      w = ((w >> 4) & 0x0F0F0F0F0F0F0F0Full) | ((w & 0x0F0F0F0F0F0F0F0Full) << 4);
      _mm512_storeu_si512(reinterpret_cast<void *>(o + 64 * b), _mm512_maskz_mov_epi8(w, one));
    }
    unpack_row(table, in + 8 * blocks, o + 64 * blocks, n - 64 * blocks);
  }
}
#endif

// Host side of the runners' spike records: `packed` (uint8, rows x ceil(n / 8), C order) unpacked
// into `out` (bool, rows x n, C order, written), without the GIL: 64 booleans per AVX-512 store where
// the processor has it (32 MB of records, a second of a 3,200-neuron group: 1.64 -> 1.24 ms), eight
// per table look-up elsewhere.
void unpack_bits_into(py::array packed, py::array out) {
  if (!py::isinstance<py::array_t<uint8_t>>(packed) || packed.ndim() != 2 ||
      !(packed.flags() & py::array::c_style)) {
    throw py::value_error("unpack_bits_into: 'packed' must be a C-contiguous 2-D uint8 array");
  }
  if (!py::isinstance<py::array_t<bool>>(out) || out.ndim() != 2 || !(out.flags() & py::array::c_style) ||
      !out.writeable()) {
    throw py::value_error("unpack_bits_into: 'out' must be a writable C-contiguous 2-D bool array");
  }
  const int64_t rows = packed.shape(0), bytes = packed.shape(1), n = out.shape(1);
  if (out.shape(0) != rows || bytes != (n + 7) / 8) {
    throw py::value_error("unpack_bits_into: 'out' must have the rows of 'packed' and 8 columns per byte of it "
                          "(the last byte partly)");
  }
  static const std::array<uint64_t, 256> table = unpacked_bytes();
  const uint8_t *src = static_cast<const uint8_t *>(packed.data());
  unsigned char *dst = static_cast<unsigned char *>(out.mutable_data());
  py::gil_scoped_release release;
#if defined(__x86_64__)
  static const bool has_avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
  if (has_avx512) {
    unpack_rows_avx512(table, src, bytes, dst, rows, n);
    return;
  }
#endif
  for (int64_t r = 0; r < rows; ++r) unpack_row(table, src + r * bytes, dst + r * n, n);
}

}  // namespace

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
  m.def("expect_elementwise_program", &brainpylib::expect_elementwise_program, py::arg("key"), py::arg("inputs"),
        py::arg("outputs"), "Announce the program `key`, being compiled: calls wait for its registration.");
  m.def("fail_elementwise_program", &brainpylib::fail_elementwise_program, py::arg("key"), py::arg("error"),
        "Report that the announced program `key` failed to compile: calls return `error`.");
  m.def("unpack_bits_into", &unpack_bits_into, py::arg("packed"), py::arg("out"),
        "Unpack the booleans of `packed` (uint8, rows x ceil(n / 8)) into `out` (bool, rows x n).");
}
