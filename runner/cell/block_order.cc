#include "runner/cell/block_order.h"

#include <random>
#include <utility>

namespace perfcell {
namespace {

// Uniform in [0, n) without modulo bias.
size_t Below(std::mt19937_64& rng, size_t n) {
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x;
  do {
    x = rng();
  } while (x >= limit);
  return x % n;
}

template <typename T>
void Shuffle(std::mt19937_64& rng, std::vector<T>& v) {
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[Below(rng, i)]);
}

}  // namespace

std::vector<std::vector<std::string>> BlockOrders(
    const std::vector<std::string>& branches, uint32_t blocks, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::vector<std::string>> orders;
  const size_t k = branches.size();
  if (k == 0) return orders;
  std::vector<size_t> firsts;
  for (uint32_t b = 0; b < blocks; ++b) {
    if (b % k == 0) {
      // A fresh round: every branch first once, in a random order.
      firsts.resize(k);
      for (size_t i = 0; i < k; ++i) firsts[i] = i;
      Shuffle(rng, firsts);
    }
    std::vector<size_t> rest;
    for (size_t i = 0; i < k; ++i) {
      if (i != firsts[b % k]) rest.push_back(i);
    }
    Shuffle(rng, rest);
    std::vector<std::string> order = {branches[firsts[b % k]]};
    for (size_t i : rest) order.push_back(branches[i]);
    orders.push_back(std::move(order));
  }
  return orders;
}

}  // namespace perfcell
