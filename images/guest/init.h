// perfcell-init: the guest's PID 1. Carries out proto/guest.proto: mounts,
// config, modules, data disk, network, the server, READY, the metrics
// endpoint, reaping, SERVER_EXIT and a clean power-off.
//
//   InitOptions options;            // as PID 1: everything on
//   int code = RunInit(options);    // returns when it is time to power off
//
// /tmp: a directory of the data disk or a tmpfs, as `perfcell.tmp=` on the
// kernel command line says (tmp_mount.h).
//
// On the host (tests), with mount/modules/network off and `root` pointing
// at a scratch directory, the same loop runs: the server starts, READY is
// printed, /metrics answers, and a power-off request makes RunInit return
// instead of rebooting.
#ifndef PERFCELL_IMAGES_GUEST_INIT_H_
#define PERFCELL_IMAGES_GUEST_INIT_H_

#include <string>

namespace perfcell::guest {

struct InitOptions {
  // Prefix for the init's own paths (/payload, /tmp, the data mount);
  // "" means the real root.
  std::string root;
  // The GuestConfig file; "" = ROOT/payload/perfcell/guest.textproto.
  std::string config;
  std::string cmdline_file = "/proc/cmdline";
  bool mount = true;    // proc, sys, dev, /tmp, payload and data disks
  bool modules = true;  // load config.modules
  bool network = true;  // configure lo and config.network
  int console_fd = 1;   // where the PERFCELL lines and server output go
  // POST /drop_caches writes "3" here after sync().
  std::string drop_caches_file = "/proc/sys/vm/drop_caches";
};

// Runs the init until power-off time. Returns 0 after a clean shutdown
// (POST /poweroff, SIGTERM/SIGINT, or the server's exit with
// poweroff_on_server_exit), 1 after a PERFCELL ERROR. Before returning it
// has stopped the server, synced and unmounted the disks and printed
// PERFCELL POWEROFF; the caller powers off (PID 1) or exits (tests).
int RunInit(const InitOptions& options);

}  // namespace perfcell::guest

#endif  // PERFCELL_IMAGES_GUEST_INIT_H_
