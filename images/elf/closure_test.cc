#include "images/elf/closure.h"

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "images/elf/testing/fake_elf.h"
#include "re2/re2.h"
#include "tools/cc/atomic_file.h"

namespace perfcell::elf {
namespace {

using testing::BuildFakeElf;
using testing::FakeElf;
using ::testing::HasSubstr;

std::string Real(const std::string& path) {
  char buf[PATH_MAX];
  return realpath(path.c_str(), buf) ? buf : path;
}

// What `ldd` prints for `binary`: name -> real path, with the interpreter
// under its own path. linux-vdso has no file and is left out.
std::map<std::string, std::string> Ldd(const std::string& binary) {
  std::string out;
  FILE* pipe = popen(absl::StrCat("ldd ", binary).c_str(), "r");
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0)
    out.append(buf.data(), n);
  EXPECT_EQ(pclose(pipe), 0) << out;
  std::map<std::string, std::string> libs;
  static const LazyRE2 kLib = {R"(\s*(\S+) => (\S+) \(0x[0-9a-f]+\))"};
  static const LazyRE2 kInterp = {R"(\s*(/\S+) \(0x[0-9a-f]+\))"};
  std::string name, path;
  for (absl::string_view line : absl::StrSplit(out, '\n')) {
    if (RE2::FullMatch(re2::StringPiece(line.data(), line.size()), *kLib, &name,
                       &path)) {
      libs[name] = Real(path);
    } else if (RE2::FullMatch(re2::StringPiece(line.data(), line.size()),
                              *kInterp, &path)) {
      libs[path] = Real(path);
    }
  }
  return libs;
}

std::map<std::string, std::string> Ours(const std::string& binary) {
  absl::StatusOr<Closure> closure = ResolveClosure(binary, ClosureOptions{});
  EXPECT_TRUE(closure.ok()) << closure.status();
  std::map<std::string, std::string> libs;
  if (!closure.ok()) return libs;
  libs[closure->interpreter.soname] = closure->interpreter.real_path;
  for (const Library& lib : closure->libraries) {
    EXPECT_TRUE(libs.emplace(lib.soname, lib.real_path).second)
        << lib.soname << " listed twice";
  }
  return libs;
}

TEST(ResolveClosure, MatchesLddOnCurl) {
  if (access("/usr/bin/curl", X_OK) != 0) GTEST_SKIP() << "no /usr/bin/curl";
  std::map<std::string, std::string> ldd = Ldd("/usr/bin/curl");
  ASSERT_GT(ldd.size(), 5u);
  EXPECT_EQ(Ours("/usr/bin/curl"), ldd);
}

TEST(ResolveClosure, MatchesLddOnThisTestWithItsOriginRunpath) {
  std::string self = Real("/proc/self/exe");
  std::map<std::string, std::string> ldd = Ldd(self);
  ASSERT_GT(ldd.size(), 2u);
  EXPECT_EQ(Ours(self), ldd);
}

class FakeTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = absl::StrCat(
        std::getenv("TEST_TMPDIR"), "/",
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    for (const char* d : {"", "/bin", "/lib", "/extra", "/arm"}) {
      ASSERT_EQ(mkdir((root_ + d).c_str(), 0755), 0);
    }
    options_.default_dirs = {root_ + "/arm", root_ + "/lib"};
  }

  void Write(const std::string& path, const FakeElf& spec) {
    ASSERT_TRUE(WriteFileAtomically(root_ + path, BuildFakeElf(spec)).ok());
  }

  std::string root_;
  ClosureOptions options_;
};

TEST_F(FakeTreeTest, MissingLibraryNamesItAndWhoNeedsIt) {
  FakeElf app;
  app.needed = {"libperfcell_missing.so.7"};
  Write("/bin/app", app);
  absl::StatusOr<Closure> c = ResolveClosure(root_ + "/bin/app", options_);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(c.status().message(), HasSubstr("libperfcell_missing.so.7"));
  EXPECT_THAT(c.status().message(), HasSubstr(root_ + "/bin/app"));
}

TEST_F(FakeTreeTest, OriginRunpathSymlinksAndOtherMachines) {
  FakeElf app;
  app.needed = {"liba.so.1"};
  app.runpath = "$ORIGIN/../lib";
  Write("/bin/app", app);
  FakeElf a;
  a.soname = "liba.so.1";
  a.needed = {"libb.so.2", "liba.so.1"};
  Write("/lib/liba.so.1.2.3", a);
  ASSERT_EQ(symlink("liba.so.1.2.3", (root_ + "/lib/liba.so.1").c_str()), 0);
  FakeElf b;
  b.soname = "libb.so.2";
  Write("/lib/libb.so.2", b);
  FakeElf arm = b;
  arm.machine = EM_AARCH64;
  Write("/arm/libb.so.2", arm);  // searched first, but for another machine

  absl::StatusOr<Closure> c = ResolveClosure(root_ + "/bin/app", options_);
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->libraries.size(), 2u);
  EXPECT_EQ(c->libraries[0].soname, "liba.so.1");
  EXPECT_EQ(c->libraries[0].path, root_ + "/bin/../lib/liba.so.1");
  EXPECT_EQ(c->libraries[0].real_path, Real(root_ + "/lib/liba.so.1.2.3"));
  EXPECT_EQ(c->libraries[1].soname, "libb.so.2");
  EXPECT_EQ(c->libraries[1].real_path, Real(root_ + "/lib/libb.so.2"));
  EXPECT_EQ(c->libraries[1].needed_by, root_ + "/bin/../lib/liba.so.1");
  EXPECT_TRUE(c->interpreter.soname.empty());
}

TEST_F(FakeTreeTest, RunpathIsNotInheritedButRpathIs) {
  FakeElf a;
  a.soname = "liba.so.1";
  a.needed = {"libb.so.2"};
  Write("/extra/liba.so.1", a);
  FakeElf b;
  b.soname = "libb.so.2";
  Write("/extra/libb.so.2", b);

  FakeElf with_runpath;
  with_runpath.needed = {"liba.so.1"};
  with_runpath.runpath = root_ + "/extra";
  Write("/bin/runpath", with_runpath);
  absl::StatusOr<Closure> c = ResolveClosure(root_ + "/bin/runpath", options_);
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("libb.so.2 (needed by"));

  FakeElf with_rpath = with_runpath;
  with_rpath.runpath.reset();
  with_rpath.rpath = root_ + "/extra";
  Write("/bin/rpath", with_rpath);
  c = ResolveClosure(root_ + "/bin/rpath", options_);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->libraries.size(), 2u);

  options_.extra_dirs = {root_ + "/extra"};
  EXPECT_TRUE(ResolveClosure(root_ + "/bin/runpath", options_).ok());
}

TEST(ExpandDynamicTokens, ReplacesOriginLibAndPlatform) {
  EXPECT_EQ(ExpandDynamicTokens("$ORIGIN/../lib:${ORIGIN}", "/opt/bin"),
            "/opt/bin/../lib:/opt/bin");
  EXPECT_EQ(ExpandDynamicTokens("/usr/$LIB/${PLATFORM}", "/x"),
            "/usr/lib/x86_64-linux-gnu/x86_64");
}

}  // namespace
}  // namespace perfcell::elf
