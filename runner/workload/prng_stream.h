// A deterministic, endless stream of pseudo-random bytes for request bodies.
//
// The same seed gives the same bytes on every run and machine, however the
// caller splits its reads, so a cell can upload gigabytes without a file on
// disk and still send identical bodies each time:
//
//   PrngStream stream(/*seed=*/42);
//   char buf[4096];
//   stream.Read(buf, sizeof(buf));  // the first 4096 bytes of seed 42
//
// The generator is xoshiro256** seeded through splitmix64: several GB/s on
// one core, far faster than any network path a cell measures. It is not
// cryptographic and need not be.
#ifndef PERFCELL_RUNNER_WORKLOAD_PRNG_STREAM_H_
#define PERFCELL_RUNNER_WORKLOAD_PRNG_STREAM_H_

#include <cstddef>
#include <cstdint>

namespace perfcell {

class PrngStream {
 public:
  explicit PrngStream(uint64_t seed);

  // Fills `out[0, size)` with the next `size` bytes of the stream.
  void Read(char* out, size_t size);

 private:
  uint64_t NextWord();

  uint64_t state_[4];
  uint64_t pending_ = 0;      // bytes of the current word not yet handed out
  size_t pending_bytes_ = 0;  // how many of them (0..7), low byte first
};

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_WORKLOAD_PRNG_STREAM_H_
