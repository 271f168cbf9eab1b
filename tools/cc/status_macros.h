// Early-return helpers for absl::Status and absl::StatusOr<T>.
//
// Abseil 20220623 (Debian 12) ships no status macros, so perfcell keeps two:
//
//   absl::Status CopyAll() {
//     RETURN_IF_ERROR(Open());                    // returns Open()'s error
//     ASSIGN_OR_RETURN(std::string data, Read());  // or binds the value
//     return Write(data);
//   }
#ifndef PERFCELL_TOOLS_CC_STATUS_MACROS_H_
#define PERFCELL_TOOLS_CC_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define PERFCELL_CONCAT_INNER_(a, b) a##b
#define PERFCELL_CONCAT_(a, b) PERFCELL_CONCAT_INNER_(a, b)

// Evaluates `expr` (an absl::Status) and returns it when it is not OK.
#define RETURN_IF_ERROR(expr)                            \
  do {                                                   \
    const ::absl::Status perfcell_status_ = (expr);      \
    if (!perfcell_status_.ok()) return perfcell_status_; \
  } while (0)

// Evaluates `rexpr` (an absl::StatusOr<T>); returns its status when it is not
// OK, otherwise moves its value into `lhs` (a declaration or an lvalue).
#define ASSIGN_OR_RETURN(lhs, rexpr)                                          \
  ASSIGN_OR_RETURN_IMPL_(PERFCELL_CONCAT_(perfcell_statusor_, __LINE__), lhs, \
                         rexpr)

#define ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                           \
  if (!statusor.ok()) return statusor.status();      \
  lhs = std::move(statusor).value()

#endif  // PERFCELL_TOOLS_CC_STATUS_MACROS_H_
