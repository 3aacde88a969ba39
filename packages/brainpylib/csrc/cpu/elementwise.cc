// Element-wise programs compiled at run time (brainpy.math.fused_elementwise): the program is a
// machine-code loop made by LLVM in the Python process,
//
//   void program(const void *const *inputs, void *const *outputs, int64_t begin, int64_t end)
//
// computing elements [begin, end) of every output from the same elements of the inputs (an input
// of one element is a scalar, read as its only element).  Python registers the loop's address
// with its signature under a key derived from the program's content (`register_elementwise_program`)
// and calls the target "elementwise" with that key.  A program may be announced first
// (`expect_elementwise_program`) and compiled on another thread while XLA compiles the
// executables using it: a call then waits until the address is registered (or the compilation
// reported failed, `fail_elementwise_program`).  An executable XLA saved to a persistent cache
// finds its program again in a later process, which traces (so compiles and registers) the same
// program before it looks the executable up.  The handler checks every buffer against the
// signature, then runs the loop over the elements, split over XLA's intra-op thread pool for
// large arrays.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "cpu/parallel.h"
#include "cpu/targets.inc"
#include "ffi_common.h"
#include "targets.h"

namespace ffi = xla::ffi;

namespace brainpylib {

using ElementwiseLoop = void (*)(const void *const *, void *const *, int64_t, int64_t);

struct ElementwiseProgram {
  ElementwiseLoop loop;  // null while the program is being compiled
  std::string inputs;    // per input: 'f' float32 array, 's' float32 scalar, 'b' bool array, 'c' bool scalar
  std::string outputs;   // per output: 'f' float32 array, 'b' bool array
  std::string error;     // why its compilation failed, if it did
};

// How long a call waits for a program announced but not yet compiled.
constexpr std::chrono::seconds kCompileWait{600};

namespace {
std::mutex registry_mutex;
std::condition_variable registry_changed;
std::unordered_map<int64_t, ElementwiseProgram> &registry() {
  // never freed: compiled programs live as long as the process
  static std::unordered_map<int64_t, ElementwiseProgram> programs;
  return programs;
}

void check_signature(const std::string &inputs, const std::string &outputs) {
  for (char k : inputs) {
    if (k != 'f' && k != 's' && k != 'b' && k != 'c') throw std::invalid_argument("brainpylib: bad input kind");
  }
  for (char k : outputs) {
    if (k != 'f' && k != 'b') throw std::invalid_argument("brainpylib: bad output kind");
  }
}
}  // namespace

void register_elementwise_program(int64_t key, uintptr_t address, const std::string &inputs,
                                  const std::string &outputs) {
  if (address == 0) throw std::invalid_argument("brainpylib: an element-wise program at address 0");
  check_signature(inputs, outputs);
  {
    std::lock_guard<std::mutex> lock(registry_mutex);
    registry()[key] = {reinterpret_cast<ElementwiseLoop>(address), inputs, outputs, ""};
  }
  registry_changed.notify_all();
}

void expect_elementwise_program(int64_t key, const std::string &inputs, const std::string &outputs) {
  check_signature(inputs, outputs);
  std::lock_guard<std::mutex> lock(registry_mutex);
  auto it = registry().find(key);
  if (it == registry().end() || (it->second.loop == nullptr && !it->second.error.empty())) {
    registry()[key] = {nullptr, inputs, outputs, ""};
  }
}

void fail_elementwise_program(int64_t key, const std::string &error) {
  {
    std::lock_guard<std::mutex> lock(registry_mutex);
    auto it = registry().find(key);
    if (it == registry().end() || it->second.loop != nullptr) return;
    it->second.error = error.empty() ? "unknown error" : error;
  }
  registry_changed.notify_all();
}

}  // namespace brainpylib

namespace {

using brainpylib::invalid;

bool buffer_matches(const ffi::AnyBuffer &buffer, char kind, int64_t size) {
  const bool scalar = kind == 's' || kind == 'c';
  const ffi::DataType type = (kind == 'f' || kind == 's') ? ffi::DataType::F32 : ffi::DataType::PRED;
  const int64_t count = brainpylib::element_count(buffer.dimensions());
  return buffer.element_type() == type && count == (scalar ? 1 : size);
}

// Inputs or outputs up to this many are gathered on the stack, more on the heap.
constexpr size_t kStackBuffers = 32;

ffi::Error Elementwise(ffi::ThreadPool pool, ffi::RemainingArgs args, ffi::RemainingRets rets, int64_t program,
                       int64_t size) {
  constexpr const char *kName = "elementwise";
  if (size < 0) return invalid(kName, "negative size");
  const void *inputs_stack[kStackBuffers];
  void *outputs_stack[kStackBuffers];
  std::vector<const void *> inputs_heap;
  std::vector<void *> outputs_heap;
  const void **inputs = inputs_stack;
  void **outputs = outputs_stack;
  if (args.size() > kStackBuffers) {
    inputs_heap.resize(args.size());
    inputs = inputs_heap.data();
  }
  if (rets.size() > kStackBuffers) {
    outputs_heap.resize(rets.size());
    outputs = outputs_heap.data();
  }
  brainpylib::ElementwiseLoop loop = nullptr;
  {
    // Entries are never erased and a registration assigns in place, so `found` stays valid; its
    // signature is read under the lock (a registration may replace it).
    std::unique_lock<std::mutex> lock(brainpylib::registry_mutex);
    auto &programs = brainpylib::registry();
    auto it = programs.find(program);
    if (it == programs.end()) {
      return invalid(kName, "unknown program (programs are registered per process, when traced)");
    }
    const brainpylib::ElementwiseProgram &found = it->second;
    if (found.loop == nullptr && found.error.empty() &&
        !brainpylib::registry_changed.wait_for(lock, brainpylib::kCompileWait,
                                               [&] { return found.loop != nullptr || !found.error.empty(); })) {
      return invalid(kName, "the program is still being compiled after 600 s");
    }
    if (found.loop == nullptr) return invalid(kName, "the program failed to compile: " + found.error);
    if (args.size() != found.inputs.size() || rets.size() != found.outputs.size()) {
      return invalid(kName, "the numbers of arguments and results differ from the program's");
    }
    for (size_t k = 0; k < args.size(); ++k) {
      ffi::ErrorOr<ffi::AnyBuffer> buffer = args.get<ffi::AnyBuffer>(k);
      if (buffer.has_error()) return buffer.error();
      if (!buffer_matches(buffer.value(), found.inputs[k], size)) {
        return invalid(kName, "an argument's dtype or size differs from the program's");
      }
      inputs[k] = buffer.value().untyped_data();
    }
    for (size_t k = 0; k < rets.size(); ++k) {
      ffi::ErrorOr<ffi::Result<ffi::AnyBuffer>> buffer = rets.get<ffi::AnyBuffer>(k);
      if (buffer.has_error()) return buffer.error();
      if (!buffer_matches(*buffer.value(), found.outputs[k], size)) {
        return invalid(kName, "a result's dtype or size differs from the program's");
      }
      outputs[k] = buffer.value()->untyped_data();
    }
    loop = found.loop;
  }
  const void *const *in = inputs;
  void *const *out = outputs;
  brainpylib::parallel_for(&pool, size, [&](int64_t begin, int64_t end) { loop(in, out, begin, end); });
  return ffi::Error::Success();
}

}  // namespace

BPL_CPU_ELEMENTWISE_TARGETS(BPL_DEFINE_TARGET)
