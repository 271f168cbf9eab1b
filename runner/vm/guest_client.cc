#include "runner/vm/guest_client.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "contract/console_protocol.h"
#include "google/protobuf/text_format.h"
#include "re2/re2.h"
#include "runner/vm/http_call.h"

namespace perfcell {
namespace {

// One HTTP request; returns the body when the status is 200.
absl::StatusOr<std::string> Request(const std::string& url, bool post,
                                    absl::Duration timeout) {
  HttpCall call;
  call.method = post ? "POST" : "GET";
  call.url = url;
  call.timeout = timeout;
  absl::StatusOr<HttpResult> result = PerformHttp(call);
  if (!result.ok()) return result.status();
  if (result->status != 200) {
    return absl::UnavailableError(absl::StrCat(
        call.method, " ", url, ": HTTP ", result->status, ": ", result->body));
  }
  return std::move(result->body);
}

}  // namespace

absl::StatusOr<GuestMetrics> FetchGuestMetrics(const std::string& base_url,
                                               absl::Duration timeout) {
  absl::StatusOr<std::string> body =
      Request(absl::StrCat(base_url, "/metrics"), /*post=*/false, timeout);
  if (!body.ok()) return body.status();
  GuestMetrics metrics;
  if (!google::protobuf::TextFormat::ParseFromString(*body, &metrics)) {
    return absl::DataLossError(absl::StrCat(
        "the guest's /metrics answer is not a GuestMetrics text proto: ",
        body->substr(0, 200)));
  }
  return metrics;
}

absl::StatusOr<ServerCommand> FetchGuestServer(const std::string& base_url,
                                               absl::Duration timeout) {
  absl::StatusOr<std::string> body =
      Request(absl::StrCat(base_url, "/server"), /*post=*/false, timeout);
  if (!body.ok()) return body.status();
  ServerCommand server;
  if (!google::protobuf::TextFormat::ParseFromString(*body, &server)) {
    return absl::DataLossError(absl::StrCat(
        "the guest's /server answer is not a ServerCommand text proto: ",
        body->substr(0, 200)));
  }
  return server;
}

absl::StatusOr<std::vector<std::string>> FetchGuestServerArgv(
    const std::string& base_url, absl::Duration timeout) {
  absl::StatusOr<ServerCommand> server = FetchGuestServer(base_url, timeout);
  if (!server.ok()) return server.status();
  if (server->argv().empty()) {
    return absl::DataLossError(
        absl::StrCat("the guest's ", base_url, "/server answer has no argv"));
  }
  return std::vector<std::string>(server->argv().begin(), server->argv().end());
}

absl::Status RequestGuestDropCaches(const std::string& base_url,
                                    absl::Duration timeout) {
  return Request(absl::StrCat(base_url, "/drop_caches"), /*post=*/true, timeout)
      .status();
}

absl::Status RequestGuestRestartServer(const std::string& base_url,
                                       absl::Duration timeout) {
  return Request(absl::StrCat(base_url, "/restart_server"), /*post=*/true,
                 timeout)
      .status();
}

absl::Status RequestGuestPoweroff(const std::string& base_url,
                                  absl::Duration timeout) {
  return Request(absl::StrCat(base_url, "/poweroff"), /*post=*/true, timeout)
      .status();
}

absl::Status GuestFailureFromConsole(ConsoleLog& log) {
  static const LazyRE2 kOom = {
      R"(Out of memory: Killed process \d+ \(([^)]*)\))"};
  static const LazyRE2 kPanic = {R"(Kernel panic - not syncing: (.*))"};
  std::string what;
  for (const std::string& line : log.Lines()) {
    std::string detail;
    if (RE2::PartialMatch(line, *kOom, &detail)) {
      return absl::ResourceExhaustedError(
          absl::StrCat("the guest ran out of memory: the OOM killer killed \"",
                       detail, "\" (console: ", line, ")"));
    }
    if (RE2::PartialMatch(line, *kPanic, &detail)) {
      return absl::InternalError(
          absl::StrCat("the guest kernel panicked: ", detail));
    }
    std::optional<contract::ConsoleEvent> event =
        contract::ParseConsoleLine(line);
    if (!event.has_value()) continue;
    if (event->kind == contract::ConsoleEvent::Kind::kError) {
      return absl::FailedPreconditionError(
          absl::StrCat("the guest init failed: ", event->error));
    }
    if (what.empty() &&
        event->kind == contract::ConsoleEvent::Kind::kServerExit) {
      what = event->exit.ToString();
    }
  }
  if (!what.empty()) {
    return absl::AbortedError(
        absl::StrCat("the server in the guest ended (", what, ")"));
  }
  return absl::OkStatus();
}

}  // namespace perfcell
