// Walking sparse events and other memory-bound loops of the CPU kernels, in the processor's
// widest vectors (SSE2 byte masks, AVX2/AVX-512 clones chosen at run time).
#ifndef BRAINPYLIB_CPU_EVENTS_H_
#define BRAINPYLIB_CPU_EVENTS_H_

#include <cstdint>
#include <cstring>
#include <mutex>
#include <unordered_set>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace brainpylib {

// Index of the first event set at or after `i`, or `n` when there is none.  Spikes are sparse, so
// boolean events are skipped 32 bytes at a time.
template <typename E>
int64_t next_event(const E *events, int64_t i, int64_t n) {
  for (; i < n; ++i) {
    if (events[i] != E(0)) return i;
  }
  return n;
}

template <>
inline int64_t next_event<bool>(const bool *events, int64_t i, int64_t n) {
  const unsigned char *bytes = reinterpret_cast<const unsigned char *>(events);
  for (; i < n && (i & 7) != 0; ++i) {
    if (bytes[i]) return i;
  }
  for (; i + 32 <= n; i += 32) {
    uint64_t words[4];
    std::memcpy(words, bytes + i, sizeof(words));
    if ((words[0] | words[1] | words[2] | words[3]) != 0) break;
  }
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, bytes + i, sizeof(word));
    if (word != 0) break;
  }
  for (; i < n; ++i) {
    if (bytes[i]) return i;
  }
  return n;
}

// Calls visit(i) for every non-zero event, in order, until it returns false; returns whether it
// never did.  Boolean events are skipped 64 bytes at a time while all are zero (spikes are sparse:
// a 40k-neuron network has ~80 per step), and tested 16 bytes at a time (a byte mask of the
// non-zero ones) where some are set.
template <typename E, typename Visit>
bool for_each_event(const E *events, int64_t n, Visit &&visit) {
  for (int64_t i = next_event(events, 0, n); i < n; i = next_event(events, i + 1, n)) {
    if (!visit(i)) return false;
  }
  return true;
}

#if defined(__x86_64__)
// The walk of `for_each_event` over booleans with AVX-512 (a mask of the non-zero bytes, 64 at a
// time, the last ones by a masked load) or AVX2 (32 at a time), where the processor has them: a
// network's step walks every projection's events, 8,000 bytes at 4,000 neurons.  Measured on
// one event_csr_add_many projection without spikes per step: 0.97 -> 0.88 us at 4,000 rows,
// 61.8 -> 58.8 us at 400,000 (the call and a pass over its result included).
template <typename Visit>
__attribute__((target("avx512f,avx512bw"))) bool for_each_byte_event_avx512(const unsigned char *bytes, int64_t n,
                                                                           Visit &&visit) {
  for (int64_t i = 0; i < n; i += 64) {
    const __mmask64 lanes = n - i >= 64 ? ~__mmask64{0} : (__mmask64{1} << (n - i)) - 1;
    const __m512i block = _mm512_maskz_loadu_epi8(lanes, bytes + i);
    for (uint64_t mask = _mm512_test_epi8_mask(block, block); mask != 0; mask &= mask - 1) {
      if (!visit(i + __builtin_ctzll(mask))) return false;
    }
  }
  return true;
}

template <typename Visit>
__attribute__((target("avx2"))) bool for_each_byte_event_avx2(const unsigned char *bytes, int64_t n, Visit &&visit) {
  const __m256i zero = _mm256_setzero_si256();
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i block = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(bytes + i));
    uint32_t mask = ~static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(block, zero)));
    for (; mask != 0; mask &= mask - 1) {
      if (!visit(i + __builtin_ctz(mask))) return false;
    }
  }
  for (; i < n; ++i) {
    if (bytes[i] && !visit(i)) return false;
  }
  return true;
}
#endif

#if defined(__SSE2__)
template <typename Visit>
bool for_each_event(const bool *events, int64_t n, Visit &&visit) {
  const unsigned char *bytes = reinterpret_cast<const unsigned char *>(events);
#if defined(__x86_64__)
  static const bool has_avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
  static const bool has_avx2 = __builtin_cpu_supports("avx2");
  if (has_avx512) return for_each_byte_event_avx512(bytes, n, visit);
  if (has_avx2) return for_each_byte_event_avx2(bytes, n, visit);
#endif
  const __m128i zero = _mm_setzero_si128();
  auto visit_block = [&](int64_t i, __m128i block) {
    unsigned mask = ~static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, zero))) & 0xFFFFu;
    while (mask != 0) {
      if (!visit(i + __builtin_ctz(mask))) return false;
      mask &= mask - 1;
    }
    return true;
  };
  auto load = [bytes](int64_t i) { return _mm_loadu_si128(reinterpret_cast<const __m128i *>(bytes + i)); };
  int64_t i = 0;
  for (; i + 64 <= n; i += 64) {
    const __m128i b0 = load(i), b1 = load(i + 16), b2 = load(i + 32), b3 = load(i + 48);
    const __m128i any = _mm_or_si128(_mm_or_si128(b0, b1), _mm_or_si128(b2, b3));
    if (_mm_movemask_epi8(_mm_cmpeq_epi8(any, zero)) == 0xFFFF) continue;
    if (!visit_block(i, b0) || !visit_block(i + 16, b1) || !visit_block(i + 32, b2) || !visit_block(i + 48, b3)) {
      return false;
    }
  }
  for (; i + 16 <= n; i += 16) {
    if (!visit_block(i, load(i))) return false;
  }
  for (; i < n; ++i) {
    if (bytes[i] && !visit(i)) return false;
  }
  return true;
}
#endif

// base * scale into out (which may be base), in the widest vectors the processor has.
template <typename T>
inline __attribute__((always_inline)) void scale_loop(const T *base, T scale, T *out, int64_t n) {
  for (int64_t k = 0; k < n; ++k) out[k] = base[k] * scale;
}

#if defined(__x86_64__) || defined(__i386__)
template <typename T>
__attribute__((target("avx512f,prefer-vector-width=512"))) void scale_avx512(const T *base, T scale, T *out,
                                                                            int64_t n) {
  scale_loop(base, scale, out, n);
}

template <typename T>
__attribute__((target("avx2"))) void scale_avx2(const T *base, T scale, T *out, int64_t n) {
  scale_loop(base, scale, out, n);
}

template <typename T>
void scale_into(const T *base, T scale, T *out, int64_t n) {
  static const bool has_avx512 = __builtin_cpu_supports("avx512f");
  static const bool has_avx2 = __builtin_cpu_supports("avx2");
  if (has_avx512) {
    scale_avx512(base, scale, out, n);
  } else if (has_avx2) {
    scale_avx2(base, scale, out, n);
  } else {
    scale_loop(base, scale, out, n);
  }
}
#else
template <typename T>
void scale_into(const T *base, T scale, T *out, int64_t n) {
  scale_loop(base, scale, out, n);
}
#endif

// Prefetches the cache lines of [begin, end) of `data` (the rows of spiking neurons are scattered
// through large index arrays; requesting all of them before using any overlaps the misses).
template <typename D>
inline void prefetch_range(const D *data, int64_t begin, int64_t end) {
  constexpr int64_t kPerLine = 64 / static_cast<int64_t>(sizeof(D));
  for (int64_t j = begin; j < end; j += kPerLine) __builtin_prefetch(data + j);
  if (end > begin) __builtin_prefetch(data + end - 1);
}

// Loads one byte of every cache line of elements [begin, end) of `data` (elements of
// `element_size` bytes) and returns their sum, which the caller must consume (`keep`): the rows
// of the spiking neurons requested by loads, all before the first is used, where prefetching
// them was measured slower (COBA at 400k neurons, row pointers beyond the cache: 358-388 ->
// 296-314 us per step, alternated processes).
inline uint64_t touch_range(const void *data, int64_t element_size, int64_t begin, int64_t end) {
  if (end <= begin) return 0;
  const unsigned char *bytes = static_cast<const unsigned char *>(data);
  const int64_t first = begin * element_size, last = (end - 1) * element_size;
  uint64_t sum = bytes[last];
  for (int64_t b = first; b < last; b += 64) sum += bytes[b];
  return sum;
}

// Keeps the loads that computed `value` (the result of `touch_range`).
inline void keep(uint64_t value) { asm volatile("" : : "r"(value)); }

// Asks the kernel to back [data, data + bytes) with 2 MB pages (Linux: MADV_COLLAPSE, synchronous,
// once per array), for the large arrays a scatter reads at random places: the index arrays of a
// network's connections.  With 4 kB pages every spiking row of a large array is a miss of the
// address translation caches as well (in a virtual machine a two-level page walk), which the
// prefetches of the rows cannot hide.  Only the 2 MB blocks wholly inside the array are remapped;
// the contents stay the same.  Arrays below `kHugePageMinBytes` (they stay in the caches) and
// failures (no transparent huge pages) are left as they are.
constexpr int64_t kHugePageMinBytes = int64_t{32} << 20;

inline void prefer_huge_pages(const void *data, int64_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
#ifndef MADV_COLLAPSE
  constexpr int MADV_COLLAPSE = 25;
#endif
  if (bytes < kHugePageMinBytes) return;
  static std::mutex mutex;
  static std::unordered_set<const void *> seen;
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (!seen.insert(data).second) return;
  }
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(data) + static_cast<uintptr_t>(bytes)) & ~(kHuge - 1);
  if (end <= begin) return;
  void *start = reinterpret_cast<void *>(begin);
  madvise(start, end - begin, MADV_HUGEPAGE);
  madvise(start, end - begin, MADV_COLLAPSE);
#else
  (void)data;
  (void)bytes;
#endif
}

}  // namespace brainpylib

#endif  // BRAINPYLIB_CPU_EVENTS_H_
