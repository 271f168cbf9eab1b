// The fake holds Firecracker's API contract: each request here is raw JSON
// sent with libcurl over the fake's unix socket, and each refusal is one the
// real Firecracker makes (firecracker.yaml, src/vmm/src/vmm_config/).
#include "runner/vm/firecracker_testing/fake_firecracker_api.h"

#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "runner/vm/firecracker_testing/temp_dir.h"
#include "runner/vm/http_call.h"

namespace perfcell {
namespace firecracker_testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct Answer {
  long status = 0;  // NOLINT(runtime/int)
  std::string fault;
  std::string body;
};

class FakeFirecrackerApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    kernel_ = dir_.WriteFile("vmlinux", "not really a kernel");
    rootfs_ = dir_.WriteFile("rootfs.ext4", "");
    data_ = dir_.WriteFile("data.ext4", "");
    FakeFirecrackerApiOptions options;
    options.socket_path = dir_.path() + "/api.sock";
    options.request_log = dir_.path() + "/requests.jsonl";
    options.on_instance_start = [this](const FakeMachine& machine) {
      booted_ = machine;
      ++boots_;
    };
    options.on_ctrl_alt_del = [this] { ctrl_alt_del_.Notify(); };
    auto api = FakeFirecrackerApi::Listen(options);
    ASSERT_TRUE(api.ok()) << api.status();
    api_ = *std::move(api);
  }

  Answer Call(const std::string& method, const std::string& path,
              const std::string& body) {
    HttpCall call;
    call.method = method;
    call.url = "http://localhost" + path;
    call.unix_socket = dir_.path() + "/api.sock";
    call.body = body;
    auto result = PerformHttp(call);
    EXPECT_TRUE(result.ok()) << result.status();
    if (!result.ok()) return {};
    Answer answer{result->status, "", result->body};
    google::protobuf::Struct parsed;
    if (!result->body.empty() &&
        google::protobuf::util::JsonStringToMessage(result->body, &parsed)
            .ok()) {
      answer.fault = parsed.fields().contains("fault_message")
                         ? parsed.fields().at("fault_message").string_value()
                         : "";
    }
    return answer;
  }

  Answer Put(const std::string& path, const std::string& body) {
    return Call("PUT", path, body);
  }

  std::string BootSource() {
    return absl::StrCat(R"({"kernel_image_path": ")", kernel_,
                        R"(", "boot_args": "console=ttyS0 reboot=k"})");
  }

  std::string Drive(const std::string& id, const std::string& path, bool root,
                    bool read_only, const std::string& extra = "") {
    return absl::StrCat(R"({"drive_id": ")", id, R"(", "path_on_host": ")",
                        path, R"(", "is_root_device": )",
                        root ? "true" : "false", R"(, "is_read_only": )",
                        read_only ? "true" : "false", extra, "}");
  }

  void Boot() {
    ASSERT_EQ(Put("/boot-source", BootSource()).status, 204);
    ASSERT_EQ(
        Put("/drives/rootfs", Drive("rootfs", rootfs_, true, true)).status,
        204);
    ASSERT_EQ(Put("/actions", R"({"action_type": "InstanceStart"})").status,
              204);
  }

  ScopedTempDir dir_;
  std::string kernel_, rootfs_, data_;
  std::unique_ptr<FakeFirecrackerApi> api_;
  FakeMachine booted_;
  int boots_ = 0;
  absl::Notification ctrl_alt_del_;
};

TEST_F(FakeFirecrackerApiTest, DocumentedBootSequenceStartsTheInstance) {
  EXPECT_EQ(Put("/boot-source", BootSource()).status, 204);
  EXPECT_EQ(Put("/drives/data", Drive("data", data_, false, false,
                                      R"(, "cache_type": "Writeback")"))
                .status,
            204);
  EXPECT_EQ(Put("/drives/rootfs", Drive("rootfs", rootfs_, true, true)).status,
            204);
  EXPECT_EQ(Put("/machine-config", R"({"vcpu_count": 2, "mem_size_mib": 512})")
                .status,
            204);
  EXPECT_EQ(Put("/network-interfaces/eth0",
                R"({"iface_id": "eth0", "host_dev_name": "tap0",
                    "guest_mac": "AA:FC:00:00:00:01"})")
                .status,
            204);
  EXPECT_THAT(Call("GET", "/", "").body, HasSubstr("\"Not started\""));
  EXPECT_EQ(Put("/actions", R"({"action_type": "InstanceStart"})").status, 204);

  EXPECT_EQ(boots_, 1);
  EXPECT_EQ(booted_.boot_args, "console=ttyS0 reboot=k");
  EXPECT_EQ(booted_.vcpu_count, 2u);
  EXPECT_EQ(booted_.mem_size_mib, 512u);
  // The root device comes first whatever the order of the PUTs (/dev/vda).
  ASSERT_EQ(booted_.drives.size(), 2u);
  EXPECT_EQ(booted_.drives[0].drive_id, "rootfs");
  EXPECT_EQ(booted_.drives[0].cache_type, "Unsafe");  // Firecracker's default
  EXPECT_EQ(booted_.drives[1].drive_id, "data");
  EXPECT_EQ(booted_.drives[1].cache_type, "Writeback");
  ASSERT_EQ(booted_.network_interfaces.size(), 1u);
  EXPECT_EQ(booted_.network_interfaces[0].host_dev_name, "tap0");
  EXPECT_THAT(Call("GET", "/", "").body, HasSubstr("\"Running\""));
}

TEST_F(FakeFirecrackerApiTest, RefusesUnknownFields) {
  Answer answer =
      Put("/boot-source", absl::StrCat(R"({"kernel_image_path": ")", kernel_,
                                       R"(", "kernel_args": "quiet"})"));
  EXPECT_EQ(answer.status, 400);
  EXPECT_THAT(answer.fault, HasSubstr("unknown field `kernel_args`"));
  answer = Put("/drives/rootfs",
               Drive("rootfs", rootfs_, true, true, R"(, "readonly": true)"));
  EXPECT_EQ(answer.status, 400);
  EXPECT_THAT(answer.fault, HasSubstr("unknown field `readonly`"));
}

TEST_F(FakeFirecrackerApiTest, RefusesMissingRequiredFields) {
  Answer answer = Put("/boot-source", R"({"boot_args": "console=ttyS0"})");
  EXPECT_EQ(answer.status, 400);
  EXPECT_THAT(answer.fault, HasSubstr("missing field `kernel_image_path`"));

  answer = Put("/drives/rootfs",
               absl::StrCat(R"({"drive_id": "rootfs", "path_on_host": ")",
                            rootfs_, R"(", "is_read_only": true})"));
  EXPECT_EQ(answer.status, 400);
  EXPECT_THAT(answer.fault, HasSubstr("missing field `is_root_device`"));

  answer = Put("/machine-config", R"({"vcpu_count": 2})");
  EXPECT_EQ(answer.status, 400);
  EXPECT_THAT(answer.fault, HasSubstr("missing field `mem_size_mib`"));

  answer = Put("/network-interfaces/eth0", R"({"iface_id": "eth0"})");
  EXPECT_EQ(answer.status, 400);
  EXPECT_THAT(answer.fault, HasSubstr("missing field `host_dev_name`"));

  answer = Put("/actions", "{}");
  EXPECT_EQ(answer.status, 400);
  EXPECT_THAT(answer.fault, HasSubstr("missing field `action_type`"));
}

TEST_F(FakeFirecrackerApiTest, RefusesWrongTypes) {
  Answer answer =
      Put("/machine-config", R"({"vcpu_count": "2", "mem_size_mib": 256})");
  EXPECT_EQ(answer.status, 400);
  EXPECT_THAT(answer.fault, HasSubstr("invalid type"));
  EXPECT_THAT(answer.fault, HasSubstr("vcpu_count"));

  answer =
      Put("/drives/rootfs",
          absl::StrCat(R"({"drive_id": "rootfs", "path_on_host": ")", rootfs_,
                       R"(", "is_root_device": "true",
                               "is_read_only": true})"));
  EXPECT_EQ(answer.status, 400);
  EXPECT_THAT(answer.fault, HasSubstr("is_root_device"));

  answer = Put("/machine-config", R"({"vcpu_count": 2, "mem_size_mib": -1})");
  EXPECT_EQ(answer.status, 400);

  answer = Put("/boot-source", "kernel_image_path=/vmlinux");
  EXPECT_EQ(answer.status, 400);
  EXPECT_THAT(answer.fault, HasSubstr("deserializing the json body"));
}

TEST_F(FakeFirecrackerApiTest, RefusesInstanceStartWithoutBootSource) {
  Answer answer = Put("/actions", R"({"action_type": "InstanceStart"})");
  EXPECT_EQ(answer.status, 400);
  EXPECT_EQ(answer.fault, "Cannot start microvm without kernel configuration.");
  EXPECT_EQ(boots_, 0);
}

TEST_F(FakeFirecrackerApiTest, RefusesPreBootRoutesAfterStart) {
  Boot();
  const std::string kAfterStart =
      "The requested operation is not supported after starting the microVM.";
  EXPECT_EQ(
      Put("/machine-config", R"({"vcpu_count": 2, "mem_size_mib": 256})").fault,
      kAfterStart);
  EXPECT_EQ(Put("/boot-source", BootSource()).fault, kAfterStart);
  EXPECT_EQ(Put("/drives/data", Drive("data", data_, false, false)).fault,
            kAfterStart);
  EXPECT_EQ(Put("/network-interfaces/eth0",
                R"({"iface_id": "eth0", "host_dev_name": "tap0"})")
                .fault,
            kAfterStart);
  EXPECT_EQ(Put("/actions", R"({"action_type": "InstanceStart"})").fault,
            kAfterStart);
  EXPECT_EQ(boots_, 1);
}

TEST_F(FakeFirecrackerApiTest, SendCtrlAltDelOnlyAfterStart) {
  Answer answer = Put("/actions", R"({"action_type": "SendCtrlAltDel"})");
  EXPECT_EQ(answer.status, 400);
  EXPECT_THAT(answer.fault, HasSubstr("not supported before starting"));
  Boot();
  EXPECT_EQ(Put("/actions", R"({"action_type": "SendCtrlAltDel"})").status,
            204);
  // Delivered after the answer, like a guest reboot after the 204.
  EXPECT_TRUE(ctrl_alt_del_.WaitForNotificationWithTimeout(absl::Seconds(30)));
  answer = Put("/actions", R"({"action_type": "Reboot"})");
  EXPECT_EQ(answer.status, 400);
  EXPECT_THAT(answer.fault, HasSubstr("unknown variant `Reboot`"));
}

TEST_F(FakeFirecrackerApiTest, RefusesMemoryZeroAndVcpuCountsOutOfRange) {
  const std::string kVcpu = "The vCPU number is invalid!";
  EXPECT_EQ(
      Put("/machine-config", R"({"vcpu_count": 1, "mem_size_mib": 0})").fault,
      "The memory size (MiB) is invalid.");
  EXPECT_THAT(
      Put("/machine-config", R"({"vcpu_count": 0, "mem_size_mib": 128})").fault,
      HasSubstr(kVcpu));
  EXPECT_THAT(
      Put("/machine-config", R"({"vcpu_count": 33, "mem_size_mib": 128})")
          .fault,
      HasSubstr(kVcpu));
  // With SMT: 1 or an even count.
  EXPECT_THAT(Put("/machine-config",
                  R"({"vcpu_count": 3, "smt": true, "mem_size_mib": 128})")
                  .fault,
              HasSubstr(kVcpu));
  EXPECT_EQ(Put("/machine-config",
                R"({"vcpu_count": 1, "smt": true, "mem_size_mib": 128})")
                .status,
            204);
  EXPECT_EQ(Put("/machine-config",
                R"({"vcpu_count": 4, "smt": true, "mem_size_mib": 128})")
                .status,
            204);
  EXPECT_EQ(Put("/machine-config", R"({"vcpu_count": 3, "mem_size_mib": 128})")
                .status,
            204);
  EXPECT_EQ(Put("/machine-config", R"({"vcpu_count": 32, "mem_size_mib": 128})")
                .status,
            204);
  EXPECT_THAT(Call("GET", "/machine-config", "").body,
              HasSubstr("\"vcpu_count\":32"));
}

TEST_F(FakeFirecrackerApiTest, RefusesASecondRootDevice) {
  ASSERT_EQ(Put("/drives/rootfs", Drive("rootfs", rootfs_, true, true)).status,
            204);
  Answer answer = Put("/drives/other", Drive("other", data_, true, true));
  EXPECT_EQ(answer.status, 400);
  EXPECT_EQ(answer.fault, "A root block device already exists!");
  // Updating the root drive itself is fine.
  EXPECT_EQ(Put("/drives/rootfs", Drive("rootfs", data_, true, true)).status,
            204);
}

TEST_F(FakeFirecrackerApiTest, RefusesFilesThatDoNotExist) {
  const std::string missing = dir_.path() + "/missing";
  Answer answer = Put("/boot-source", absl::StrCat(R"({"kernel_image_path": ")",
                                                   missing, R"("})"));
  EXPECT_EQ(answer.status, 400);
  EXPECT_THAT(answer.fault, HasSubstr("kernel file cannot be opened"));
  EXPECT_THAT(answer.fault, HasSubstr("No such file or directory"));

  answer = Put("/boot-source",
               absl::StrCat(R"({"kernel_image_path": ")", kernel_,
                            R"(", "initrd_path": ")", missing, R"("})"));
  EXPECT_EQ(answer.status, 400);
  EXPECT_THAT(answer.fault, HasSubstr("initrd file cannot be opened"));

  answer = Put("/drives/data", Drive("data", missing, false, false));
  EXPECT_EQ(answer.status, 400);
  EXPECT_THAT(answer.fault, HasSubstr(missing));
}

TEST_F(FakeFirecrackerApiTest, RefusesBadCacheTypeAndIoEngine) {
  Answer answer = Put(
      "/drives/rootfs",
      Drive("rootfs", rootfs_, true, true, R"(, "cache_type": "writeback")"));
  EXPECT_EQ(answer.status, 400);
  EXPECT_THAT(answer.fault, HasSubstr("unknown variant `writeback`"));
  EXPECT_THAT(answer.fault, HasSubstr("`Unsafe`, `Writeback`"));
  answer = Put("/drives/rootfs", Drive("rootfs", rootfs_, true, true,
                                       R"(, "io_engine": "Uring")"));
  EXPECT_EQ(answer.status, 400);
  EXPECT_THAT(answer.fault, HasSubstr("unknown variant `Uring`"));
}

TEST_F(FakeFirecrackerApiTest, RefusesIdsThatDifferBetweenPathAndBody) {
  Answer answer = Put("/drives/rootfs", Drive("root", rootfs_, true, true));
  EXPECT_EQ(answer.status, 400);
  EXPECT_THAT(answer.fault, HasSubstr("does not match the id from the body"));
  answer = Put("/network-interfaces/eth0",
               R"({"iface_id": "eth1", "host_dev_name": "tap0"})");
  EXPECT_EQ(answer.status, 400);
  EXPECT_THAT(answer.fault, HasSubstr("does not match the id from the body"));
}

TEST_F(FakeFirecrackerApiTest, RefusesMalformedGuestMac) {
  Answer answer = Put("/network-interfaces/eth0",
                      R"({"iface_id": "eth0", "host_dev_name": "tap0",
                          "guest_mac": "AA:FC:00:00:01"})");
  EXPECT_EQ(answer.status, 400);
  EXPECT_THAT(answer.fault, HasSubstr("guest_mac"));
}

TEST_F(FakeFirecrackerApiTest, RefusesUnknownAndNotEmulatedRoutes) {
  Answer answer = Put("/drive/rootfs", Drive("rootfs", rootfs_, true, true));
  EXPECT_EQ(answer.status, 400);
  EXPECT_THAT(answer.fault, HasSubstr("Invalid request method and/or path"));
  answer = Put("/vsock", R"({"guest_cid": 3, "uds_path": "/tmp/v.sock"})");
  EXPECT_EQ(answer.status, 400);
  EXPECT_THAT(answer.fault, HasSubstr("does not emulate"));
}

TEST_F(FakeFirecrackerApiTest, RecordsEveryRequestInOrderAndInItsLog) {
  Put("/actions", R"({"action_type": "InstanceStart"})");
  Boot();
  std::vector<RecordedRequest> requests = api_->requests();
  std::vector<std::string> lines;
  for (const RecordedRequest& request : requests) {
    lines.push_back(
        absl::StrCat(request.method, " ", request.path, " ", request.status));
  }
  EXPECT_THAT(lines, ElementsAre("PUT /actions 400", "PUT /boot-source 204",
                                 "PUT /drives/rootfs 204", "PUT /actions 204"));

  std::ifstream log(dir_.path() + "/requests.jsonl");
  std::string line;
  std::vector<std::string> logged;
  while (std::getline(log, line)) {
    google::protobuf::Struct entry;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &entry).ok())
        << line;
    logged.push_back(absl::StrCat(entry.fields().at("path").string_value(), " ",
                                  entry.fields().at("status").number_value()));
  }
  EXPECT_THAT(logged, ElementsAre("/actions 400", "/boot-source 204",
                                  "/drives/rootfs 204", "/actions 204"));
}

}  // namespace
}  // namespace firecracker_testing
}  // namespace perfcell
