// What a cell's Design (proto/cell.proto) means for the numbers the cell and
// the report both compute from it, so that the cell's stopping rule and the
// report's replay of it agree:
//
//   // One number per run and block: the branch's value in d = log(b / a).
//   double v = RunValue(result.spec().design(), throughputs);
//   // The stopping rule of an adaptive cell with 2 candidates.
//   stats::SequentialDesign s = SequentialDesignFor(design, 2);
#ifndef PERFCELL_CONTRACT_DESIGN_H_
#define PERFCELL_CONTRACT_DESIGN_H_

#include <vector>

#include "contract/stats/sequential.h"
#include "proto/cell.pb.h"

namespace perfcell {

// An interleaved design that stops adaptively (the cell looked after each
// block; the report replays those looks).
bool IsAdaptive(const Design& design);

// The run statistic a design names; MEDIAN for old results (field unset).
Design::RunStatistic RunStatisticOf(const Design& design);

// "median" or "geometric mean".
const char* RunStatisticName(Design::RunStatistic statistic);

// The run's one number from its measured iterations' throughputs (bytes per
// second, all > 0): their median or geometric mean. NaN when `throughputs`
// is empty or (geometric mean) holds a value that is not above 0.
//
//   RunValue(Design::GEOMETRIC_MEAN, {1, 4, 16});  // 4
//   RunValue(Design::MEDIAN, {1, 4, 16, 100});     // 10
double RunValue(Design::RunStatistic statistic,
                std::vector<double> throughputs);
double RunValue(const Design& design, std::vector<double> throughputs);

// The sequential method a design names; SIGNED_RANK for old results.
stats::SequentialMethod SequentialMethodOf(const Design& design);

// The stopping rule of an adaptive design with `comparisons` candidate
// branches (its alpha split over them, at least one): blocks, alpha,
// min_effect, futility and method from `design`.
stats::SequentialDesign SequentialDesignFor(const Design& design,
                                            int comparisons);

}  // namespace perfcell

#endif  // PERFCELL_CONTRACT_DESIGN_H_
