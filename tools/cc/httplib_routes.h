// One handler for every method a cpp-httplib test server answers: GET and
// OPTIONS without a body, POST, PUT, PATCH and DELETE with a content reader
// (httplib routes by method and path; ".*" takes every path). For the
// harness servers that stand in for Firecracker's API and for a server
// under test.
//
//   RouteEveryMethod(server, serve, serve_with_body);
#ifndef PERFCELL_TOOLS_CC_HTTPLIB_ROUTES_H_
#define PERFCELL_TOOLS_CC_HTTPLIB_ROUTES_H_

#include "httplib.h"

namespace perfcell {

inline void RouteEveryMethod(
    httplib::Server& server, const httplib::Server::Handler& without_body,
    const httplib::Server::HandlerWithContentReader& with_body) {
  server.Get(".*", without_body);
  server.Options(".*", without_body);
  server.Post(".*", with_body);
  server.Put(".*", with_body);
  server.Patch(".*", with_body);
  server.Delete(".*", with_body);
}

}  // namespace perfcell

#endif  // PERFCELL_TOOLS_CC_HTTPLIB_ROUTES_H_
