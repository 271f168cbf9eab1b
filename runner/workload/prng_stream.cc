#include "runner/workload/prng_stream.h"

#include <cstring>

namespace perfcell {
namespace {

uint64_t SplitMix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

inline uint64_t RotateLeft(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

}  // namespace

PrngStream::PrngStream(uint64_t seed) {
  for (uint64_t& word : state_) word = SplitMix64(seed);
}

uint64_t PrngStream::NextWord() {
  const uint64_t result = RotateLeft(state_[1] * 5, 7) * 9;
  const uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = RotateLeft(state_[3], 45);
  return result;
}

void PrngStream::Read(char* out, size_t size) {
  // Bytes left over from the previous word come first, low byte first, so
  // the stream does not depend on how reads are split.
  while (size > 0 && pending_bytes_ > 0) {
    *out++ = static_cast<char>(pending_ & 0xff);
    pending_ >>= 8;
    --pending_bytes_;
    --size;
  }
  while (size >= sizeof(uint64_t)) {
    const uint64_t word = NextWord();
    std::memcpy(out, &word, sizeof(word));  // little-endian hosts only
    out += sizeof(word);
    size -= sizeof(word);
  }
  if (size > 0) {
    pending_ = NextWord();
    pending_bytes_ = sizeof(uint64_t);
    while (size > 0) {
      *out++ = static_cast<char>(pending_ & 0xff);
      pending_ >>= 8;
      --pending_bytes_;
      --size;
    }
  }
}

}  // namespace perfcell
