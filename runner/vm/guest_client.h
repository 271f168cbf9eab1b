// Talks to the guest init's metrics endpoint (see proto/guest.proto) and reads
// the console lines it prints.
//
//   ASSIGN_OR_RETURN(GuestMetrics m,
//   FetchGuestMetrics("http://127.0.0.1:41234"));
//   ASSIGN_OR_RETURN(ServerCommand s,
//   FetchGuestServer("http://127.0.0.1:41234"));  // s.argv(): as exec'd
//   RETURN_IF_ERROR(RequestGuestPoweroff("http://127.0.0.1:41234"));
//   absl::Status s = GuestFailureFromConsole(log);  // OOM, server exit, panic
#ifndef PERFCELL_RUNNER_VM_GUEST_CLIENT_H_
#define PERFCELL_RUNNER_VM_GUEST_CLIENT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "proto/cell.pb.h"
#include "proto/guest.pb.h"
#include "runner/vm/console_log.h"

namespace perfcell {

// GET <base_url>/metrics, parsed as GuestMetrics in text format.
absl::StatusOr<GuestMetrics> FetchGuestMetrics(
    const std::string& base_url, absl::Duration timeout = absl::Seconds(10));

// GET <base_url>/server: the ServerCommand the guest init started the
// server with (argv as it went to execve), parsed from text format.
absl::StatusOr<ServerCommand> FetchGuestServer(
    const std::string& base_url, absl::Duration timeout = absl::Seconds(10));

// FetchGuestServer's argv; DataLoss when the guest reports none.
absl::StatusOr<std::vector<std::string>> FetchGuestServerArgv(
    const std::string& base_url, absl::Duration timeout = absl::Seconds(10));

// POST <base_url>/drop_caches; OK once the guest dropped its page cache.
absl::Status RequestGuestDropCaches(const std::string& base_url,
                                    absl::Duration timeout = absl::Seconds(60));

// POST <base_url>/restart_server; OK once the guest init stopped the server
// and started it again, and its port accepts connections. An error quotes
// the init's answer (409: the server had already ended).
absl::Status RequestGuestRestartServer(
    const std::string& base_url, absl::Duration timeout = absl::Seconds(120));

// POST <base_url>/poweroff; OK once the guest accepted it.
absl::Status RequestGuestPoweroff(const std::string& base_url,
                                  absl::Duration timeout = absl::Seconds(5));

// OK while the console shows nothing wrong; otherwise an error that says what
// the guest reported: the OOM killer's victim, the server's exit, a kernel
// panic, or the init's own PERFCELL ERROR line.
absl::Status GuestFailureFromConsole(ConsoleLog& log);

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_VM_GUEST_CLIENT_H_
