// One accepted TCP connection: buffered reads of request heads and bodies,
// blocking writes of responses.
//
//   Connection conn(accepted_fd);
//   absl::StatusOr<std::string> head = conn.ReadHead(stop_flag);
//   // ... parse, read the body with conn.Read(), answer with conn.WriteAll().
#ifndef PERFCELL_EXAMPLES_CHUNKSTORE_CONNECTION_H_
#define PERFCELL_EXAMPLES_CHUNKSTORE_CONNECTION_H_

#include <atomic>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "examples/chunkstore/byte_source.h"

namespace chunkstore {

class Connection : public ByteSource {
 public:
  // Largest request head (request line and headers) accepted.
  static constexpr size_t kMaxHeadSize = 64 * 1024;

  // Takes ownership of `fd` (closed by the destructor). Reads and writes
  // that block longer than `io_timeout` fail with DeadlineExceeded.
  Connection(int fd, absl::Duration io_timeout);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Returns the next request head, without its final empty line.
  // Waits at most `idle_timeout` for its first byte, and gives up early when
  // `stop` becomes true. Errors: OutOfRange when the peer closed the
  // connection before sending a byte (the normal end of keep-alive),
  // Cancelled when stopped or idle, ResourceExhausted when the head is larger
  // than kMaxHeadSize, DataLoss when the peer closed in the middle of it.
  // Once the first byte is in, the whole head must arrive within
  // `head_timeout` (DeadlineExceeded otherwise), however slowly it trickles.
  absl::StatusOr<std::string> ReadHead(const std::atomic<bool>& stop,
                                       absl::Duration idle_timeout,
                                       absl::Duration head_timeout);

  // Sets how long one read of the body may wait for the next byte before it
  // fails with DeadlineExceeded: a body must keep making progress.
  void SetReadTimeout(absl::Duration timeout);

  // Makes every blocked or later read and write on this connection fail at
  // once (shutdown(2)); the descriptor stays open until destruction. Safe
  // from another thread.
  void Abort();

  // Reads up to `n` bytes of what follows the head (buffered bytes first).
  // Returns 0 when the peer closed its side.
  absl::StatusOr<size_t> Read(char* buf, size_t n) override;

  // Sends all of `data`, or fails (peer gone, timeout).
  absl::Status WriteAll(absl::string_view data);

  // Waits until the peer's application has read everything written so far,
  // for at most `limit`: our kernel has sent every byte (SIOCOUTQNSD = 0)
  // and, when the peer's socket is on this host (loopback: found with
  // sock_diag by the connection's addresses), nothing is left in its
  // receive queue. For a peer elsewhere only the first is known, so what
  // is in flight or in its receive queue is not waited for. Returns when
  // the peer finished: the middle between the last poll that saw bytes
  // left and the first that saw none (the call's start when that was the
  // first poll).
  absl::Time WaitUntilPeerRead(absl::Duration limit);

  // Closes our sending side and reads (and drops) what the client still
  // sends, for at most `limit`, so that a client still sending a body we
  // refused gets our response rather than a connection reset.
  void LingerBeforeClose(absl::Duration limit);

  // The peer's IP address as text ("127.0.0.1"), or "" when unknown.
  const std::string& peer_ip() const { return peer_ip_; }

 private:
  // Receives more bytes into the buffer; returns how many (0 on EOF).
  absl::StatusOr<size_t> Fill();

  int fd_;
  std::string peer_ip_;
  std::vector<char> buf_;
  size_t start_ = 0;  // first unread byte in buf_
  size_t end_ = 0;    // one past the last received byte in buf_
};

}  // namespace chunkstore

#endif  // PERFCELL_EXAMPLES_CHUNKSTORE_CONNECTION_H_
