// Power analysis for comparing two branches' throughput: the smallest
// relative change a comparison can detect, and the runs needed for a given
// change.
//
//   MinimumDetectableEffect(0.30, 10, 0.30, 10);  // 0.376: about 38%
//   RunsPerSideNeeded(0.05, 0.05, 0.05);          // 16
//
// The model is the two-sided z-test on relative throughput with the noise of
// each side given as its coefficient of variation:
//   MDE = (z_{1 - alpha/2} + z_{power}) sqrt(cv_a^2 / n_a + cv_b^2 / n_b).
// This is the textbook normal approximation (e.g. Cohen 1988, ch. 2); with
// under ~10 runs per side the t distribution and the discreteness of rank
// tests make the true MDE larger (the exact Mann–Whitney test cannot reject
// at all with 3 + 3 runs). Rank tests on normal data need about 5% more runs
// (asymptotic relative efficiency 3/pi), ignored here.
#ifndef PERFCELL_CONTRACT_STATS_POWER_H_
#define PERFCELL_CONTRACT_STATS_POWER_H_

namespace perfcell::stats {

// Relative change (0.38 = 38%) detectable with probability `power` at
// two-sided level `alpha`. NaN when a side has no runs or its CV is unknown.
double MinimumDetectableEffect(double cv_a, int n_a, double cv_b, int n_b,
                               double alpha = 0.05, double power = 0.8);

// Runs per side (the same for both) to detect a relative change `effect`;
// at least 2. -1 when the inputs are NaN or effect <= 0.
int RunsPerSideNeeded(double cv_a, double cv_b, double effect,
                      double alpha = 0.05, double power = 0.8);

}  // namespace perfcell::stats

#endif  // PERFCELL_CONTRACT_STATS_POWER_H_
