"""CI workflows and the example web-server configuration (issue 10, item 6).

The workflow files are checked statically: they parse, match the vendored JSON schemas of
GitHub Actions and GitLab CI (check-jsonschema, offline), call the README's commands, never
send the internal edition to Pages and deliver it only from main with protected secrets.
Their shell snippets are parsed with ``bash -n`` and the preview rule is executed.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

GITHUB = ROOT / ".github" / "workflows" / "site.yml"
GITLAB = ROOT / ".gitlab-ci.yml"
NGINX_INTERNAL = ROOT / "deploy" / "nginx-internal.conf"
NGINX_PUBLIC = ROOT / "deploy" / "nginx-public.conf"
DEPLOY_README = ROOT / "deploy" / "README.md"
GITLAB_KEYWORDS = {
    "workflow",
    "stages",
    "variables",
    "default",
    "include",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
}


def _load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _readme_commands() -> list[str]:
    """The command lines of the README's ```sh block (comments dropped)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"^```sh\n(.*?)^```", readme, re.S | re.M)
    assert block, "README.md has no ```sh block"
    return [line.strip() for line in block.group(1).splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _github_triggers(wf: dict[str, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the bare key `on` as the boolean True.
    triggers = wf.get("on", wf.get(True))
    return {t: None for t in triggers} if isinstance(triggers, list) else triggers


def _github_runs(wf: dict[str, Any]) -> list[str]:
    return [step["run"] for job in wf["jobs"].values() for step in job.get("steps", []) if "run" in step]


def _gitlab_jobs(ci: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: job for name, job in ci.items() if name not in GITLAB_KEYWORDS and not name.startswith(".")}


def _gitlab_lines(ci: dict[str, Any]) -> list[str]:
    lines = list(ci.get("default", {}).get("before_script", []))
    for job in _gitlab_jobs(ci).values():
        for key in ("before_script", "script", "after_script"):
            lines += job.get(key, [])
    return lines


def _uses(step: dict[str, Any], action: str) -> bool:
    return str(step.get("uses", "")).split("@")[0] == action


# --- parsing and schemas -----------------------------------------------------------------


def test_both_workflow_files_parse():
    for path in (GITHUB, GITLAB):
        assert isinstance(_load(path), dict), path


def _check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    if importlib.util.find_spec("check_jsonschema") is None:
        pytest.fail("check-jsonschema mangler: installér testafhængighederne (scripts/setup.sh --test)")
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("schema", "path"), [("vendor.github-workflows", GITHUB), ("vendor.gitlab-ci", GITLAB)], ids=["github", "gitlab"]
)
def test_workflow_matches_vendored_schema(schema, path, tmp_path):
    result = _check_jsonschema(schema, path)
    assert result.returncode == 0, result.stdout + result.stderr
    # The check can fail: a misspelt key in a copy is rejected.
    broken = tmp_path / path.name
    text = path.read_text(encoding="utf-8")
    broken.write_text(
        text.replace("runs-on:", "runs_on:") if path == GITHUB else text.replace("stage: test", "stagee: test"), encoding="utf-8"
    )
    assert broken.read_text(encoding="utf-8") != text
    assert _check_jsonschema(schema, broken).returncode != 0


# --- the same commands as the README ------------------------------------------------------


def test_readme_block_has_the_two_commands():
    commands = _readme_commands()
    assert "scripts/setup.sh --test && .venv/bin/python -m pytest" in commands
    assert any(c.startswith("scripts/setup.sh && .venv/bin/sikkerby build --edition all") for c in commands)


def test_ci_run_is_the_readme_test_command_and_exits_with_pytest():
    """.ci/run: strict mode, from the project root, and the README's test command as its last line,
    so its exit status is pytest's (or setup's, when setup fails)."""
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    lines = [line.strip() for line in script.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    test_command = next(c for c in _readme_commands() if c.startswith("scripts/setup.sh --test"))
    assert lines[0] == "set -euo pipefail" and lines[-1] == test_command, lines
    assert 'cd "$(dirname "$0")/.."' in lines
    assert script.startswith("#!/usr/bin/env bash\n") and os.access(ROOT / ".ci" / "run", os.X_OK)


@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_workflows_run_the_readme_commands_verbatim(ci):
    lines = _github_runs(_load(GITHUB)) if ci == "github" else _gitlab_lines(_load(GITLAB))
    commands = [line.strip() for text in lines for line in text.splitlines()]
    test_cmd, build_cmd = _readme_commands()[1], _readme_commands()[0]
    assert test_cmd.startswith("scripts/setup.sh --test")
    assert test_cmd in commands, f"{ci}: the README's test command is not run as written"
    builds = [c for c in commands if c.startswith(build_cmd)]
    assert builds, f"{ci}: the README's build command is not run as written"
    assert all(c[len(build_cmd) :].startswith(" --site-url ") for c in builds), builds
    # every site build in CI goes through the README's setup first
    for c in commands:
        if "sikkerby build" in c:
            assert c.startswith("scripts/setup.sh && .venv/bin/sikkerby build --edition "), c


# --- GitHub Actions -----------------------------------------------------------------------


def test_github_runs_on_every_push_and_pull_request():
    wf = _load(GITHUB)
    triggers = _github_triggers(wf)
    assert "push" in triggers and "pull_request" in triggers
    for kind in ("push", "pull_request"):  # no branch or path filter: every push and PR
        assert not (triggers[kind] or {}), f"{kind} is filtered: {triggers[kind]}"
    assert wf["permissions"] == {"contents": "read"}
    jobs = wf["jobs"]
    assert {"test", "build", "deploy-public", "build-internal", "deploy-internal"} <= set(jobs)
    for name, job in jobs.items():
        assert job["runs-on"] == "ubuntu-latest", name
        assert job["steps"], name
    for name in ("test", "build"):
        assert "if" not in jobs[name], f"{name} must run for every push and pull request"


def test_github_actions_are_pinned_by_major_version_and_setup_matches_the_readme():
    wf = _load(GITHUB)
    steps = [s for job in wf["jobs"].values() for s in job["steps"]]
    for step in steps:
        if "uses" in step:
            assert re.fullmatch(r"actions/[a-z-]+@v\d+", step["uses"]), step["uses"]
    assert {s["with"]["python-version"] for s in steps if _uses(s, "actions/setup-python")} == {"3.11"}
    assert {s["uses"] for s in steps if _uses(s, "actions/setup-python")} == {"actions/setup-python@v5"}
    assert {s["with"]["node-version"] for s in steps if _uses(s, "actions/setup-node")} == {"20"}


def test_github_builds_are_pinned_to_the_commit_time():
    for name, job in _load(GITHUB)["jobs"].items():
        runs = [s.get("run", "") for s in job["steps"]]
        builds = [i for i, r in enumerate(runs) if "sikkerby build" in r]
        if not builds:
            continue
        checkout = next(s for s in job["steps"] if _uses(s, "actions/checkout"))
        assert checkout.get("with", {}).get("fetch-depth", 1) in (0, 1), name  # git log -1 needs the commit
        pins = [i for i, r in enumerate(runs) if "SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)" in r and "GITHUB_ENV" in r]
        assert pins and pins[0] < builds[0], f"{name}: SOURCE_DATE_EPOCH is not set before the build"


def test_github_pages_gets_only_the_public_edition():
    jobs = _load(GITHUB)["jobs"]
    pages_steps = [(name, s) for name, job in jobs.items() for s in job["steps"] if _uses(s, "actions/upload-pages-artifact")]
    assert pages_steps, "no Pages upload"
    for _, step in pages_steps:
        assert step["with"]["path"].rstrip("/") == "site/public", step
        assert "internal" not in str(step), step
        assert "refs/heads/main" in step["if"] and "push" in step["if"], step
    deploy = jobs["deploy-public"]
    assert [s["uses"] for s in deploy["steps"]] == ["actions/deploy-pages@v4"]
    assert "internal" not in yaml.safe_dump(deploy)
    assert deploy["environment"]["name"] == "github-pages"
    assert "refs/heads/main" in deploy["if"]


def test_github_previews_keep_the_internal_edition_from_forks():
    jobs = _load(GITHUB)["jobs"]
    uploads = [(name, s) for name, job in jobs.items() for s in job["steps"] if _uses(s, "actions/upload-artifact")]
    previews = [(n, s) for n, s in uploads if "pull_request" in s.get("if", "")]
    assert {s["with"]["path"].rstrip("/") for _, s in previews} == {"preview/public", "preview/internal"}
    for _, step in uploads:
        assert 1 <= step["with"]["retention-days"] <= 7, step
    # every step that copies or uploads the internal edition
    touching = [
        (name, s)
        for name, job in jobs.items()
        for s in job["steps"]
        if "internal" in str(s.get("with", {}).get("path", "")) or "cp -rL site/internal" in s.get("run", "")
    ]
    assert len(touching) == 5, touching  # preview copy + upload; hand-over copy, upload, download
    for name, step in touching:
        condition = step.get("if", "") + jobs[name].get("if", "")
        if "pull_request" in condition:  # a preview: same repository, private repository only
            assert "github.event.pull_request.head.repo.full_name == github.repository" in condition
            assert "github.event.repository.private" in condition
        else:  # the hand-over to the delivery job: main only, deleted after delivery
            assert name in {"build-internal", "deploy-internal"} and "refs/heads/main" in condition
            assert step.get("with", {}).get("retention-days", 1) == 1


def test_github_internal_edition_is_delivered_from_main_with_protected_secrets_only():
    wf = _load(GITHUB)
    jobs = wf["jobs"]
    deliver = jobs["deploy-internal"]
    assert "github.ref == 'refs/heads/main'" in deliver["if"] and "push" in deliver["if"]
    assert deliver["environment"]["name"] == "internal"
    assert "build-internal" in deliver["needs"]
    text = yaml.safe_dump(deliver)
    for secret in ("INTERNAL_SSH_KEY", "INTERNAL_SSH_KNOWN_HOSTS", "INTERNAL_DEPLOY_TARGET"):
        assert f"secrets.{secret}" in text, secret
    assert "StrictHostKeyChecking=yes" in text and "rsync" in text and "delivery/internal/" in text
    # the job with the key runs no code from package registries, and the key is step-scoped
    assert not any(_uses(s, "actions/checkout") or "setup.sh" in s.get("run", "") for s in deliver["steps"])
    assert "secrets." not in yaml.safe_dump(deliver.get("env", {}))
    # secrets appear nowhere else in the workflow
    for name, job in jobs.items():
        if name != "deploy-internal":
            assert "secrets." not in yaml.safe_dump(job), name
    assert "secrets." not in yaml.safe_dump(wf.get("env", {}))
    # the internal build is main only, for its own address, and never goes to Pages
    build = jobs["build-internal"]
    assert "github.ref == 'refs/heads/main'" in build["if"]
    assert any('--edition internal --site-url "$INTERNAL_SITE_URL"' in s.get("run", "") for s in build["steps"])
    assert not any(_uses(s, "actions/upload-pages-artifact") for s in build["steps"])


# --- GitLab CI ----------------------------------------------------------------------------


def test_gitlab_runs_on_every_push_and_merge_request():
    ci = _load(GITLAB)
    rules = ci["workflow"]["rules"]
    assert {"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'} in rules
    assert rules[-1] == {"if": "$CI_COMMIT_BRANCH"}
    jobs = _gitlab_jobs(ci)
    assert {"test", "build", "pages", "build-internal", "deploy-internal"} <= set(jobs)
    for name in ("test", "build"):
        assert "rules" not in jobs[name] and "only" not in jobs[name], name
    assert ci["default"]["image"].startswith("python:3.11")
    before = "\n".join(ci["default"]["before_script"])
    assert 'export SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)"' in before
    assert int(ci["variables"]["GIT_DEPTH"]) >= 1


def test_gitlab_pages_gets_only_the_public_edition():
    jobs = _gitlab_jobs(_load(GITLAB))
    pages = jobs["pages"]
    assert pages["rules"] == [{"if": '$CI_COMMIT_BRANCH == "main"'}]
    assert pages["artifacts"]["paths"] == ["public"]
    script = "\n".join(pages["script"])
    assert "cp -r preview/public public" in script
    assert "internal" not in script.replace("den interne udgave", "")
    for name, job in jobs.items():  # nothing else may fill public/
        if name != "pages":
            assert all(not str(p).startswith("public") for p in job.get("artifacts", {}).get("paths", [])), name


def test_gitlab_internal_edition_is_delivered_from_main_with_protected_variables_only():
    jobs = _gitlab_jobs(_load(GITLAB))
    main_protected = [{"if": '$CI_COMMIT_BRANCH == "main" && $CI_COMMIT_REF_PROTECTED == "true"'}]
    deliver, build = jobs["deploy-internal"], jobs["build-internal"]
    assert deliver["rules"] == main_protected and build["rules"] == main_protected
    assert deliver["environment"]["name"] == "internal"
    assert "artifacts" not in deliver
    script = "\n".join(deliver["script"])
    for var in ("$INTERNAL_SSH_KEY", "$INTERNAL_SSH_KNOWN_HOSTS", "$INTERNAL_DEPLOY_TARGET"):
        assert var in script, var
    assert "StrictHostKeyChecking=yes" in script and "delivery/internal/" in script
    assert deliver["before_script"] == [] and "setup.sh" not in script  # no registry code next to the key
    assert build["artifacts"]["access"] == "none"
    assert build["artifacts"]["paths"] == ["delivery/internal/"]
    assert "environment" not in build  # environment-scoped secrets never reach the build
    for name, job in jobs.items():
        if name != "deploy-internal":
            text = yaml.safe_dump(job)
            assert "INTERNAL_SSH" not in text and "INTERNAL_DEPLOY_TARGET" not in text, name


def _preview_rule(ci: dict[str, Any]) -> str:
    return next(line for line in _gitlab_jobs(ci)["build"]["script"] if "preview/internal" in line)


@pytest.mark.parametrize(
    ("env", "internal_kept"),
    [
        ({"CI_PIPELINE_SOURCE": "push"}, False),
        ({"CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_SOURCE_PROJECT_ID": "7", "CI_MERGE_REQUEST_PROJECT_ID": "7", "CI_PROJECT_VISIBILITY": "private"}, True),
        ({"CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_SOURCE_PROJECT_ID": "9", "CI_MERGE_REQUEST_PROJECT_ID": "7", "CI_PROJECT_VISIBILITY": "private"}, False),
        ({"CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_SOURCE_PROJECT_ID": "7", "CI_MERGE_REQUEST_PROJECT_ID": "7", "CI_PROJECT_VISIBILITY": "public"}, False),
    ],
    ids=["branch-pipeline", "own-branch-mr", "fork-mr", "public-project-mr"],
)  # fmt: skip
def test_gitlab_preview_keeps_internal_edition_only_for_own_branches(tmp_path, env, internal_kept):
    ci = _load(GITLAB)
    build = _gitlab_jobs(ci)["build"]
    assert build["artifacts"]["access"] == "developer"
    assert build["artifacts"]["paths"] == ["preview/"]
    assert 1 <= int(str(build["artifacts"]["expire_in"]).split()[0]) <= 7
    # the layout publish.py leaves: site/<edition> -> .current/<edition>, .current -> .versions/<id>
    for edition in ("public", "internal"):
        folder = tmp_path / "site" / ".versions" / "v1" / edition
        folder.mkdir(parents=True)
        (folder / "index.html").write_text(edition)
        (tmp_path / "site" / edition).symlink_to(Path(".current") / edition)
    (tmp_path / "site" / ".current").symlink_to(Path(".versions") / "v1")
    run = subprocess.run(
        ["sh", "-c", _preview_rule(ci)], cwd=tmp_path, env={"PATH": "/usr/bin:/bin", **env}, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    preview = tmp_path / "preview"
    assert sorted(p.name for p in preview.iterdir()) == (["internal", "public"] if internal_kept else ["public"])
    for path in preview.rglob("*"):  # real files only: a symlink in the artifact would point nowhere
        assert not path.is_symlink(), path
    assert (preview / "public" / "index.html").read_text() == "public"


def test_every_shell_snippet_parses():
    snippets = [r for r in _github_runs(_load(GITHUB))] + _gitlab_lines(_load(GITLAB))
    assert len(snippets) > 15
    for snippet in snippets:
        script = re.sub(r"\$\{\{.*?\}\}", "X", snippet)  # GitHub expressions are filled in before bash runs
        result = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True)
        assert result.returncode == 0, f"{snippet}\n{result.stderr}"


# --- web server examples ------------------------------------------------------------------


def _nginx_tree(path: Path) -> list[tuple[str, list[str], Any]]:
    """A small nginx parser: [(directive, args, children | None)]; fails on unbalanced blocks."""
    text = re.sub(r"#[^\n]*", "", path.read_text(encoding="utf-8"))
    tokens = re.findall(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|[{};]|[^\s{};]+', text)
    pos = 0

    def block(top: bool) -> list[tuple[str, list[str], Any]]:
        nonlocal pos
        items: list[tuple[str, list[str], Any]] = []
        words: list[str] = []
        while pos < len(tokens):
            tok = tokens[pos]
            pos += 1
            if tok == ";":
                assert words, f"{path.name}: empty directive"
                items.append((words[0], words[1:], None))
                words = []
            elif tok == "{":
                items.append((words[0], words[1:], block(False)))
                words = []
            elif tok == "}":
                assert not top and not words, f"{path.name}: unbalanced '}}' or missing ';' after {words}"
                return items
            else:
                words.append(tok.strip('"'))
        assert top and not words, f"{path.name}: missing '}}' or ';'"
        return items

    return block(True)


def _tls_server(path: Path) -> list[tuple[str, list[str], Any]]:
    servers = [children for name, _, children in _nginx_tree(path) if name == "server"]
    tls = [s for s in servers if any(n == "listen" and "ssl" in a for n, a, _ in s)]
    assert len(tls) == 1, path
    assert all(any(n == "return" and a[0] == "301" for n, a, _ in s) for s in servers if s is not tls[0])
    return tls[0]


def _headers(server: list[tuple[str, list[str], Any]]) -> dict[str, str]:
    return {a[0]: a[1] for n, a, _ in server if n == "add_header"}


def _walk(items: list[tuple[str, list[str], Any]]):
    for name, args, children in items:
        yield name, args
        if children:
            yield from _walk(children)


def test_internal_nginx_requires_login_and_is_not_indexed():
    text = NGINX_INTERNAL.read_text(encoding="utf-8")
    server = _tls_server(NGINX_INTERNAL)
    directives = {n: a for n, a, _ in server}
    # authentication at server level applies to every location, and is never switched off
    assert directives["auth_basic"] and directives["auth_basic_user_file"][0].endswith(".htpasswd")
    assert ("auth_basic", ["off"]) not in list(_walk(server))
    assert re.search(r"^\s*#\s*auth_request /_sso/auth;", text, re.M), "commented SSO example missing"
    assert directives["autoindex"] == ["off"] and ("autoindex", ["on"]) not in list(_walk(server))
    assert directives["disable_symlinks"] == ["off"]
    assert directives["root"] == ["/srv/sikkerby/internal"]
    assert directives["ssl_certificate"] and directives["ssl_protocols"] == ["TLSv1.2", "TLSv1.3"]
    headers = _headers(server)
    assert "noindex" in headers["X-Robots-Tag"]
    assert headers["Cache-Control"].startswith("private")
    assert all("always" in a for n, a, _ in server if n == "add_header")
    # no location sets its own headers (that would drop all of the above)
    assert not [a for n, a in _walk([c for c in server if c[0] == "location"]) if n == "add_header"]
    for warning in ("ADVARSEL", "ALDRIG SERVERES ÅBENT", "NEVER SERVE THE INTERNAL EDITION OPENLY", "kontaktoplysninger"):
        assert warning in text, warning


def test_public_nginx_has_the_same_security_headers_and_no_internal_site():
    internal, public = _headers(_tls_server(NGINX_INTERNAL)), _headers(_tls_server(NGINX_PUBLIC))
    shared = set(internal) - {"X-Robots-Tag", "Cache-Control"}
    assert {k: internal[k] for k in shared} == public
    for header in (
        "Content-Security-Policy",
        "Strict-Transport-Security",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "X-Frame-Options",
    ):
        assert header in public, header
    server = _tls_server(NGINX_PUBLIC)
    directives = {n: a for n, a, _ in server}
    assert directives["root"] == ["/srv/sikkerby/public"] and directives["autoindex"] == ["off"]
    assert "internal" not in " ".join(a for _, args in _walk(server) for a in args)


def _csp(path: Path) -> dict[str, list[str]]:
    policy = _headers(_tls_server(path))["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}


def test_csp_allows_only_the_site_itself():
    csp = _csp(NGINX_INTERNAL)
    assert csp["default-src"] == ["'none'"]
    for directive, sources in csp.items():
        for source in sources:
            assert source in {"'self'", "'none'", "'unsafe-inline'", "data:"} or source.startswith("'sha256-"), (
                directive,
                source,
            )
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]


def _csp_tool():
    spec = importlib.util.spec_from_file_location("csp_hashes", ROOT / "deploy" / "csp_hashes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_csp_hash_tool_covers_deeper_pages(tmp_path):
    tool = _csp_tool()
    assert tool.sha256_source("") == "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    scope = '__md_scope=new URL("..",location),__md_get=1'
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<script>x=1</script><script id="__config" type="application/json">{}</script>')
    (tmp_path / "a" / "index.html").write_text(f'<script src="s.js"></script><script>{scope}</script>')
    hashes = tool.script_hashes([tmp_path], depth=3)
    expected = {"x=1", scope} | {scope.replace('"..",', f'"{b}",') for b in (".", "../..", "../../..")}
    assert hashes == sorted(tool.sha256_source(b) for b in expected)
    assert tool.sha256_source("{}") not in hashes  # JSON data blocks are not scripts
    assert tool.main([str(tmp_path / "a")]) == 0
    assert tool.main([str(tmp_path / "nope")]) == 1


@pytest.mark.slow
def test_csp_covers_every_inline_script_of_both_editions(built_site):
    tool = _csp_tool()
    needed = set(tool.script_hashes([built_site / "public", built_site / "internal"], depth=0))
    for conf in (NGINX_INTERNAL, NGINX_PUBLIC):
        missing = needed - set(_csp(conf)["script-src"])
        assert not missing, f"{conf.name}: run python3 deploy/csp_hashes.py site/internal site/public; missing {missing}"


@pytest.mark.browser
@pytest.mark.slow
def test_site_works_under_the_nginx_security_headers(browser, built_site):
    """Serve the internal edition with the configured headers: no CSP violation, charts and search work."""
    import functools
    import http.server
    import threading

    headers = _headers(_tls_server(NGINX_INTERNAL))

    class Handler(http.server.SimpleHTTPRequestHandler):
        def end_headers(self) -> None:
            for name, value in headers.items():
                self.send_header(name, value)
            super().end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(built_site / "internal")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error('Content Security Policy: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    try:
        page.goto(base + "resultater/")
        page.wait_for_load_state("load")
        page.locator("#chart-maalopfyldelse").scroll_into_view_if_needed()
        page.wait_for_selector("#chart-maalopfyldelse[data-drawn] svg", timeout=15000)
        page.goto(base + "aktiviteter/")
        page.wait_for_load_state("load")
        page.keyboard.press("/")
        page.keyboard.type("ungdomsbrandkorps")
        page.wait_for_selector(".md-search-result__item", timeout=10000)
        assert violations == []
    finally:
        context.close()
        server.shutdown()


# --- the deployment guide -----------------------------------------------------------------


def test_deploy_guide_names_every_setting_the_workflows_use():
    guide = DEPLOY_README.read_text(encoding="utf-8")
    names = set(re.findall(r"(?:secrets|vars)\.([A-Z_]+)", GITHUB.read_text(encoding="utf-8")))
    names |= set(re.findall(r"\$\{?(INTERNAL_[A-Z_]+|PUBLIC_SITE_URL)", GITLAB.read_text(encoding="utf-8")))
    assert names >= {
        "INTERNAL_SSH_KEY",
        "INTERNAL_SSH_KNOWN_HOSTS",
        "INTERNAL_DEPLOY_TARGET",
        "INTERNAL_SITE_URL",
        "PUBLIC_SITE_URL",
    }
    for name in names:
        assert f"`{name}`" in guide, f"deploy/README.md does not explain {name}"
    for word in ("ADVARSEL", "WARNING", "nginx-internal.conf", "forhåndsvisning"):
        assert word.lower() in guide.lower(), word


def test_nginx_accepts_the_examples(tmp_path):
    """nginx -t on both files (and on the SSO variant); needs nginx, the static checks above do not."""
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    openssl = shutil.which("openssl")
    if not nginx or not openssl:
        pytest.skip("nginx or openssl is not installed (apt-get install nginx-light); the static checks above still ran")
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test",
         "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    (tmp_path / "htpasswd").write_text("")
    variants = {"internal": NGINX_INTERNAL.read_text(encoding="utf-8"), "public": NGINX_PUBLIC.read_text(encoding="utf-8")}
    sso = [line for line in variants["internal"].splitlines() if not line.strip().startswith("auth_basic")]
    start = next(i for i, line in enumerate(sso) if line.strip() == "# auth_request /_sso/auth;")
    end = next(i for i in range(start, len(sso)) if sso[i].strip().startswith("# ---"))
    variants["sso"] = "\n".join(sso[:start] + [line.replace("# ", "", 1) for line in sso[start:end]] + sso[end:])
    assert re.search(r"^\s*auth_request /_sso/auth;", variants["sso"], re.M)
    assert not re.search(r"^\s*auth_basic", variants["sso"], re.M)
    for name, conf in variants.items():
        conf = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {tmp_path}/cert.pem;", conf)
        conf = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {tmp_path}/key.pem;", conf)
        conf = conf.replace("/etc/nginx/sikkerby-internal.htpasswd", str(tmp_path / "htpasswd"))
        (tmp_path / f"{name}.conf").write_text(conf, encoding="utf-8")
        main = tmp_path / f"main-{name}.conf"
        main.write_text(
            f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log; events {{}}\n"
            f"http {{ access_log off; include {tmp_path}/{name}.conf; }}\n",
            encoding="utf-8",
        )
        result = subprocess.run(
            [nginx, "-t", "-q", "-e", str(tmp_path / "error.log"), "-p", str(tmp_path), "-c", str(main)],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, f"{name}: {result.stderr}"
