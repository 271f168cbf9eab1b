#include "images/guest/console_lines.h"

#include <unistd.h>

#include <string>

#include "gtest/gtest.h"

namespace perfcell::guest {
namespace {

std::string ReadAll(int fd) {
  std::string text;
  char buf[256];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) text.append(buf, n);
  return text;
}

TEST(WriteLine, WritesTheLineAndANewline) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  WriteLine(fds[1], "PERFCELL POWEROFF");
  WriteLine(fds[1], "");
  close(fds[1]);
  EXPECT_EQ(ReadAll(fds[0]), "PERFCELL POWEROFF\n\n");
  close(fds[0]);
}

TEST(WriteLine, GivesUpQuietlyOnABadDescriptor) {
  WriteLine(-1, "nobody reads this");  // must neither crash nor block
}

}  // namespace
}  // namespace perfcell::guest
