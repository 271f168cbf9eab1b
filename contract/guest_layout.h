// What the guest image and every runner backend agree on about the guest:
// its ports, disks, mount points, network interface and the keys of the
// kernel command line. The one place these values are written down; the
// guest init (images/guest), the payload writer (images/payload) and the
// backends (runner/vm) all read them from here.
//
//   absl::StrCat("hostfwd=tcp:127.0.0.1:", host_port, "-:",
//                contract::kServerPort);           // qemu's port forward
//   config.set_data_device(contract::kDataDevice);  // "/dev/vdc"
//
// Disks, in the order every backend attaches them (virtio-blk names them in
// that order): the base image (root, read-only), the payload (read-only),
// the data disk (read-write, fresh per run).
#ifndef PERFCELL_CONTRACT_GUEST_LAYOUT_H_
#define PERFCELL_CONTRACT_GUEST_LAYOUT_H_

#include <cstdint>

namespace perfcell::contract {

// TCP port the server under test listens on in the guest (PicoShare's own
// default, $PORT).
inline constexpr uint16_t kServerPort = 4001;
// TCP port of the guest init's metrics endpoint (GET /metrics, GET /server,
// POST /drop_caches, POST /restart_server, POST /poweroff; proto/guest.proto
// says what each answers). GET /server answers the ServerCommand the init
// started the server with, argv exactly as it went to execve: what the
// runner records as the arguments the server received.
inline constexpr uint16_t kMetricsPort = 4002;

inline constexpr char kBaseDevice[] = "/dev/vda";
inline constexpr char kPayloadDevice[] = "/dev/vdb";
inline constexpr char kDataDevice[] = "/dev/vdc";

// Where the payload disk is mounted (read-only) and the data disk
// (read-write); /tmp is a directory of the data disk or a tmpfs.
inline constexpr char kPayloadMount[] = "/payload";
inline constexpr char kDataMount[] = "/data";
inline constexpr char kTmpMount[] = "/tmp";
// The server executable the payload writer puts on the payload disk
// (kPayloadMount + "/bin/server"); its argv[0], or the program a bundled
// loader runs. The server's own arguments are the argv entries after it.
inline constexpr char kServerInPayload[] = "/payload/bin/server";
// The GuestConfig (proto/guest.proto), relative to the payload's root.
inline constexpr char kConfigPathInPayload[] = "perfcell/guest.textproto";

// The network interface the backend's network reaches the guest on.
inline constexpr char kNetworkInterface[] = "eth0";

// Keys of the kernel command line the guest init reads (kernel_cmdline.h
// formats and parses their values).
//   perfcell.payload=<device>          default kPayloadDevice
//   perfcell.tmp=disk|tmpfs            where /tmp lives
//   perfcell.net=<ip>/<prefix>[,<gw>]  the address of kNetworkInterface
inline constexpr char kPayloadKey[] = "perfcell.payload";
inline constexpr char kTmpKey[] = "perfcell.tmp";
inline constexpr char kNetKey[] = "perfcell.net";

}  // namespace perfcell::contract

#endif  // PERFCELL_CONTRACT_GUEST_LAYOUT_H_
