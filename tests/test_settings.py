from __future__ import annotations

import pytest

from detente.errors import UsageError
from detente.settings import load_settings


def test_defaults_loaded_without_user_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings(env={})
    assert settings.get("ingest.max_chars") == 5_000_000
    assert settings.get("server.host") == "127.0.0.1"
    assert settings.get("server.token") == ""


def test_user_file_then_environment_then_override(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "detente.yaml").write_text("ingest:\n  max_chars: 1000\nstore:\n  db: a.duckdb\n")
    settings = load_settings(env={})
    assert settings.get("ingest.max_chars") == 1000
    assert settings.get("ingest.max_bytes") == 50_000_000  # untouched default survives the merge
    settings = load_settings(env={"DETENTE_INGEST_MAX_CHARS": "77", "DETENTE_DB": "b.duckdb"})
    assert settings.get("ingest.max_chars") == 77
    assert settings.get("store.db") == "b.duckdb"
    settings.override("store.db", "c.duckdb")
    settings.override("ingest.max_chars", None)
    assert settings.get("store.db") == "c.duckdb"
    assert settings.get("ingest.max_chars") == 77


@pytest.mark.parametrize("content", ["- just\n- a list\n", "ingest: [unclosed\n"])
def test_bad_user_file_is_a_usage_error(tmp_path, content):
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    with pytest.raises(UsageError) as err:
        load_settings(path, env={})
    assert err.value.code == "E203"


def test_missing_config_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError) as err:
        load_settings(tmp_path / "nope.yaml", env={})
    assert err.value.code == "E201"


def test_bad_environment_value(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError) as err:
        load_settings(env={"DETENTE_INGEST_MAX_CHARS": "lots"})
    assert err.value.code == "E203"
