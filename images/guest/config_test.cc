#include "images/guest/config.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "tools/cc/atomic_file.h"

namespace perfcell::guest {
namespace {

using ::testing::HasSubstr;

constexpr char kGood[] = R"pb(
  modules: "/lib/modules/6.1/kernel/drivers/net/virtio_net.ko"
  data_device: "/dev/vdc"
  data_mount: "/data"
  network {
    interface: "eth0"
    address: "10.0.2.15"
    prefix_length: 24
    gateway: "10.0.2.2"
  }
  server {
    argv: "/payload/bin/server"
    argv: "-db"
    argv: "/data/db.sqlite"
    env: "PORT=8080"
    env: "PS_SHARED_SECRET=x"
    port: 8080
    ready_timeout_seconds: 30
  }
  metrics_port: 8081
  tmp_size_bytes: 1073741824
  poweroff_on_server_exit: true
)pb";

GuestConfig Parse(const std::string& text) {
  GuestConfig c;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &c));
  return c;
}

TEST(PayloadDevice, ReadsTheKernelParameter) {
  EXPECT_EQ(PayloadDevice("console=ttyS0 perfcell.payload=/dev/vdc quiet\n"),
            "/dev/vdc");
  EXPECT_EQ(PayloadDevice("perfcell.payload=/dev/sdb"), "/dev/sdb");
  EXPECT_EQ(PayloadDevice("console=ttyS0 xperfcell.payload=/dev/x"),
            "/dev/vdb");
  EXPECT_EQ(PayloadDevice(""), "/dev/vdb");
}

TEST(GuestNetwork, TheKernelCommandLineGivesTheAddress) {
  GuestConfig config;  // a payload that knows nothing of the network
  absl::StatusOr<NetworkConfig> net = GuestNetwork(
      "console=ttyS0 perfcell.net=172.16.0.2/24,172.16.0.1 quiet", config);
  ASSERT_TRUE(net.ok()) << net.status();
  EXPECT_EQ(net->interface(), "eth0");
  EXPECT_EQ(net->address(), "172.16.0.2");
  EXPECT_EQ(net->prefix_length(), 24u);
  EXPECT_EQ(net->gateway(), "172.16.0.1");

  net = GuestNetwork("perfcell.net=10.0.2.15/24", config);
  ASSERT_TRUE(net.ok()) << net.status();
  EXPECT_EQ(net->address(), "10.0.2.15");
  EXPECT_EQ(net->gateway(), "");  // no default route
}

TEST(GuestNetwork, TheCommandLineOverridesTheConfigsAddress) {
  GuestConfig config = Parse(kGood);  // 10.0.2.15/24 via 10.0.2.2 on eth0
  config.mutable_network()->set_interface("eth1");
  absl::StatusOr<NetworkConfig> net =
      GuestNetwork("perfcell.net=192.168.5.7/16,192.168.0.1", config);
  ASSERT_TRUE(net.ok()) << net.status();
  EXPECT_EQ(net->interface(), "eth1");
  EXPECT_EQ(net->address(), "192.168.5.7");
  EXPECT_EQ(net->prefix_length(), 16u);
  EXPECT_EQ(net->gateway(), "192.168.0.1");
}

TEST(GuestNetwork, WithoutTheKeyTheConfigStands) {
  absl::StatusOr<NetworkConfig> net =
      GuestNetwork("console=ttyS0", Parse(kGood));
  ASSERT_TRUE(net.ok()) << net.status();
  EXPECT_EQ(net->address(), "10.0.2.15");
  net = GuestNetwork("console=ttyS0", GuestConfig());
  ASSERT_TRUE(net.ok()) << net.status();
  EXPECT_EQ(net->interface(), "");  // lo only
}

TEST(GuestNetwork, AMalformedValueIsAClearError) {
  for (const char* cmdline :
       {"perfcell.net=10.0.2.15", "perfcell.net=10.0.2.15/24,10.0.9.2",
        "perfcell.net=10.0.2.999/24", "perfcell.net=10.0.2.15/40",
        "perfcell.net="}) {
    absl::StatusOr<NetworkConfig> net = GuestNetwork(cmdline, GuestConfig());
    ASSERT_FALSE(net.ok()) << cmdline;
    EXPECT_EQ(net.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(net.status().message(), HasSubstr("perfcell.net=\""));
  }
}

TEST(ValidateGuestConfig, AcceptsACompleteConfig) {
  EXPECT_TRUE(ValidateGuestConfig(Parse(kGood)).ok());
}

TEST(ValidateGuestConfig, NamesTheBadField) {
  GuestConfig c = Parse(kGood);
  c.mutable_server()->set_argv(0, "server");
  EXPECT_THAT(ValidateGuestConfig(c).message(), HasSubstr("server.argv[0]"));
  c = Parse(kGood);
  c.mutable_server()->set_port(0);
  EXPECT_THAT(ValidateGuestConfig(c).message(), HasSubstr("server.port"));
  c = Parse(kGood);
  c.mutable_server()->add_env("NOEQUALS");
  EXPECT_THAT(ValidateGuestConfig(c).message(), HasSubstr("NOEQUALS"));
  c = Parse(kGood);
  c.clear_data_mount();
  EXPECT_THAT(ValidateGuestConfig(c).message(), HasSubstr("data_mount"));
  c = Parse(kGood);
  c.mutable_network()->set_prefix_length(33);
  EXPECT_THAT(ValidateGuestConfig(c).message(),
              HasSubstr("network.prefix_length"));
}

TEST(LoadGuestConfig, ReportsTheFileAndLine) {
  std::string path = absl::StrCat(std::getenv("TEST_TMPDIR"), "/bad.textproto");
  ASSERT_TRUE(WriteFileAtomically(path, "server {\n  nope: 1\n}\n").ok());
  absl::StatusOr<GuestConfig> c = LoadGuestConfig(path);
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr(path));
  EXPECT_THAT(c.status().message(), HasSubstr("line 2"));
}

TEST(LoadGuestConfig, ReadsAGoodFile) {
  std::string path =
      absl::StrCat(std::getenv("TEST_TMPDIR"), "/good.textproto");
  ASSERT_TRUE(WriteFileAtomically(path, kGood).ok());
  absl::StatusOr<GuestConfig> c = LoadGuestConfig(path);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->server().port(), 8080u);
  EXPECT_EQ(c->metrics_port(), 8081u);
}

TEST(LoadGuestConfig, MissingFileIsNotFound) {
  EXPECT_EQ(LoadGuestConfig("/nonexistent/guest.textproto").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace perfcell::guest
