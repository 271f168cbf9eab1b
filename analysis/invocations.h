// Keeps the latest `bazel test` invocation of each test target, so that
// the results of an earlier --runs_per_test are not pooled silently with
// the new ones.
//
// The rule: a result's target is the folder before its `run_K_of_N` folder
// or, without one, the folder before its `test.outputs` folder; results
// found anywhere else (a plain result.json in a folder) have no target and
// are always kept. Bazel writes the runs of --runs_per_test=N as
// run_1_of_N .. run_N_of_N (N = 1: straight into test.outputs) and
// replaces them when a later invocation uses the same N, so the results of
// one target with different N are different invocations. Of a target's
// invocations the one holding the newest start time is kept; the others
// are left out with a warning, or pooled with a warning when `keep_all`.
//
//   results = LatestInvocations(std::move(results), false, &warnings);
#ifndef PERFCELL_ANALYSIS_INVOCATIONS_H_
#define PERFCELL_ANALYSIS_INVOCATIONS_H_

#include <string>
#include <vector>

#include "analysis/result_loader.h"

namespace perfcell::analysis {

// The target folder of a result's source path and the N of its run_K_of_N
// folder (1 without one); false when the path has no bazel-testlogs shape.
bool InvocationOf(const std::string& source, std::string* target, int* runs);

std::vector<LoadedResult> LatestInvocations(std::vector<LoadedResult> results,
                                            bool keep_all,
                                            std::vector<std::string>* warnings);

}  // namespace perfcell::analysis

#endif  // PERFCELL_ANALYSIS_INVOCATIONS_H_
