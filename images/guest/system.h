// What only PID 1 in the guest does: mounts, kernel modules, network
// interfaces, power-off. Each call is one system step with an error that
// names the step, the object and errno's text.
//
//   RETURN_IF_ERROR(MountEarlyFilesystems());
//   RETURN_IF_ERROR(MountExt4("/dev/vdb", "/payload", /*read_only=*/true));
#ifndef PERFCELL_IMAGES_GUEST_SYSTEM_H_
#define PERFCELL_IMAGES_GUEST_SYSTEM_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "proto/guest.pb.h"

namespace perfcell::guest {

// Mounts proc at /proc, sysfs at /sys, devtmpfs at /dev (already mounted is
// fine) and devpts at /dev/pts.
absl::Status MountEarlyFilesystems();

// Mounts a tmpfs at `dir` (mode 1777); `size_bytes` 0 = the kernel default.
absl::Status MountTmpfs(const std::string& dir, uint64_t size_bytes);

// Bind-mounts the directory `source` at `dir` (created if missing).
absl::Status BindMount(const std::string& source, const std::string& dir);

// Waits up to 5 s for `device` to appear, creates `dir` if it is missing,
// and mounts the ext4 file system there.
absl::Status MountExt4(const std::string& device, const std::string& dir,
                       bool read_only);

// Unmounts `dir`; if it is busy, remounts it read-only instead.
absl::Status UnmountOrRemountReadOnly(const std::string& dir);

// Loads the module file at `path` with finit_module(2); "already loaded"
// (EEXIST) is success.
absl::Status LoadModule(const std::string& path);

// Brings up lo and, when `net.interface` is set, configures it: up,
// address/prefix, and a default route via `net.gateway` when set. Waits up
// to 5 s for the interface to appear (its driver may still be probing).
absl::Status ConfigureNetwork(const NetworkConfig& net);

// The IPv4 netmask of a prefix length, in host byte order.
//   PrefixToNetmask(24) -> 0xFFFFFF00
uint32_t PrefixToNetmask(uint32_t prefix_length);

// If fd 1 is not open (no console inherited), opens /dev/console as 0, 1, 2.
void EnsureConsole();

// sync() and reboot(RB_POWER_OFF). Only returns if the reboot call fails.
void PowerOff();

}  // namespace perfcell::guest

#endif  // PERFCELL_IMAGES_GUEST_SYSTEM_H_
