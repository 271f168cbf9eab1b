// A stand-in server for perfcell-init's tests: listens on 127.0.0.1:PORT
// (default: the guest's server port, contract/guest_layout.h), says so on
// stdout, and exits with status N when a client sends "exit N". "pid"
// answers its process id; "argv" answers its argv, each argument followed
// by a NUL byte; "ignore SIGTERM" makes it ignore SIGTERM (and answers "ok").
// Arguments after PORT do nothing but show up in "argv".
//
//   test_server [PORT [ARG...]]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "contract/guest_layout.h"

int main(int argc, char** argv) {
  int port = argc >= 2 ? std::atoi(argv[1]) : perfcell::contract::kServerPort;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      listen(fd, 8) != 0) {
    std::perror("test_server: listen");
    return 2;
  }
  std::printf("test_server listening on %d\n", port);
  std::fprintf(stderr, "test_server TMPDIR=%s\n", std::getenv("TMPDIR"));
  std::fflush(stdout);
  while (true) {
    int c = accept(fd, nullptr, nullptr);
    if (c < 0) continue;
    char buf[64] = {};
    ssize_t n = read(c, buf, sizeof(buf) - 1);
    int code = 0;
    if (n > 0 && std::sscanf(buf, "exit %d", &code) == 1) {
      std::printf("test_server exiting with %d\n", code);
      std::fflush(stdout);
      return code;
    }
    std::string answer;
    if (n > 0 && std::strncmp(buf, "pid", 3) == 0) {
      answer = std::to_string(getpid());
    } else if (n > 0 && std::strncmp(buf, "argv", 4) == 0) {
      for (int i = 0; i < argc; ++i)
        answer.append(argv[i], strlen(argv[i]) + 1);
    } else if (n > 0 && std::strncmp(buf, "ignore SIGTERM", 14) == 0) {
      signal(SIGTERM, SIG_IGN);
      answer = "ok";
    }
    if (!answer.empty()) (void)!write(c, answer.data(), answer.size());
    close(c);
  }
}
