"""One place for settings: packaged defaults, a user file over them, environment variables over that.

CLI flags are applied by the caller through `Settings.override`.
"""

from __future__ import annotations

import copy
import os
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from detente.errors import UsageError

USER_FILES = ("detente.yaml",)


def _defaults() -> dict[str, Any]:
    text = resources.files("detente").joinpath("settings.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value
    return base


def _coerce(raw: str, like: Any) -> Any:
    if isinstance(like, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(like, int):
        return int(raw)
    if isinstance(like, float):
        return float(raw)
    if isinstance(like, list):
        return [part.strip() for part in raw.split(",") if part.strip()]
    return raw


class Settings:
    """Layered settings; read with `settings["ingest"]["max_chars"]` or `settings.get("ingest.max_chars")`."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def __getitem__(self, section: str) -> dict[str, Any]:
        return self.data[section]

    def get(self, dotted: str, default: Any = None) -> Any:
        node: Any = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def override(self, dotted: str, value: Any) -> None:
        """Set one value (CLI flags); `None` leaves the current value."""
        if value is None:
            return
        *path, last = dotted.split(".")
        node = self.data
        for part in path:
            node = node.setdefault(part, {})
        node[last] = value


def load_settings(path: str | os.PathLike | None = None, env: dict[str, str] | None = None) -> Settings:
    """Defaults, then the user file, then DETENTE_SECTION_KEY environment variables."""
    env = dict(os.environ) if env is None else env
    data = _defaults()
    candidates = [path] if path else [env.get("DETENTE_CONFIG")] + list(USER_FILES)
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            try:
                user = yaml.safe_load(Path(candidate).read_text(encoding="utf-8")) or {}
            except yaml.YAMLError as err:
                raise UsageError("E203", key="config", value=str(candidate), detail=str(err)) from err
            if not isinstance(user, dict):
                raise UsageError("E203", key="config", value=str(candidate), detail="not a mapping")
            _merge(data, user)
            break
        if path:
            raise UsageError("E201", path=str(candidate))
    defaults = copy.deepcopy(data)
    for section, values in defaults.items():
        if not isinstance(values, dict):
            continue
        for key, like in values.items():
            name = f"DETENTE_{section}_{key}".upper()
            if name in env:
                try:
                    data[section][key] = _coerce(env[name], like)
                except ValueError as err:
                    raise UsageError("E203", key=name, value=env[name], detail=str(err)) from err
    if "DETENTE_DB" in env:
        data["store"]["db"] = env["DETENTE_DB"]
    return Settings(data)
