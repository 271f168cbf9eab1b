#!/usr/bin/env bash
# Makes a small git repository with two commits of a tiny C program, with
# fixed authors and dates so the commit ids are the same on every machine.
# Used by tests/ through the git_fixture_repository rule.
set -euo pipefail
dir=$1
rm -rf "$dir/.git" "$dir/hello.c"
export GIT_AUTHOR_NAME=perfcell GIT_AUTHOR_EMAIL=perfcell@example.invalid
export GIT_COMMITTER_NAME=perfcell GIT_COMMITTER_EMAIL=perfcell@example.invalid
export GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" GIT_COMMITTER_DATE="2026-01-01T00:00:00Z"
cd "$dir"
git init --quiet -b main .
printf '#include <stdio.h>\nint main(void) { puts("version 1"); return 0; }\n' > hello.c
git add hello.c
git -c commit.gpgsign=false commit --quiet -m "version 1"
printf '#include <stdio.h>\nint main(void) { puts("version 2"); return 0; }\n' > hello.c
git -c commit.gpgsign=false commit --quiet -am "version 2"
git log --format='%H %s'
