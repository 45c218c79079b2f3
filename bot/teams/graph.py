"""Microsoft Graph as HireBot's Teams directory: names, job titles and time zones.

A person is their Azure AD object id. ``GET /users/{id}`` gives the name, job title and whether
the account is enabled; ``GET /users/{id}/mailboxSettings`` gives the time zone, usually as a
Windows name ("Pacific Standard Time"), sometimes IANA, mapped through the CLDR windowsZones
table tzlocal maintains. Permissions (application): ``User.Read.All`` and
``MailboxSettings.Read``. Cached like Slack's directory; a lookup that is slow or fails for a
transient reason comes back ``known=False`` and is not cached.

``by_email`` finds the person an ATS names by email: ``GET /users?$filter=mail eq '…' or
userPrincipalName eq '…'``, an ``eq`` filter Graph answers by default (no ``ConsistencyLevel``
header, no ``$count``), case-insensitively. Aliases (``proxyAddresses``) and ``otherMails`` are
not searched: ``otherMails`` holds contact addresses a person may share with someone else's
account, and an alias that the ATS uses should be the person's ``mail``. Unlike ``person``,
it raises when Graph can't say now (429, 5xx, unreachable) so that the ATS queue tries again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any
from urllib.parse import quote

import httpx
from tzlocal.windows_tz import win_tz

from bot.people import Person, zone_named
from bot.teams.connector import DEFAULT_RETRY_AFTER, RateLimited, Rejected, Unavailable
from bot.teams.connector import retry_after_seconds as _retry_after
from bot.teams.tokens import GRAPH_SCOPE, ClientCredentialsTokens, TokenError

log = logging.getLogger(__name__)

CACHE_SECONDS = 15 * 60
USER_FIELDS = "id,displayName,jobTitle,accountEnabled,userType,mail"
#: What ``by_email`` reads: who it is, the two addresses it compared, and whether enabled.
EMAIL_FIELDS = "id,displayName,jobTitle,mail,userPrincipalName,accountEnabled"


def iana_zone(name: str | None) -> str | None:
    """An IANA zone for a mailbox's time zone (Windows or IANA name), or None."""
    if not name:
        return None
    if zone_named(name) is not None:
        return name
    mapped = win_tz.get(name.strip())
    if mapped and zone_named(mapped) is not None:
        return mapped
    return None


class GraphDirectory:
    def __init__(
        self,
        http: httpx.AsyncClient,
        tokens: ClientCredentialsTokens,
        base_url: str,
        *,
        ttl: float = CACHE_SECONDS,
        bot_ids: frozenset[str] = frozenset(),
    ) -> None:
        self._http = http
        self._tokens = tokens
        self._base = base_url if base_url.endswith("/") else base_url + "/"
        self._ttl = ttl
        self._bot_ids = bot_ids
        self._cache: dict[str, tuple[float, Person]] = {}
        self._lookups: dict[str, asyncio.Task[Person]] = {}

    async def _get(self, path: str, **params: str) -> httpx.Response:
        token = await self._tokens.token(GRAPH_SCOPE)
        return await self._http.get(
            self._base + path, params=params or None, headers={"Authorization": f"Bearer {token}"}
        )

    async def person(self, user_id: str) -> Person:
        cached = self._cache.get(user_id)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        task = self._lookups.get(user_id)
        if task is None:
            task = self._lookups[user_id] = asyncio.ensure_future(self._look_up(user_id))
            task.add_done_callback(lambda _t: self._lookups.pop(user_id, None))
        return await asyncio.shield(task)

    async def person_quickly(self, user_id: str, within: float = 1.0) -> Person:
        try:
            return await asyncio.wait_for(self.person(user_id), within)
        except TimeoutError:
            return Person(id=user_id, name=user_id, known=False)

    async def _look_up(self, user_id: str) -> Person:
        if user_id in self._bot_ids:
            return Person(id=user_id, name="HireBot", is_bot=True)
        try:
            user, settings = await asyncio.gather(
                self._get(f"users/{quote(user_id, safe='')}", **{"$select": USER_FIELDS}),
                self._get(f"users/{quote(user_id, safe='')}/mailboxSettings"),
            )
        except (httpx.HTTPError, TokenError) as exc:
            log.warning("could not look up %s in Graph: %r", user_id, exc)
            return Person(id=user_id, name=user_id, known=False)
        if user.status_code in (400, 404):  # a clear answer: nobody by that id here
            person = Person(id=user_id, name=user_id, active=False)
        elif user.status_code != 200:
            log.warning("Graph answered %s for user %s", user.status_code, user_id)
            return Person(id=user_id, name=user_id, known=False)
        else:
            person = _person_from(user.json(), settings)
        self._cache[user_id] = (time.monotonic() + self._ttl, person)
        return person

    async def by_email(self, email: str) -> Person | None:
        """The enabled account whose mail or sign-in name is ``email``, or None when the tenant
        has nobody by it (see the module's docstring)."""
        address = email.strip()
        key = f"email:{address.casefold()}"
        cached = self._cache.get(key)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        literal = address.replace("'", "''")  # OData: a quote inside a string is doubled
        query = {
            "$filter": f"mail eq '{literal}' or userPrincipalName eq '{literal}'",
            "$select": EMAIL_FIELDS,
        }
        try:
            response = await self._get("users", **query)
        except TokenError as exc:
            raise (Unavailable if exc.transient else Rejected)("graph.users", str(exc)) from exc
        except httpx.HTTPError as exc:
            raise Unavailable("graph.users", repr(exc)) from exc
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise _graph_error("graph.users", response)
        entries = [e for e in response.json().get("value") or [] if e.get("accountEnabled", True)]
        # Someone's mail first: a sign-in name that happens to equal another's mail is rarer.
        entries.sort(key=lambda e: str(e.get("mail") or "").casefold() != address.casefold())
        if not entries:
            return None
        user_id = str(entries[0]["id"])
        if user_id in self._bot_ids:
            return None
        try:
            settings: httpx.Response | None = await self._get(
                f"users/{quote(user_id, safe='')}/mailboxSettings"
            )
        except (httpx.HTTPError, TokenError) as exc:
            log.warning("no time zone for %s from Graph now: %r", user_id, exc)
            settings = None
        person = _person_from(entries[0], settings)
        expires = time.monotonic() + self._ttl
        self._cache[key] = (expires, person)
        if settings is not None and settings.status_code in (200, 404):  # a clear answer
            self._cache[user_id] = (expires, person)
        return person

    async def people(
        self, user_ids: list[str], *, within: float | None = None
    ) -> dict[str, Person]:
        unique = list(dict.fromkeys(user_ids))
        if within is None:
            found = await asyncio.gather(*(self.person(u) for u in unique))
            return dict(zip(unique, found, strict=True))
        tasks = {u: asyncio.ensure_future(self.person(u)) for u in unique}
        if tasks:
            await asyncio.wait(tasks.values(), timeout=within)
        result = {}
        for user_id, task in tasks.items():
            if task.done() and not task.cancelled() and task.exception() is None:
                result[user_id] = task.result()
            else:
                task.cancel()
                result[user_id] = Person(id=user_id, name=user_id, known=False)
        return result

    async def search(self, text: str, limit: int = 25) -> list[Person]:
        """Enabled members of the tenant whose name starts with ``text`` (for people pickers)."""
        text = text.replace("'", "''")[:64]
        query = {"$select": USER_FIELDS, "$top": str(limit)}
        if text:
            query["$filter"] = f"startswith(displayName,'{text}')"
        try:
            response = await self._get("users", **query)
        except (httpx.HTTPError, TokenError) as exc:
            log.warning("could not search Graph: %r", exc)
            return []
        if response.status_code != 200:
            return []
        return [
            _person_from(entry, None)
            for entry in response.json().get("value") or []
            if entry.get("accountEnabled", True) and entry.get("userType") != "Guest"
        ]


def _graph_error(method: str, response: httpx.Response) -> Exception:
    """The typed delivery error for a failed Graph answer: 429 waits as asked, 5xx is
    transient, anything else (403: a permission not granted; 400: a query refused) is not."""
    try:
        error = response.json().get("error") or {}
        code = str(error.get("code") or response.status_code)
    except ValueError:
        code = str(response.status_code)
    what = f"{response.status_code} {code}"
    status = response.status_code
    if status == 429:
        wait = _retry_after(response.headers.get("Retry-After"), DEFAULT_RETRY_AFTER)
        return RateLimited(method, what, retry_after=wait)
    if status >= 500 or status == 408:
        return Unavailable(method, what)
    return Rejected(method, what)


def _person_from(user: dict[str, Any], settings: httpx.Response | None) -> Person:
    tz = "UTC"
    if settings is not None and settings.status_code == 200:
        tz = iana_zone(settings.json().get("timeZone")) or "UTC"
    return Person(
        id=str(user.get("id")),
        name=str(user.get("displayName") or user.get("mail") or user.get("id")),
        title=str(user.get("jobTitle") or ""),
        tz=tz,
        active=bool(user.get("accountEnabled", True)),
    )
