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
    env: "PORT=4001"
    env: "PS_SHARED_SECRET=x"
    port: 4001
    ready_timeout_seconds: 30
  }
  metrics_port: 4002
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
  EXPECT_EQ(c->server().port(), 4001u);
  EXPECT_EQ(c->metrics_port(), 4002u);
}

TEST(LoadGuestConfig, MissingFileIsNotFound) {
  EXPECT_EQ(LoadGuestConfig("/nonexistent/guest.textproto").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace perfcell::guest
