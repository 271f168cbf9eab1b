#include "contract/kernel_cmdline.h"

#include "contract/guest_layout.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace perfcell::contract {
namespace {

using ::testing::HasSubstr;

TEST(KernelArgument, FindsTheValueOfAKey) {
  const char* cmdline =
      "console=ttyS0 root=/dev/vda ro perfcell.payload=/dev/vdc "
      "perfcell.tmp=tmpfs\n";
  EXPECT_EQ(KernelArgument(cmdline, kPayloadKey), "/dev/vdc");
  EXPECT_EQ(KernelArgument(cmdline, kTmpKey), "tmpfs");
  EXPECT_EQ(KernelArgument(cmdline, kNetKey), std::nullopt);
  EXPECT_EQ(KernelArgument(cmdline, "ro"), std::nullopt);  // no '='
  EXPECT_EQ(KernelArgument("xperfcell.tmp=disk", kTmpKey), std::nullopt);
  EXPECT_EQ(KernelArgument("perfcell.tmpx=disk", kTmpKey), std::nullopt);
  EXPECT_EQ(KernelArgument("perfcell.tmp=", kTmpKey), "");
}

TEST(KernelArgument, TheLastOccurrenceCounts) {
  EXPECT_EQ(
      KernelArgument("perfcell.tmp=disk quiet perfcell.tmp=tmpfs", kTmpKey),
      "tmpfs");
}

TEST(NetArgument, FormatsAddressPrefixAndGateway) {
  EXPECT_EQ(NetArgument({"10.0.2.15", 24, "10.0.2.2"}),
            "perfcell.net=10.0.2.15/24,10.0.2.2");
  EXPECT_EQ(NetArgument({"172.16.0.2", 30, ""}), "perfcell.net=172.16.0.2/30");
}

TEST(ParseNetValue, GivesAddressPrefixAndGateway) {
  absl::StatusOr<GuestNetwork> net = ParseNetValue("10.0.2.15/24,10.0.2.2");
  ASSERT_TRUE(net.ok()) << net.status();
  EXPECT_EQ(net->address, "10.0.2.15");
  EXPECT_EQ(net->prefix_length, 24u);
  EXPECT_EQ(net->gateway, "10.0.2.2");

  net = ParseNetValue("172.16.0.2/32");
  ASSERT_TRUE(net.ok()) << net.status();
  EXPECT_EQ(net->address, "172.16.0.2");
  EXPECT_EQ(net->prefix_length, 32u);
  EXPECT_EQ(net->gateway, "");
}

TEST(ParseNetValue, RoundTripsWhatNetValueWrites) {
  GuestNetwork net{"192.168.7.9", 16, "192.168.0.1"};
  absl::StatusOr<GuestNetwork> back = ParseNetValue(NetValue(net));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(NetValue(*back), NetValue(net));
}

TEST(ParseNetValue, MalformedValuesSayWhatIsWrong) {
  struct Case {
    const char* value;
    const char* problem;
  };
  for (const Case& c : {
           Case{"", "not an address with a prefix length"},
           Case{"10.0.2.15", "not an address with a prefix length"},
           Case{"10.0.2.15/24,", "not an address with a prefix length"},
           Case{"10.0.2.15/24;10.0.2.2", "not an address with a prefix length"},
           Case{"eth0:10.0.2.15/24", "not an address with a prefix length"},
           Case{"10.0.2.256/24", "\"10.0.2.256\" is not an IPv4 address"},
           Case{"10.0.2/24", "\"10.0.2\" is not an IPv4 address"},
           Case{"10.0.2.15/0", "prefix length must be 1..32"},
           Case{"10.0.2.15/33", "prefix length must be 1..32"},
           Case{"10.0.2.15/24,10.0.2.300",
                "gateway \"10.0.2.300\" is not an IPv4 address"},
           Case{"10.0.2.15/24,10.0.3.2",
                "gateway \"10.0.3.2\" is not another address of the "
                "interface's subnet"},
           Case{"10.0.2.15/24,10.0.2.15", "is not another address"},
       }) {
    absl::StatusOr<GuestNetwork> net = ParseNetValue(c.value);
    ASSERT_FALSE(net.ok()) << c.value;
    EXPECT_EQ(net.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(net.status().message(),
                HasSubstr(absl::StrCat("perfcell.net=\"", c.value, "\"")));
    EXPECT_THAT(net.status().message(), HasSubstr(c.problem)) << c.value;
  }
}

TEST(NetworkFromCommandLine, AbsentMalformedOrGiven) {
  absl::StatusOr<std::optional<GuestNetwork>> net =
      NetworkFromCommandLine("console=ttyS0 quiet");
  ASSERT_TRUE(net.ok());
  EXPECT_FALSE(net->has_value());

  net = NetworkFromCommandLine(
      "console=ttyS0 perfcell.net=172.16.0.2/24,172.16.0.1 quiet");
  ASSERT_TRUE(net.ok()) << net.status();
  ASSERT_TRUE(net->has_value());
  EXPECT_EQ((*net)->address, "172.16.0.2");
  EXPECT_EQ((*net)->prefix_length, 24u);
  EXPECT_EQ((*net)->gateway, "172.16.0.1");

  net = NetworkFromCommandLine("perfcell.net=172.16.0.2");
  EXPECT_EQ(net.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace perfcell::contract
