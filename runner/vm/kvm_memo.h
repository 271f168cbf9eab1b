// Remembers, per host, that this host's KVM cannot run a guest, so that only
// the first cell pays for finding out and every later cell boots under TCG
// at once (with the remembered reason in its result).
//
// The memo is a one-line file named for the host's kernel release and the
// QEMU version, in the user's cache directory: a kernel or QEMU upgrade
// starts over. Delete it (the path is in every note that used it) to retry
// KVM.
//
//   std::string path = KvmMemoPath(DefaultCacheDir(), "6.1.0-50-cloud-amd64",
//                                  "QEMU emulator version 7.2.19");
//   if (std::optional<std::string> why = ReadKvmMemo(path)) { use TCG }
//   WriteKvmMemo(path, "emulation failure").IgnoreError();
#ifndef PERFCELL_RUNNER_VM_KVM_MEMO_H_
#define PERFCELL_RUNNER_VM_KVM_MEMO_H_

#include <optional>
#include <string>

#include "absl/status/status.h"

namespace perfcell {

// $PERFCELL_CACHE_DIR, else $XDG_CACHE_HOME/perfcell, else
// $HOME/.cache/perfcell, else the user's home directory (from the password
// database: Bazel runs tests without HOME) + "/.cache/perfcell", else ""
// (no memo).
std::string DefaultCacheDir();

// "<cache_dir>/kvm/<kernel_release>--<qemu_version>" with every character
// other than letters, digits, '.', '-' and '_' replaced by '_'; "" when
// cache_dir is "".
std::string KvmMemoPath(const std::string& cache_dir,
                        const std::string& kernel_release,
                        const std::string& qemu_version);

// The remembered reason, or nullopt when there is no memo (or it is empty).
std::optional<std::string> ReadKvmMemo(const std::string& path);

// Writes the memo atomically, creating its directory.
absl::Status WriteKvmMemo(const std::string& path, const std::string& reason);

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_VM_KVM_MEMO_H_
