#include "runner/vm/firecracker_api.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "runner/vm/firecracker_testing/fake_firecracker_api.h"
#include "runner/vm/firecracker_testing/temp_dir.h"

namespace perfcell {
namespace {

using firecracker_testing::FakeFirecrackerApi;
using firecracker_testing::FakeFirecrackerApiOptions;
using firecracker_testing::FakeMachine;
using firecracker_testing::ScopedTempDir;
using google::protobuf::Struct;
using ::testing::HasSubstr;

Struct Parse(const std::string& json) {
  Struct parsed;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &parsed).ok())
      << json;
  return parsed;
}

TEST(FirecrackerApiJson, DriveHasEveryFieldIncludingCacheType) {
  Struct drive = Parse(
      DriveJson({"data", "/images/data.ext4", false, false, "Writeback"}));
  EXPECT_EQ(drive.fields().size(), 5u);
  EXPECT_EQ(drive.fields().at("drive_id").string_value(), "data");
  EXPECT_EQ(drive.fields().at("path_on_host").string_value(),
            "/images/data.ext4");
  EXPECT_FALSE(drive.fields().at("is_root_device").bool_value());
  EXPECT_FALSE(drive.fields().at("is_read_only").bool_value());
  EXPECT_EQ(drive.fields().at("cache_type").string_value(), "Writeback");
}

TEST(FirecrackerApiJson, EscapesUserProvidedStrings) {
  const std::string args = R"(console=ttyS0 msg="a \ b")";
  Struct boot = Parse(BootSourceJson({"/k", "", args}));
  EXPECT_EQ(boot.fields().at("boot_args").string_value(), args);
  EXPECT_FALSE(boot.fields().contains("initrd_path"));  // empty: left out
}

TEST(FirecrackerApiJson, MachineConfigNumbersAreIntegers) {
  std::string json = MachineConfigJson({2, 512});
  EXPECT_THAT(json, HasSubstr("\"vcpu_count\":2"));
  EXPECT_THAT(json, HasSubstr("\"mem_size_mib\":512"));
}

class FirecrackerApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FakeFirecrackerApiOptions options;
    options.socket_path = dir_.path() + "/api.sock";
    auto fake = FakeFirecrackerApi::Listen(options);
    ASSERT_TRUE(fake.ok()) << fake.status();
    fake_ = *std::move(fake);
    kernel_ = dir_.WriteFile("vmlinux", "k");
    rootfs_ = dir_.WriteFile("rootfs", "");
  }

  ScopedTempDir dir_;
  std::unique_ptr<FakeFirecrackerApi> fake_;
  std::string kernel_, rootfs_;
  FirecrackerApi api_{dir_.path() + "/api.sock"};
};

TEST_F(FirecrackerApiTest, ConfiguresAndStartsAnInstance) {
  ASSERT_TRUE(api_.PutBootSource({kernel_, "", "console=ttyS0"}).ok());
  ASSERT_TRUE(api_.PutDrive({"rootfs", rootfs_, true, true, "Writeback"}).ok());
  ASSERT_TRUE(api_.PutMachineConfig({2, 256}).ok());
  ASSERT_TRUE(
      api_.PutNetworkInterface({"eth0", "tap0", "AA:FC:00:00:00:01"}).ok());
  ASSERT_TRUE(api_.PutAction("InstanceStart").ok());
  EXPECT_TRUE(fake_->started());
  FakeMachine machine = fake_->machine();
  EXPECT_EQ(machine.mem_size_mib, 256u);
  ASSERT_EQ(machine.drives.size(), 1u);
  EXPECT_EQ(machine.drives[0].cache_type, "Writeback");
  EXPECT_TRUE(machine.drives[0].is_read_only);
}

TEST_F(FirecrackerApiTest, RefusalNamesTheRouteAndTheFaultMessage) {
  absl::Status status = api_.PutMachineConfig({1, 0});
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(),
              HasSubstr("Firecracker API PUT /machine-config refused "
                        "(HTTP 400): The memory size (MiB) is invalid."));
  status = api_.PutAction("InstanceStart");
  EXPECT_THAT(status.message(), HasSubstr("PUT /actions"));
  EXPECT_THAT(status.message(),
              HasSubstr("Cannot start microvm without kernel configuration."));
}

TEST(FirecrackerApi, UnavailableWhenNothingListens) {
  ScopedTempDir dir;
  FirecrackerApi api(dir.path() + "/none.sock");
  absl::Status status = api.PutAction("InstanceStart");
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr("PUT /actions got no answer"));
}

}  // namespace
}  // namespace perfcell
