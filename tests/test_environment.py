"""The pinned environment: requirements.in, requirements.lock and environment.yml agree."""

from __future__ import annotations

import re

import yaml

from helpers import PROJECT


def pins(path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            out[re.sub(r"[-_.]+", "-", name).lower()] = version.strip()
    return out


def conda_pins() -> dict[str, str]:
    env = yaml.safe_load((PROJECT / "environment.yml").read_text())
    out = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for item in dep["pip"]:
                name, version = item.split("==")
                out[name.lower()] = version
        elif "=" in dep and not dep.startswith("python="):
            name, version = dep.split("=", 1)
            out[name.lower()] = version
    return out


def test_environment_yml_names_the_same_packages_and_versions():
    assert conda_pins() == pins(PROJECT / "requirements.in")


def test_lock_contains_every_direct_pin_at_the_same_version():
    lock = pins(PROJECT / "requirements.lock")
    for name, version in pins(PROJECT / "requirements.in").items():
        assert lock.get(name) == version, name


def test_the_running_environment_is_the_locked_one():
    from importlib.metadata import version

    for name, pinned in pins(PROJECT / "requirements.in").items():
        assert version(name) == pinned, name
