// Takes turns between threads: the runs of a lockstep block (cell_runner.h)
// each get a thread, and only the thread whose turn it is does anything, so
// the branches' requests alternate one by one while the machine's noise of
// the moment is shared by all of them.
//
//   Turnstile turns(3);                 // slots 0, 1, 2; slot 0 goes first
//   // in the thread of slot i:
//   turns.Wait(i);                      // until it is slot i's turn
//   ... one request ...
//   turns.Pass(i);                      // the next slot still in play
//   turns.Wait(i);
//   ...
//   turns.Leave(i);                     // done: skipped from now on
//
// Turns go round in slot order, skipping slots that have left. Pass and
// Leave may only be called by the slot whose turn it is, except that Leave
// also works out of turn (a slot that leaves before its turn comes).
#ifndef PERFCELL_RUNNER_CELL_TURNSTILE_H_
#define PERFCELL_RUNNER_CELL_TURNSTILE_H_

#include <vector>

#include "absl/synchronization/mutex.h"

namespace perfcell {

class Turnstile {
 public:
  explicit Turnstile(int slots);

  Turnstile(const Turnstile&) = delete;
  Turnstile& operator=(const Turnstile&) = delete;

  // Blocks until it is `slot`'s turn.
  void Wait(int slot);
  // Ends `slot`'s turn: the turn goes to the next slot still in play (back
  // to `slot` itself when it is the only one left).
  void Pass(int slot);
  // `slot` takes no more turns; if it held the turn, the next slot gets it.
  void Leave(int slot);

  // The slot whose turn it is; -1 once every slot has left.
  int Current() const;

 private:
  // The first slot in play after `slot`, going round; -1 when none is.
  int NextAfter(int slot) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::vector<bool> in_play_ ABSL_GUARDED_BY(mu_);
  int current_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_CELL_TURNSTILE_H_
