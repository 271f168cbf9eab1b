#include "runner/workload/load_plan.h"

#include <random>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace perfcell {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

Workload Load(std::vector<std::pair<double, uint32_t>> stages,
              bool ramp = false) {
  Workload w;
  w.set_kind(Workload::LOAD);
  w.set_bytes_per_request(1024);
  for (const auto& [seconds, clients] : stages) {
    LoadStage* s = w.add_stages();
    s->set_seconds(seconds);
    s->set_concurrency(clients);
    s->set_ramp(ramp);
  }
  return w;
}

TEST(PlanLoadStages, K6StagesRampFromThePreviousTarget) {
  // stages = [("10s", 4), ("30s", 16), ("10s", 0)]
  absl::StatusOr<std::vector<StagePlan>> plan = PlanLoadStages(
      Load({{10, 4}, {30, 16}, {10, 0}}, /*ramp=*/true), absl::Seconds(10));
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_THAT(*plan, SizeIs(3));
  EXPECT_EQ((*plan)[0].label, "0 to 4 clients");
  EXPECT_EQ((*plan)[1].label, "4 to 16 clients");
  EXPECT_EQ((*plan)[2].label, "16 to 0 clients");
  EXPECT_EQ((*plan)[1].length, absl::Seconds(30));
  EXPECT_EQ((*plan)[1].clients(), 16u);
  EXPECT_FALSE((*plan)[0].open);
}

TEST(PlanLoadStages, HeldStagesAndTheDefaults) {
  Workload w = Load({{5, 0}, {5, 8}});
  w.set_concurrency(3);
  absl::StatusOr<std::vector<StagePlan>> plan =
      PlanLoadStages(w, absl::Seconds(10));
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ((*plan)[0].label, "3 clients");  // 0: the workload's
  EXPECT_EQ((*plan)[1].label, "8 clients");

  Workload implicit = Load({});
  implicit.set_iterations(2);
  implicit.set_warmup_iterations(1);
  plan = PlanLoadStages(implicit, absl::Milliseconds(200));
  ASSERT_TRUE(plan.ok());
  ASSERT_THAT(*plan, SizeIs(3));
  EXPECT_EQ((*plan)[2].label, "4 clients");
  EXPECT_EQ((*plan)[2].length, absl::Milliseconds(200));
}

TEST(PlanLoadStages, OpenModelConstantAndRampingRates) {
  Workload w = Load({});
  w.set_iterations(2);
  w.set_arrival_rate(200);
  w.set_concurrency(16);
  absl::StatusOr<std::vector<StagePlan>> plan =
      PlanLoadStages(w, absl::Seconds(10));
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_THAT(*plan, SizeIs(2));
  EXPECT_TRUE((*plan)[0].open);
  EXPECT_EQ((*plan)[0].label, "200/s, up to 16 clients");
  EXPECT_EQ((*plan)[0].clients(), 16u);

  // arrival_rate = [("10s", 100), ("20s", 100), ("5s", 0)] from 0.
  Workload ramps = Load({});
  for (const auto& [seconds, rate] :
       std::vector<std::pair<double, double>>{{10, 100}, {20, 100}, {5, 0}}) {
    LoadStage* s = ramps.add_stages();
    s->set_seconds(seconds);
    s->set_arrival_rate(rate);
    s->set_ramp(true);
  }
  plan = PlanLoadStages(ramps, absl::Seconds(10));
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ((*plan)[0].label, "0 to 100/s, up to 4 clients");
  EXPECT_EQ((*plan)[1].label, "100/s, up to 4 clients");
  EXPECT_EQ((*plan)[2].label, "100 to 0/s, up to 4 clients");
  EXPECT_DOUBLE_EQ((*plan)[2].from_rate, 100);
}

TEST(PlanLoadStages, RejectsWhatCannotRunNamingTheStage) {
  std::vector<std::pair<Workload, std::string>> cases;
  Workload w = Load({{1, 2}});
  w.set_bytes_per_request(0);
  cases.push_back({w, "bytes_per_request 0"});
  w = Load({{1, 2}});
  w.set_warmup_iterations(1);
  cases.push_back({w, "leaves none of its 1 stages measured"});
  cases.push_back({Load({{1, 2}, {0, 2}}), "stage 1: seconds 0 must be"});
  cases.push_back({Load({{1, 1000}}), "stage 0: 1000 clients, more than"});
  cases.push_back({Load({}), "no stages and no iterations"});
  cases.push_back(
      {Load({{1, 0}, {1, 0}}, true), "stage 0: 0 clients all through"});
  w = Load({{1, 2}});
  w.set_arrival_rate(-3);
  cases.push_back({w, "arrival_rate -3 must be at least 0"});
  w = Load({{1, 0}});
  w.mutable_stages(0)->set_arrival_rate(0.5);
  w.mutable_stages(0)->set_seconds(0.5);
  w.mutable_stages(0)->set_ramp(true);
  // 0 -> 0.5/s over 0.5 s: 0.125 requests, so one, at 0: that runs.
  EXPECT_TRUE(PlanLoadStages(w, absl::Seconds(1)).ok());
  w = Load({{1, 0}});
  w.set_arrival_rate(1);
  w.mutable_stages(0)->set_ramp(true);  // 1 -> 0 /s: one request at 0
  EXPECT_TRUE(PlanLoadStages(w, absl::Seconds(1)).ok());
  w = Load({{1, 0}, {1, 0}});
  w.mutable_stages(0)->set_arrival_rate(5);
  w.mutable_stages(0)->set_ramp(true);
  w.mutable_stages(1)->set_ramp(true);
  w.mutable_stages(1)->set_arrival_rate(0);
  w.mutable_stages(1)->set_seconds(1);
  EXPECT_TRUE(PlanLoadStages(w, absl::Seconds(1)).ok());
  w.mutable_stages(1)->set_ramp(false);
  w.mutable_stages(1)->set_arrival_rate(0);
  // held at the workload's rate, which is 0
  cases.push_back({w, "stage 1: 0 requests in 1 s"});
  for (const auto& [bad, why] : cases) {
    absl::StatusOr<std::vector<StagePlan>> plan =
        PlanLoadStages(bad, absl::Seconds(1));
    EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument) << why;
    EXPECT_THAT(plan.status().message(), HasSubstr(why));
  }
}

TEST(ActiveWindow, RampsTurnClientsOnAndOffAtHalfSteps) {
  StagePlan up;
  up.length = absl::Seconds(10);
  up.from_clients = 0;
  up.to_clients = 4;
  EXPECT_EQ(ActiveWindow(up, 0).from, absl::Milliseconds(1250));
  EXPECT_EQ(ActiveWindow(up, 3).from, absl::Milliseconds(8750));
  EXPECT_EQ(ActiveWindow(up, 3).until, absl::Seconds(10));
  // The average number of active clients is the ramp's midpoint.
  absl::Duration busy;
  for (uint32_t c = 0; c < 4; ++c) {
    busy += ActiveWindow(up, c).until - ActiveWindow(up, c).from;
  }
  EXPECT_EQ(busy, absl::Seconds(20));  // 2 clients on average over 10 s

  StagePlan down = up;
  down.from_clients = 16;
  down.to_clients = 0;
  EXPECT_EQ(ActiveWindow(down, 15).from, absl::ZeroDuration());
  EXPECT_EQ(ActiveWindow(down, 15).until, absl::Seconds(10) * (0.5 / 16));
  EXPECT_EQ(ActiveWindow(down, 0).until, absl::Seconds(10) * (15.5 / 16));

  StagePlan partial = up;  // 4 -> 16: the first 4 run all through
  partial.from_clients = 4;
  partial.to_clients = 16;
  EXPECT_EQ(ActiveWindow(partial, 3).from, absl::ZeroDuration());
  EXPECT_GT(ActiveWindow(partial, 4).from, absl::ZeroDuration());

  StagePlan held = up;
  held.from_clients = held.to_clients = 2;
  EXPECT_EQ(ActiveWindow(held, 1).until, absl::Seconds(10));
  EXPECT_GE(ActiveWindow(held, 2).from, ActiveWindow(held, 2).until);
}

TEST(OperationMix, DrawsEachOperationInProportionToItsWeight) {
  Workload w;
  OperationWeight* d = w.add_mix();
  d->set_operation("download");
  d->set_weight(9);
  OperationWeight* u = w.add_mix();
  u->set_operation("upload");
  u->set_weight(1);
  absl::StatusOr<OperationMix> mix = OperationMix::FromWorkload(w);
  ASSERT_TRUE(mix.ok()) << mix.status();
  EXPECT_TRUE(mix->labelled());
  std::mt19937_64 rng(7);
  int uploads = 0;
  for (int i = 0; i < 100000; ++i) {
    uploads += mix->Draw(rng()) == LoadOperation::kUpload;
  }
  EXPECT_NEAR(uploads, 10000, 500);
  // The same seed draws the same operations.
  std::mt19937_64 a(3), b(3);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(mix->Draw(a()), mix->Draw(b()));
}

TEST(OperationMix, EmptyMixIsAllDownloadsUnlabelled) {
  absl::StatusOr<OperationMix> mix = OperationMix::FromWorkload(Workload());
  ASSERT_TRUE(mix.ok());
  EXPECT_FALSE(mix->labelled());
  EXPECT_TRUE(mix->Has(LoadOperation::kDownload));
  EXPECT_FALSE(mix->Has(LoadOperation::kUpload));
  EXPECT_EQ(mix->Draw(~uint64_t{0}), LoadOperation::kDownload);
}

TEST(OperationMix, OnlyUploads) {
  Workload w;
  w.add_mix()->set_operation("upload");
  w.mutable_mix(0)->set_weight(1);
  absl::StatusOr<OperationMix> mix = OperationMix::FromWorkload(w);
  ASSERT_TRUE(mix.ok());
  EXPECT_EQ(mix->Draw(0), LoadOperation::kUpload);
  EXPECT_FALSE(mix->Has(LoadOperation::kDownload));
}

TEST(OperationMix, RejectsUnknownDuplicateAndNonPositive) {
  Workload w;
  w.add_mix()->set_operation("delete");
  w.mutable_mix(0)->set_weight(1);
  EXPECT_THAT(OperationMix::FromWorkload(w).status().message(),
              HasSubstr("unknown operation \"delete\""));
  w.mutable_mix(0)->set_operation("upload");
  *w.add_mix() = w.mix(0);
  EXPECT_THAT(OperationMix::FromWorkload(w).status().message(),
              HasSubstr("names \"upload\" twice"));
  w.mutable_mix()->RemoveLast();
  w.mutable_mix(0)->set_weight(0);
  EXPECT_THAT(OperationMix::FromWorkload(w).status().message(),
              HasSubstr("weight 0 of \"upload\" must be positive"));
}

}  // namespace
}  // namespace perfcell
