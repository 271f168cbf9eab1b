#include "images/guest/system.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/reboot.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tools/cc/errno_status.h"
#include "tools/cc/status_macros.h"

namespace perfcell::guest {
namespace {

absl::Status EnsureDir(const std::string& dir) {
  struct stat st;
  if (stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return absl::OkStatus();
    return absl::FailedPreconditionError(
        absl::StrCat(dir, " exists and is not a directory"));
  }
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return ErrnoStatus(errno, absl::StrCat("creating ", dir));
  }
  return absl::OkStatus();
}

absl::Status Mount(const std::string& source, const std::string& dir,
                   const char* type, unsigned long flags, const char* data) {
  RETURN_IF_ERROR(EnsureDir(dir));
  if (mount(source.c_str(), dir.c_str(), type, flags, data) != 0) {
    return ErrnoStatus(
        errno, absl::StrCat("mounting ", source, " (", type, ") at ", dir));
  }
  return absl::OkStatus();
}

// Retries `step` every 50 ms for up to 5 s while it fails with ENOENT or
// ENODEV (a device or interface that is still being probed).
template <typename Step>
int RetryWhileMissing(Step step) {
  absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (true) {
    if (step() == 0) return 0;
    int err = errno;
    if ((err != ENOENT && err != ENODEV && err != ENXIO) ||
        absl::Now() > deadline) {
      return err;
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
}

sockaddr_in Ipv4(uint32_t host_order) {
  sockaddr_in a = {};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(host_order);
  return a;
}

absl::StatusOr<uint32_t> ParseIpv4(const std::string& text) {
  in_addr a;
  if (inet_pton(AF_INET, text.c_str(), &a) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not an IPv4 address"));
  }
  return ntohl(a.s_addr);
}

absl::Status InterfaceUp(int fd, const std::string& name) {
  ifreq ifr = {};
  std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  int err = RetryWhileMissing([&] { return ioctl(fd, SIOCGIFFLAGS, &ifr); });
  if (err != 0)
    return ErrnoStatus(err, absl::StrCat("finding interface ", name));
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0) {
    return ErrnoStatus(errno, absl::StrCat("bringing ", name, " up"));
  }
  return absl::OkStatus();
}

absl::Status SetAddress(int fd, const std::string& name, unsigned long request,
                        uint32_t value, absl::string_view what) {
  ifreq ifr = {};
  std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  sockaddr_in a = Ipv4(value);
  std::memcpy(&ifr.ifr_addr, &a, sizeof(a));
  if (ioctl(fd, request, &ifr) != 0) {
    return ErrnoStatus(errno, absl::StrCat("setting the ", what, " of ", name));
  }
  return absl::OkStatus();
}

absl::Status ConfigureWithSocket(int fd, const NetworkConfig& net) {
  RETURN_IF_ERROR(InterfaceUp(fd, "lo"));
  if (net.interface().empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(uint32_t address, ParseIpv4(net.address()));
  RETURN_IF_ERROR(InterfaceUp(fd, net.interface()));
  RETURN_IF_ERROR(
      SetAddress(fd, net.interface(), SIOCSIFADDR, address, "address"));
  RETURN_IF_ERROR(SetAddress(fd, net.interface(), SIOCSIFNETMASK,
                             PrefixToNetmask(net.prefix_length()), "netmask"));
  if (net.gateway().empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(uint32_t gateway, ParseIpv4(net.gateway()));
  rtentry route = {};
  sockaddr_in any = Ipv4(0), gw = Ipv4(gateway);
  std::memcpy(&route.rt_dst, &any, sizeof(any));
  std::memcpy(&route.rt_genmask, &any, sizeof(any));
  std::memcpy(&route.rt_gateway, &gw, sizeof(gw));
  route.rt_flags = RTF_UP | RTF_GATEWAY;
  if (ioctl(fd, SIOCADDRT, &route) != 0 && errno != EEXIST) {
    return ErrnoStatus(
        errno, absl::StrCat("adding the default route via ", net.gateway()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status MountEarlyFilesystems() {
  RETURN_IF_ERROR(
      Mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, ""));
  RETURN_IF_ERROR(
      Mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, ""));
  // The kernel (CONFIG_DEVTMPFS_MOUNT) or the initramfs may have done it:
  // EBUSY is fine.
  RETURN_IF_ERROR(EnsureDir("/dev"));
  if (mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755") != 0 &&
      errno != EBUSY) {
    return ErrnoStatus(errno, "mounting devtmpfs at /dev");
  }
  return Mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
               "gid=5,mode=0620,ptmxmode=0666");
}

absl::Status MountTmpfs(const std::string& dir, uint64_t size_bytes) {
  std::string options = "mode=1777";
  if (size_bytes > 0) absl::StrAppend(&options, ",size=", size_bytes);
  return Mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, options.c_str());
}

absl::Status BindMount(const std::string& source, const std::string& dir) {
  return Mount(source, dir, "none", MS_BIND, "");
}

absl::Status MountExt4(const std::string& device, const std::string& dir,
                       bool read_only) {
  int err = RetryWhileMissing([&] {
    struct stat st;
    return stat(device.c_str(), &st);
  });
  if (err != 0) return ErrnoStatus(err, absl::StrCat("waiting for ", device));
  return Mount(device, dir, "ext4", read_only ? MS_RDONLY : 0, "");
}

absl::Status UnmountOrRemountReadOnly(const std::string& dir) {
  if (umount2(dir.c_str(), 0) == 0) return absl::OkStatus();
  int err = errno;
  if (mount(nullptr, dir.c_str(), nullptr, MS_REMOUNT | MS_RDONLY, nullptr) ==
      0) {
    return absl::OkStatus();
  }
  return ErrnoStatus(err, absl::StrCat("unmounting ", dir));
}

absl::Status LoadModule(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, absl::StrCat("opening module ", path));
  long rc = syscall(SYS_finit_module, fd, "", 0);
  int err = errno;
  close(fd);
  if (rc != 0 && err != EEXIST) {
    return ErrnoStatus(err, absl::StrCat("loading module ", path));
  }
  return absl::OkStatus();
}

absl::Status ConfigureNetwork(const NetworkConfig& net) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrnoStatus(errno, "opening a socket for network setup");
  absl::Status status = ConfigureWithSocket(fd, net);
  close(fd);
  return status;
}

uint32_t PrefixToNetmask(uint32_t prefix_length) {
  if (prefix_length == 0) return 0;
  if (prefix_length >= 32) return 0xFFFFFFFFu;
  return ~((uint32_t{1} << (32 - prefix_length)) - 1);
}

void EnsureConsole() {
  if (fcntl(1, F_GETFD) != -1) return;
  int fd = open("/dev/console", O_RDWR | O_NOCTTY);
  if (fd < 0) return;
  for (int target : {0, 1, 2}) {
    if (fd != target) dup2(fd, target);
  }
  if (fd > 2) close(fd);
}

void PowerOff() {
  sync();
  reboot(RB_POWER_OFF);
}

}  // namespace perfcell::guest
