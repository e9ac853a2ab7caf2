"""Settings from ADVOCACY_* environment variables: typed like their defaults, refused when wrong."""

from __future__ import annotations

import pytest

from advocacy import create_app
from advocacy.auth.service import create_user, hash_password
from advocacy.cli import migrate_database
from advocacy.config import ConfigurationProblem
from advocacy.extensions import db


@pytest.fixture
def environment(monkeypatch, tmp_path):
    """create_app() as gunicorn calls it, with a secret key and BASE_URL given."""
    monkeypatch.setenv("ADVOCACY_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("ADVOCACY_DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    monkeypatch.setenv("ADVOCACY_SECRET_KEY", "a long and random production secret")
    monkeypatch.setenv("ADVOCACY_BASE_URL", "https://advocacy.example.org")
    return monkeypatch


def test_settings_from_the_environment_take_their_defaults_types(environment):
    environment.setenv("ADVOCACY_PROXY_COUNT", "1")
    environment.setenv("ADVOCACY_LETTER_RETENTION_DAYS", " 180 ")
    environment.setenv("ADVOCACY_RATELIMIT_ENABLED", "false")
    environment.setenv("ADVOCACY_HTTP_TIMEOUT", "2.5")
    environment.setenv("ADVOCACY_PHOTO_ALLOWED_NETWORKS", "10.20.0.0/16, 192.168.1.0/24")
    environment.setenv("ADVOCACY_RATE_LIMIT_LOGIN", "5 per minute")
    environment.setenv("ADVOCACY_PASSWORD_HASH_METHOD", "scrypt:65536:8:1")

    config = create_app().config

    assert config["PROXY_COUNT"] == 1
    assert config["LETTER_RETENTION_DAYS"] == 180
    assert config["RATELIMIT_ENABLED"] is False
    assert config["HTTP_TIMEOUT"] == 2.5
    assert config["PHOTO_ALLOWED_NETWORKS"] == ["10.20.0.0/16", "192.168.1.0/24"]
    assert config["RATE_LIMIT_LOGIN"] == "5 per minute"
    assert config["SECRET_KEY"] == "a long and random production secret"
    assert config["PASSWORD_HASH_METHOD"] == "scrypt:65536:8:1"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("ADVOCACY_PROXY_COUNT", "one", "PROXY_COUNT must be a whole number such as 0, not 'one'"),
        ("ADVOCACY_LETTER_RETENTION_DAYS", "-5", "LETTER_RETENTION_DAYS must be a whole number such as 365"),
        ("ADVOCACY_RATELIMIT_ENABLED", "maybe", "RATELIMIT_ENABLED must be true or false, not 'maybe'"),
        ("ADVOCACY_HTTP_TIMEOUT", "soon", "HTTP_TIMEOUT must be a number such as 10.0, not 'soon'"),
        ("ADVOCACY_PASSWORD_HASH_METHOD", "md5", "PASSWORD_HASH_METHOD must be scrypt, scrypt:N:R:P"),
        ("ADVOCACY_PASSWORD_HASH_METHOD", "scrypt:big", "not 'scrypt:big'"),
    ],
)
def test_a_setting_of_the_wrong_kind_stops_the_app_saying_which(environment, name, value, message):
    environment.setenv(name, value)

    with pytest.raises(ConfigurationProblem) as refused:
        create_app()

    assert message in str(refused.value)


def test_passwords_are_kept_as_scrypt_hashes_unless_set_otherwise(environment):
    app = create_app()
    with app.app_context():
        migrate_database()
        user = create_user(db.session, "pat@example.org", "correct horse battery staple")
        assert user.password_hash.startswith("scrypt:32768:8:1$")
        app.config["PASSWORD_HASH_METHOD"] = "scrypt:65536:8:1"
        assert hash_password("correct horse battery staple").startswith("scrypt:65536:8:1$")
        db.session.rollback()
        db.engine.dispose()
