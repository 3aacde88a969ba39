// The target tables of brainpylib.  Each extension module (cpu/module.cc, cuda/module.cu) has one
// table, `<platform>/targets.inc`, listing per kernel family the FFI targets it defines as
//
//   X(name, handler, binding)
//
// From that one list the family's source file defines the handler symbols (`BPL_DEFINE_TARGET`:
// extern "C" brainpylib_<name>_<platform>), and the module declares them and returns them from
// `registrations()`, the dictionary {"brainpylib_<name>": capsule} that brainpylib's Python side
// registers with JAX and reads to know which targets exist on which platform.  A handler
// argument holding a comma (a template) is written in parentheses.
#ifndef BRAINPYLIB_TARGETS_H_
#define BRAINPYLIB_TARGETS_H_

#include <stdexcept>
#include <string>

#include "xla/ffi/api/ffi.h"

#define BPL_SYMBOL_(name, platform) brainpylib_##name##_##platform
#define BPL_SYMBOL_EXPAND(name, platform) BPL_SYMBOL_(name, platform)

// In a family's source file, after its handlers: BPL_<PLATFORM>_<FAMILY>_TARGETS(BPL_DEFINE_TARGET)
#define BPL_DEFINE_TARGET(name, handler, binding) \
  XLA_FFI_DEFINE_HANDLER_SYMBOL(BPL_SYMBOL_EXPAND(name, BPL_PLATFORM), handler, binding);

// In the module: BPL_<PLATFORM>_TARGETS(BPL_DECLARE_TARGET)
#define BPL_DECLARE_TARGET(name, handler, binding) \
  extern "C" XLA_FFI_Error *BPL_SYMBOL_EXPAND(name, BPL_PLATFORM)(XLA_FFI_CallFrame *);

#if defined(PYBIND11_VERSION_MAJOR)
namespace brainpylib {

// Adds {"brainpylib_<name>": capsule of handler} to `targets`; a missing handler or a name listed
// twice is an error when the module is imported, not a silently shadowed target.
inline void add_target(pybind11::dict &targets, const char *name, XLA_FFI_Error *(*handler)(XLA_FFI_CallFrame *)) {
  const std::string key = std::string("brainpylib_") + name;
  if (handler == nullptr) throw std::logic_error("brainpylib: no handler for target " + key);
  if (targets.contains(key)) throw std::logic_error("brainpylib: target " + key + " is listed twice");
  targets[pybind11::str(key)] = pybind11::capsule(reinterpret_cast<void *>(handler));
}

}  // namespace brainpylib

// In the module's registrations(): BPL_<PLATFORM>_TARGETS(BPL_ADD_TARGET) with a dict `targets`.
#define BPL_ADD_TARGET(name, handler, binding) \
  ::brainpylib::add_target(targets, #name, &BPL_SYMBOL_EXPAND(name, BPL_PLATFORM));
#endif

#endif  // BRAINPYLIB_TARGETS_H_
