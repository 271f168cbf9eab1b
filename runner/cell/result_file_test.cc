#include "runner/cell/result_file.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "absl/time/clock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tools/cc/atomic_file.h"

namespace perfcell {
namespace {

std::string NewDir(const std::string& name) {
  std::string dir = std::string(getenv("TEST_TMPDIR")) + "/" + name;
  mkdir(dir.c_str(), 0755);
  return dir;
}

CellResult ReadJson(const std::string& path) {
  CellResult r;
  absl::StatusOr<std::string> text = ReadFile(path);
  EXPECT_TRUE(text.ok());
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(*text, &r).ok());
  return r;
}

TEST(ResultFile, BothFormatsHoldEveryIterationSaved) {
  ResultFile file(NewDir("both"));
  file.result().set_status(CellResult::RUNNING);
  for (int i = 0; i < 3; ++i) {
    Iteration* it = file.result().add_iterations();
    it->set_index(i);
    it->set_bytes(1000);
    ASSERT_TRUE(file.Save().ok());
  }
  CellResult from_pb;
  ASSERT_TRUE(from_pb.ParseFromString(*ReadFile(file.pb_path())));
  EXPECT_EQ(from_pb.iterations_size(), 3);
  EXPECT_EQ(from_pb.schema_version(), SCHEMA_VERSION_CURRENT);
  CellResult from_json = ReadJson(file.json_path());
  EXPECT_EQ(from_json.SerializeAsString(), from_pb.SerializeAsString());
}

TEST(ResultFile, IterationsInQuickSuccessionAreSavedAtMostEverySecond) {
  ResultFile file(NewDir("due"));
  file.result().set_status(CellResult::RUNNING);
  auto saved_iterations = [&] {
    CellResult r;
    EXPECT_TRUE(r.ParseFromString(*ReadFile(file.pb_path())));
    return r.iterations_size();
  };
  for (int i = 0; i < 100000; ++i) file.result().add_iterations();
  ASSERT_TRUE(file.SaveIfDue().ok());  // the first save is always due
  EXPECT_EQ(saved_iterations(), 100000);
  // Right after a save of 100,000 iterations, the next one waits.
  file.result().add_iterations();
  ASSERT_TRUE(file.SaveIfDue().ok());
  EXPECT_EQ(saved_iterations(), 100000);
  // A second later it is due whatever a save costs here.
  absl::SleepFor(absl::Milliseconds(1100));
  file.result().add_iterations();
  ASSERT_TRUE(file.SaveIfDue().ok());
  EXPECT_EQ(saved_iterations(), 100002);
  // Save writes at once.
  file.result().add_iterations();
  ASSERT_TRUE(file.Save().ok());
  EXPECT_EQ(saved_iterations(), 100003);
}

TEST(ResultFile, AKilledCellKeepsWhatItMeasured) {
  std::string dir = NewDir("killed");
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(ready[0]);
    ResultFile file(dir);
    file.result().set_status(CellResult::RUNNING);
    file.result().add_iterations()->set_seconds(1.5);
    if (!file.Save().ok()) _exit(10);
    file.InstallKillHandler();
    // Saved, and the handler is in place: tell the parent.
    if (write(ready[1], "r", 1) != 1) _exit(11);
    while (true) pause();  // a long request, say
  }
  // Once the child has saved and installed its handler, kill it the way
  // Bazel's timeout does.
  close(ready[1]);
  char byte;
  ASSERT_EQ(read(ready[0], &byte, 1), 1);
  close(ready[0]);
  std::string json = dir + "/result.json";
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 128 + SIGTERM);
  CellResult r = ReadJson(json);
  EXPECT_EQ(r.status(), CellResult::FAILED);
  EXPECT_NE(r.error().find("killed"), std::string::npos);
  ASSERT_EQ(r.iterations_size(), 1);
  EXPECT_EQ(r.iterations(0).seconds(), 1.5);
}

}  // namespace
}  // namespace perfcell
