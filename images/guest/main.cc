// perfcell-init: the guest's /sbin/perfcell-init (PID 1 after switch_root).
//
// As PID 1 it takes no flags (the kernel may pass stray arguments) and never
// exits: it powers the VM off instead. Not as PID 1, flags select a test
// mode on the host:
//
//   perfcell-init --root=/tmp/g --config=/tmp/g/guest.textproto
//     --no_mount --no_modules --no_network [--console=FILE]
#include <fcntl.h>
#include <unistd.h>

#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "images/guest/init.h"
#include "images/guest/system.h"

ABSL_FLAG(std::string, root, "",
          "Prefix for /payload, /tmp and the data mount (tests).");
ABSL_FLAG(std::string, config, "",
          "GuestConfig text file; default ROOT/payload/perfcell/"
          "guest.textproto.");
ABSL_FLAG(std::string, cmdline, "/proc/cmdline",
          "File with the kernel command line (perfcell.payload=DEVICE).");
ABSL_FLAG(bool, no_mount, false, "Mount nothing (no proc, disks, tmpfs).");
ABSL_FLAG(bool, no_modules, false, "Load no kernel modules.");
ABSL_FLAG(bool, no_network, false, "Leave the network alone.");
ABSL_FLAG(std::string, drop_caches_file, "/proc/sys/vm/drop_caches",
          "Where POST /drop_caches writes \"3\" (tests: a scratch file).");
ABSL_FLAG(std::string, console, "",
          "Append console lines to this file instead of stdout.");

int main(int argc, char** argv) {
  perfcell::guest::InitOptions options;
  if (getpid() == 1) {
    int code = perfcell::guest::RunInit(options);
    (void)code;
    perfcell::guest::PowerOff();
    for (;;) pause();  // PID 1 must never exit: that panics the kernel.
  }
  absl::SetProgramUsageMessage(
      "perfcell-init [--root=DIR --config=FILE --no_mount --no_modules "
      "--no_network --console=FILE]  (flags only when not PID 1)");
  absl::ParseCommandLine(argc, argv);
  options.root = absl::GetFlag(FLAGS_root);
  options.config = absl::GetFlag(FLAGS_config);
  options.cmdline_file = absl::GetFlag(FLAGS_cmdline);
  options.mount = !absl::GetFlag(FLAGS_no_mount);
  options.modules = !absl::GetFlag(FLAGS_no_modules);
  options.network = !absl::GetFlag(FLAGS_no_network);
  options.drop_caches_file = absl::GetFlag(FLAGS_drop_caches_file);
  if (!absl::GetFlag(FLAGS_console).empty()) {
    int fd = open(absl::GetFlag(FLAGS_console).c_str(),
                  O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
      std::cerr << "perfcell-init: cannot open --console file\n";
      return 1;
    }
    options.console_fd = fd;
  }
  return perfcell::guest::RunInit(options);
}
