#include "runner/cell/turnstile.h"

namespace perfcell {
namespace {

struct TurnOf {
  const int* current;
  int slot;
};

bool IsTurnOf(TurnOf* t) { return *t->current == t->slot; }

}  // namespace

Turnstile::Turnstile(int slots) : in_play_(slots > 0 ? slots : 0, true) {
  absl::MutexLock lock(&mu_);
  current_ = slots > 0 ? 0 : -1;
}

int Turnstile::NextAfter(int slot) const {
  const int n = static_cast<int>(in_play_.size());
  for (int step = 1; step <= n; ++step) {
    const int candidate = (slot + step) % n;
    if (in_play_[candidate]) return candidate;
  }
  return -1;
}

void Turnstile::Wait(int slot) {
  absl::MutexLock lock(&mu_);
  TurnOf turn{&current_, slot};
  mu_.Await(absl::Condition(&IsTurnOf, &turn));
}

void Turnstile::Pass(int slot) {
  absl::MutexLock lock(&mu_);
  if (current_ == slot) current_ = NextAfter(slot);
}

void Turnstile::Leave(int slot) {
  absl::MutexLock lock(&mu_);
  if (slot < 0 || slot >= static_cast<int>(in_play_.size())) return;
  in_play_[slot] = false;
  if (current_ == slot) current_ = NextAfter(slot);
}

int Turnstile::Current() const {
  absl::MutexLock lock(&mu_);
  return current_;
}

}  // namespace perfcell
