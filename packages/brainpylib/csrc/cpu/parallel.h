// Work on XLA's intra-op thread pool: element-wise passes split over it (`parallel_for`) and
// handlers run as its tasks behind a future (`run_async`).
#ifndef BRAINPYLIB_CPU_PARALLEL_H_
#define BRAINPYLIB_CPU_PARALLEL_H_

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>
#include <utility>

#include "ffi_common.h"

namespace brainpylib {

// Below this many elements a pass runs on the calling thread: waking another thread costs more
// than it saves (the per-step arrays of a network of ~100k neurons stay in cache).
constexpr int64_t kParallelMinElements = int64_t{1} << 17;

// Runs body(begin, end) over [0, n).  Large ranges are cut into chunks shared by the calling
// thread and pool workers: every thread claims chunks from a counter, and the caller, after it
// has claimed the last one, waits only for chunks that other threads are running, never for a
// task still queued; so a busy (or one-thread) pool only means the caller does more chunks.
inline void parallel_for(ffi::ThreadPool *pool, int64_t n, const std::function<void(int64_t, int64_t)> &body) {
  const int64_t workers = pool == nullptr ? 0 : pool->num_threads();
  const int64_t chunks = std::min<int64_t>(workers + 1, n / (kParallelMinElements / 2));
  if (n < kParallelMinElements || chunks <= 1) {
    body(0, n);
    return;
  }
  struct State {
    std::atomic<int64_t> next{0};
    std::atomic<int64_t> done{0};
    int64_t chunks = 0, n = 0;
    const std::function<void(int64_t, int64_t)> *body = nullptr;
  };
  auto state = std::make_shared<State>();
  state->chunks = chunks;
  state->n = n;
  state->body = &body;  // only dereferenced for claimed chunks, all finished before we return
  auto work = [](State &st) {
    for (;;) {
      const int64_t c = st.next.fetch_add(1, std::memory_order_relaxed);
      if (c >= st.chunks) return;
      (*st.body)(st.n * c / st.chunks, st.n * (c + 1) / st.chunks);
      st.done.fetch_add(1, std::memory_order_acq_rel);
    }
  };
  for (int64_t k = 0; k + 1 < chunks; ++k) pool->Schedule([state, work]() { work(*state); });
  work(*state);
  while (state->done.load(std::memory_order_acquire) < chunks) std::this_thread::yield();
}

// Runs `work` (returning ffi::Error) as a pool task; the future completes with its outcome.
// XLA keeps every buffer alive until the future completes.
template <typename F>
ffi::Future run_async(ffi::ThreadPool &pool, F work) {
  ffi::Promise promise;
  ffi::Future future(promise);
  pool.Schedule([promise, work]() mutable {
    ffi::Error error = work();
    if (error.failure()) {
      promise.SetError(std::move(error));
    } else {
      promise.SetAvailable();
    }
  });
  return future;
}

}  // namespace brainpylib

#endif  // BRAINPYLIB_CPU_PARALLEL_H_
