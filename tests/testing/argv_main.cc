#include "tests/testing/argv_main.h"

#include "gtest/gtest.h"

namespace perfcell {
namespace {

int g_argc;
char** g_argv;

}  // namespace

std::string TestArg(int i) { return i < g_argc ? g_argv[i] : ""; }

}  // namespace perfcell

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  perfcell::g_argc = argc;
  perfcell::g_argv = argv;
  return RUN_ALL_TESTS();
}
