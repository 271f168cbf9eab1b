// A main() for GoogleTest binaries whose tests read their command line, such
// as the runfiles paths a cc_test's `args` gives them:
//
//   cc_test(name = "boot_test", args = ["$(rootpath //images:kernel)"],
//           deps = ["//tests:argv_main", "//third_party:gtest"], ...)
//
//   TEST(BootTest, Boots) {
//     std::string kernel = TestArg(1);  // "images/kernel/bzImage"
//   }
#ifndef PERFCELL_TESTS_TESTING_ARGV_MAIN_H_
#define PERFCELL_TESTS_TESTING_ARGV_MAIN_H_

#include <string>

namespace perfcell {

// argv[i] of the test binary once GoogleTest took its own flags out, or ""
// past the last argument. argv[0] is the binary itself.
std::string TestArg(int i);

}  // namespace perfcell

#endif  // PERFCELL_TESTS_TESTING_ARGV_MAIN_H_
