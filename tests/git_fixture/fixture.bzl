"""A deterministic git repository for testing git_branch_binaries."""

def _impl(ctx):
    script = ctx.path(Label("//tests/git_fixture:make_repo.sh"))
    res = ctx.execute(["bash", str(script), str(ctx.path("."))])
    if res.return_code != 0:
        fail("git fixture: %s" % res.stderr)
    ctx.file("BUILD.bazel", 'exports_files(["hello.c"])\n')
    ctx.file("WORKSPACE", 'workspace(name = "%s")\n' % ctx.name)

git_fixture_repository = repository_rule(implementation = _impl)
