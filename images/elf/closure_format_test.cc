#include "images/elf/closure_format.h"

#include "gtest/gtest.h"

namespace perfcell::elf {
namespace {

Closure Example() {
  Closure c;
  c.interpreter = {"/lib64/ld-linux-x86-64.so.2", "/lib64/ld-linux-x86-64.so.2",
                   "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "app"};
  c.libraries.push_back({"libz.so.1", "/lib/x86_64-linux-gnu/libz.so.1",
                         "/usr/lib/x86_64-linux-gnu/libz.so.1.2.13", "app"});
  return c;
}

TEST(FormatClosure, LinesAreNameAndRealPath) {
  EXPECT_EQ(FormatClosure(Example(), ClosureFormat::kLines, "/lib"),
            "/lib64/ld-linux-x86-64.so.2 "
            "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2\n"
            "libz.so.1 /usr/lib/x86_64-linux-gnu/libz.so.1.2.13\n");
}

TEST(FormatClosure, ManifestPutsLibrariesInLibDirUnderTheirSoname) {
  EXPECT_EQ(FormatClosure(Example(), ClosureFormat::kManifest, "/guest/lib"),
            "/lib64/ld-linux-x86-64.so.2="
            "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2\n"
            "/guest/lib/libz.so.1=/usr/lib/x86_64-linux-gnu/libz.so.1.2.13\n");
}

TEST(ParseClosureFormat, KnowsTwoNames) {
  EXPECT_TRUE(ParseClosureFormat("lines").ok());
  EXPECT_TRUE(ParseClosureFormat("manifest").ok());
  EXPECT_FALSE(ParseClosureFormat("json").ok());
}

}  // namespace
}  // namespace perfcell::elf
