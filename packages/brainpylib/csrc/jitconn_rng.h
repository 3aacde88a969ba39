// The counter-based hash and the geometric skips that define just-in-time random connectivity,
// shared by the CPU (cpu/jitconn.cc) and CUDA (cuda/jitconn.cu) kernels.
#ifndef BRAINPYLIB_JITCONN_RNG_H_
#define BRAINPYLIB_JITCONN_RNG_H_

#include <cstdint>

#include "ffi_common.h"

namespace brainpylib {

// ---------------------------------------------------------------------------------------------
// Counter-based random numbers (a MurmurHash3-style mix of 32-bit words).
//
// Row `row` of the random matrix of seed `seed` finds its columns with the words (0, row, k) (see
// `for_each_column` below); the weight of entry (row, col) uses the words (stream, row, col):
// stream 1 gives the uniform weight (or the first uniform of Box-Muller) and stream 2 the second
// Box-Muller uniform.  The same arithmetic is written in
// jax.numpy in brainpylib/jitconn.py and brainpy/math/operators/jitconn.py, and in AVX-512
// vectors in cpu/jitconn.cc (`ColumnWalker::estimate_avx512`); keep them identical.
// ---------------------------------------------------------------------------------------------

BPL_HD uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

BPL_HD uint32_t mix_word(uint32_t h, uint32_t k) {
  k *= 0xcc9e2d51u;
  k = rotl32(k, 15);
  k *= 0x1b873593u;
  h ^= k;
  h = rotl32(h, 13);
  return h * 5u + 0xe6546b64u;
}

BPL_HD uint32_t finalize(uint32_t h) {
  h ^= 12u;  // the key length in bytes: three words
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

// Hash state after the words (stream, row); `entry_hash` adds the column.
BPL_HD uint32_t row_state(uint32_t seed, uint32_t stream, uint32_t row) {
  return mix_word(mix_word(seed, stream), row);
}

BPL_HD uint32_t entry_hash(uint32_t state, uint32_t col) { return finalize(mix_word(state, col)); }

// Uniform on [0, 1) with 24 random bits: exact in float32 and float64.
template <typename T>
BPL_HD T uniform01(uint32_t h) {
  return static_cast<T>(h >> 8) * static_cast<T>(5.9604644775390625e-08);
}

// Uniform on (0, 1]: the first Box-Muller uniform, whose logarithm must be finite.
template <typename T>
BPL_HD T uniform01_open(uint32_t h) {
  return static_cast<T>((h >> 8) + 1u) * static_cast<T>(5.9604644775390625e-08);
}

enum WeightKind : int64_t { kHomo = 0, kUniform = 1, kNormal = 2 };

// ---------------------------------------------------------------------------------------------
// Just-in-time connectivity by geometric skips.  Row `row` of the random matrix holds the columns
// c_0 < c_1 < ... below num_cols with c_k = c_{k-1} + 1 + g_k (c_{-1} = -1), where g_k, the
// number of absent entries before the next present one, is geometric: every entry is present
// independently with probability p.  g_k is drawn from the 24-bit uniform u_k = entry_hash(
// row_state(seed, 0, row), k) >> 8 with a threshold table made on the host (brainpylib/jitconn.py,
// identical in brainpy/math/operators/jitconn.py):
//
//   table = [guide (kGuideSize + 1 words) | thresholds (L words)],
//   threshold[m] = ceil(2**24 * (1 - (1 - p)**(m + 1))) (at most 2**24),  g = #{m: threshold[m] <= u},
//   guide[b] = #{m: threshold[m] <= b << kGuideShift}.
//
// L = 0 (p = 0) means an empty matrix.  The guide narrows the search for g to one bucket of u
// (the CPU kernels estimate g from a logarithm instead and correct it against the thresholds:
// `ColumnWalker` in cpu/jitconn.cc).
// ---------------------------------------------------------------------------------------------

constexpr int kGuideShift = 8;
constexpr int64_t kGuideSize = int64_t(1) << (24 - kGuideShift);

// (The guide entries are clamped to the table, so a malformed table cannot be read outside.)
BPL_HD uint32_t geometric_skip(const uint32_t *guide, const uint32_t *thresholds,
                               uint32_t num_thresholds, uint32_t u) {
  uint32_t hi = guide[(u >> kGuideShift) + 1];
  hi = hi < num_thresholds ? hi : num_thresholds;
  uint32_t lo = guide[u >> kGuideShift];
  lo = lo < hi ? lo : hi;
  // Branch-free bisection (the comparisons are data-dependent and would mispredict half the
  // time): `lo` is the first threshold > u among [lo, hi).
  uint32_t n = hi - lo;
  while (n > 1) {
    const uint32_t half = n / 2;
    lo = thresholds[lo + half - 1] <= u ? lo + half : lo;
    n -= half;
  }
  if (n == 1) lo += thresholds[lo] <= u ? 1u : 0u;
  return lo;
}

// Calls f(col) for every column of row `row`, in increasing order.
template <typename F>
BPL_HD void for_each_column(const uint32_t *table, int64_t num_thresholds, uint32_t seed,
                            uint32_t row, int64_t num_cols, F &&f) {
  if (num_thresholds == 0) return;
  const uint32_t *guide = table;
  const uint32_t *thresholds = table + kGuideSize + 1;
  const uint32_t state = row_state(seed, 0u, row);
  int64_t col = -1;
  for (uint32_t k = 0;; ++k) {
    const uint32_t u = entry_hash(state, k) >> 8;
    col += 1 + static_cast<int64_t>(geometric_skip(guide, thresholds, static_cast<uint32_t>(num_thresholds), u));
    if (col >= num_cols) return;
    f(col);
  }
}

}  // namespace brainpylib

#endif  // BRAINPYLIB_JITCONN_RNG_H_
