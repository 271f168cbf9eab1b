// The JSON form of a result is what people and other tools read: check that
// it round-trips and that enum values read as words, not numbers.
#include <string>

#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "proto/cell.pb.h"

namespace perfcell {
namespace {

TEST(CellResultJson, RoundTripsAndSpellsEnums) {
  CellResult result;
  result.set_schema_version(SCHEMA_VERSION_CURRENT);
  result.mutable_spec()->set_cell("demo_baseline_256mib_8m_upload");
  result.mutable_spec()->set_backend(BACKEND_QEMU);
  result.mutable_spec()->mutable_workload()->set_kind(Workload::UPLOAD);
  Iteration* it = result.add_iterations();
  it->set_index(0);
  it->set_warmup(true);
  it->set_bytes(8 << 20);
  it->set_seconds(0.25);
  result.set_status(CellResult::PASSED);

  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(result, &json).ok());
  EXPECT_NE(json.find("\"BACKEND_QEMU\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"UPLOAD\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"PASSED\""), std::string::npos) << json;

  CellResult back;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &back).ok());
  EXPECT_EQ(back.SerializeAsString(), result.SerializeAsString());
}

TEST(CellResultJson, RejectsUnknownFields) {
  CellResult back;
  EXPECT_FALSE(
      google::protobuf::util::JsonStringToMessage("{\"nonsense\": 1}", &back)
          .ok());
}

}  // namespace
}  // namespace perfcell
