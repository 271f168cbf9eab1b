// The order in which an interleaved cell runs its branches, block by block.
//
// Each block runs every branch once. Within a block the order is a random
// permutation drawn from `seed`, and over every `branches.size()`
// consecutive blocks each branch runs first exactly once, so no branch
// profits from always going first (a cold page cache, a machine that has
// just gone quiet). The draws use std::mt19937_64, whose output the C++
// standard fixes, and a Fisher–Yates shuffle of our own, so the same seed
// gives the same orders on every platform. An adaptive cell whose branch
// has settled draws the orders of its remaining blocks again, over the
// branches still running, from `seed` + the index of the next block
// (cell_runner.cc).
//
//   BlockOrders({"a", "b", "c"}, 4, /*seed=*/1);
//   // e.g. {{"b","a","c"}, {"c","b","a"}, {"a","c","b"}, {"c","a","b"}}
#ifndef PERFCELL_RUNNER_CELL_BLOCK_ORDER_H_
#define PERFCELL_RUNNER_CELL_BLOCK_ORDER_H_

#include <cstdint>
#include <string>
#include <vector>

namespace perfcell {

// `blocks` permutations of `branches` (which must not be empty).
std::vector<std::vector<std::string>> BlockOrders(
    const std::vector<std::string>& branches, uint32_t blocks, uint64_t seed);

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_CELL_BLOCK_ORDER_H_
