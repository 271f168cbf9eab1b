#include "images/payload/payload_manifest.h"

#include <map>
#include <string>

#include "contract/guest_layout.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "images/manifest/manifest.pb.h"

namespace perfcell {
namespace {

std::map<std::string, images::Entry> ByPath(const std::string& text) {
  images::Manifest manifest;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &manifest));
  std::map<std::string, images::Entry> out;
  for (const auto& e : manifest.entry()) out[e.path()] = e;
  return out;
}

TEST(PayloadManifest, HoldsTheServerItsLibrariesAndTheConfig) {
  PayloadSpec spec;
  // The test's own tool is a dynamically linked C++ program, like a server.
  spec.binary = "images/payload/mkpayload_manifest";
  spec.server_args = {"--debug_endpoints", "--chunk_size=65536"};
  spec.server_env = {"PS_SHARED_SECRET=s3cret"};
  absl::StatusOr<std::string> text = PayloadManifest(spec);
  ASSERT_TRUE(text.ok()) << text.status();
  auto entries = ByPath(*text);
  ASSERT_TRUE(entries.count("bin/server"));
  EXPECT_EQ(entries["bin/server"].mode(), 0755u);
  EXPECT_TRUE(entries.count("lib/ld-linux-x86-64.so.2"));
  EXPECT_TRUE(entries.count("lib/libc.so.6"));
  EXPECT_TRUE(entries.count("lib/libstdc++.so.6"));
  ASSERT_TRUE(entries.count("perfcell/guest.textproto"));

  GuestConfig config;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      entries["perfcell/guest.textproto"].content(), &config));
  ASSERT_GE(config.server().argv_size(), 6);
  EXPECT_EQ(config.server().argv(0), "/payload/lib/ld-linux-x86-64.so.2");
  EXPECT_EQ(config.server().argv(3), "/payload/bin/server");
  EXPECT_EQ(config.server().argv(4), "--debug_endpoints");
  EXPECT_EQ(config.server().port(), contract::kServerPort);
  EXPECT_EQ(config.data_device(), contract::kDataDevice);
  // The backend gives the address (perfcell.net): the payload has none.
  EXPECT_FALSE(config.has_network());
  bool has_secret = false;
  for (const std::string& e : config.server().env()) {
    has_secret |= e == "PS_SHARED_SECRET=s3cret";
  }
  EXPECT_TRUE(has_secret);
}

TEST(PayloadManifest, MissingBinaryNamesIt) {
  PayloadSpec spec;
  spec.binary = "/nonexistent/server";
  absl::StatusOr<std::string> text = PayloadManifest(spec);
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.status().message().find("/nonexistent/server"),
            std::string::npos);
}

TEST(PayloadGuestConfig, RejectsEnvWithoutEquals) {
  PayloadSpec spec;
  spec.server_env = {"JUSTANAME"};
  EXPECT_FALSE(PayloadGuestConfig(spec, "ld-linux-x86-64.so.2").ok());
}

}  // namespace
}  // namespace perfcell
