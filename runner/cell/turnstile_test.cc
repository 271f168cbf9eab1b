#include "runner/cell/turnstile.h"

#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"

namespace perfcell {
namespace {

// Each slot does `steps[slot]` steps, one per turn, and records them.
std::string TakeTurns(const std::vector<int>& steps) {
  Turnstile turns(static_cast<int>(steps.size()));
  absl::Mutex mu;
  std::string log;
  std::vector<std::thread> threads;
  for (int slot = 0; slot < static_cast<int>(steps.size()); ++slot) {
    threads.emplace_back([&, slot] {
      turns.Wait(slot);
      for (int i = 0; i < steps[slot]; ++i) {
        {
          absl::MutexLock lock(&mu);
          log.push_back(static_cast<char>('a' + slot));
        }
        if (i + 1 < steps[slot]) {
          turns.Pass(slot);
          turns.Wait(slot);
        }
      }
      turns.Leave(slot);
    });
  }
  for (std::thread& t : threads) t.join();
  return log;
}

TEST(Turnstile, SlotsAlternateOneStepEach) {
  EXPECT_EQ(TakeTurns({3, 3, 3}), "abcabcabc");
}

TEST(Turnstile, ASlotThatLeavesIsSkipped) {
  // b leaves after one step, c after two: the rest is a's alone.
  EXPECT_EQ(TakeTurns({4, 1, 2}), "abcacaa");
}

TEST(Turnstile, ASlotWithNothingToDoLeavesAtOnce) {
  EXPECT_EQ(TakeTurns({2, 0, 2}), "acac");
}

TEST(Turnstile, LeavingOutOfTurnKeepsTheTurnWhereItIs) {
  Turnstile turns(3);
  turns.Leave(1);
  EXPECT_EQ(turns.Current(), 0);
  turns.Pass(0);
  EXPECT_EQ(turns.Current(), 2);
  turns.Pass(2);
  EXPECT_EQ(turns.Current(), 0);
  turns.Leave(0);
  turns.Leave(2);
  EXPECT_EQ(turns.Current(), -1);
}

TEST(Turnstile, PassOutOfTurnChangesNothing) {
  Turnstile turns(2);
  turns.Pass(1);
  EXPECT_EQ(turns.Current(), 0);
}

}  // namespace
}  // namespace perfcell
