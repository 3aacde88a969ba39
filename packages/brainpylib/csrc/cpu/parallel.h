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

// Runs task(k) for k in [0, count), shared by the calling thread and pool workers: every thread
// claims tasks from a counter, and the caller, after it has claimed the last one, waits only for
// tasks that other threads are running, never for one still queued; so a busy (or one-thread)
// pool only means the caller runs more of them.
inline void parallel_tasks(ffi::ThreadPool *pool, int64_t count, const std::function<void(int64_t)> &task) {
  const int64_t helpers = pool == nullptr ? 0 : std::min<int64_t>(pool->num_threads(), count - 1);
  if (helpers <= 0) {
    for (int64_t k = 0; k < count; ++k) task(k);
    return;
  }
  struct State {
    std::atomic<int64_t> next{0};
    std::atomic<int64_t> done{0};
    int64_t count = 0;
    const std::function<void(int64_t)> *task = nullptr;
  };
  auto state = std::make_shared<State>();
  state->count = count;
  state->task = &task;  // only dereferenced for claimed tasks, all finished before we return
  auto work = [](State &st) {
    for (;;) {
      const int64_t k = st.next.fetch_add(1, std::memory_order_relaxed);
      if (k >= st.count) return;
      (*st.task)(k);
      st.done.fetch_add(1, std::memory_order_acq_rel);
    }
  };
  for (int64_t k = 0; k < helpers; ++k) pool->Schedule([state, work]() { work(*state); });
  work(*state);
  while (state->done.load(std::memory_order_acquire) < count) std::this_thread::yield();
}

// The number of threads that may share a pass: the pool's workers and the caller, at most one per
// processor (more would only take turns on the processors).
inline int64_t thread_count(ffi::ThreadPool *pool) {
  static const int64_t processors = std::max<int64_t>(1, std::thread::hardware_concurrency());
  return pool == nullptr ? 1 : std::min<int64_t>(pool->num_threads() + 1, processors);
}

// Runs body(begin, end) over [0, n), cut into one chunk per thread (`parallel_tasks`) when the
// range is large enough to repay waking other threads.
// (A template: the small ranges of every step call `body` directly, with no std::function made.)
template <typename Body>
void parallel_for(ffi::ThreadPool *pool, int64_t n, Body &&body) {
  const int64_t chunks =
      n < kParallelMinElements ? 1 : std::min<int64_t>(thread_count(pool), n / (kParallelMinElements / 2));
  if (chunks <= 1) {
    body(int64_t{0}, n);
    return;
  }
  parallel_tasks(pool, chunks, [&](int64_t c) { body(n * c / chunks, n * (c + 1) / chunks); });
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
