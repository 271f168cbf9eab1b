#include "tools/cc/cli_flags.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <vector>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace perfcell {
namespace {

// Flags of this binary that the user may set: those defined in this
// repository, not Abseil's own (--flagfile, --fromenv, ...).
absl::CommandLineFlag* FindOurFlag(absl::string_view name) {
  absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
  if (flag == nullptr || flag->IsRetired() ||
      absl::StrContains(flag->Filename(), "absl/")) {
    return nullptr;
  }
  return flag;
}

int Fail(absl::string_view program, absl::string_view message) {
  std::cerr << program << ": " << message << "\n";
  return 2;
}

std::string Stray(absl::string_view arg) {
  return absl::StrCat("unexpected argument \"", arg,
                      "\" (flags are --name=value; see --help)");
}

}  // namespace

std::string CliHelp(absl::string_view program, absl::string_view usage) {
  std::vector<absl::CommandLineFlag*> flags;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (FindOurFlag(name) != nullptr) flags.push_back(flag);
  }
  std::sort(flags.begin(), flags.end(),
            [](const auto* a, const auto* b) { return a->Name() < b->Name(); });
  std::string text = absl::StrCat(program, ": ", usage, "\n\nFlags:\n");
  for (const absl::CommandLineFlag* flag : flags) {
    const std::string value = flag->DefaultValue();
    absl::StrAppend(&text, "  --", flag->Name(), "  ", flag->Help(),
                    " (default: ", value.empty() ? "\"\"" : value, ")\n");
  }
  absl::StrAppend(&text, "  --help  This list.\n");
  return text;
}

std::optional<int> ParseCliFlags(int argc, char** argv,
                                 absl::string_view program,
                                 absl::string_view usage,
                                 std::vector<std::string>* after_dashes) {
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--") {
      if (after_dashes != nullptr) {
        after_dashes->assign(argv + i + 1, argv + argc);
      } else if (i + 1 < argc) {
        return Fail(program, Stray(argv[i + 1]));
      }
      break;
    }
    if (!absl::ConsumePrefix(&arg, "-") || arg.empty()) {
      return Fail(program, Stray(argv[i]));
    }
    absl::ConsumePrefix(&arg, "-");
    const size_t eq = arg.find('=');
    const absl::string_view name = arg.substr(0, eq);
    if (name == "help" || name == "helpfull" || name == "h" || name == "?") {
      std::cout << CliHelp(program, usage);
      return 0;
    }
    absl::CommandLineFlag* flag = FindOurFlag(name);
    std::string value;
    if (flag == nullptr && absl::StartsWith(name, "no") &&
        eq == absl::string_view::npos) {
      flag = FindOurFlag(name.substr(2));
      if (flag != nullptr && !flag->IsOfType<bool>()) flag = nullptr;
      value = "false";
    }
    if (flag == nullptr) {
      return Fail(program, absl::StrCat("unknown flag --", name,
                                        " (see --help for the flags)"));
    }
    if (eq != absl::string_view::npos) {
      value = std::string(arg.substr(eq + 1));
    } else if (value.empty() && flag->IsOfType<bool>()) {
      value = "true";
    } else if (value.empty()) {
      if (i + 1 >= argc) {
        return Fail(program, absl::StrCat("flag --", name, " needs a value"));
      }
      value = argv[++i];
    }
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return Fail(program, absl::StrCat("bad value \"", value, "\" for --",
                                        name, ": ", error));
    }
  }
  return std::nullopt;
}

std::string UserPath(const std::string& path) {
  const char* cwd = std::getenv("BUILD_WORKING_DIRECTORY");
  if (path.empty() || cwd == nullptr || *cwd == '\0' ||
      std::filesystem::path(path).is_absolute()) {
    return path;
  }
  return (std::filesystem::path(cwd) / path).string();
}

}  // namespace perfcell
