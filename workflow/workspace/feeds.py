"""Calendar feeds a phone or Outlook subscribes to: one .ics per unit of a plan and one for
all (``tat-ca``), the same calendars ``kehoach build`` writes.

SEQUENCE and DTSTAMP must not move while nothing changes, or a subscribed calendar would
re-import every event on each refresh and no answer could ever be "304 Not Modified". The
feed state starts from the last build's (``out/<plan>/manifest.json``), so the feed and the
published files agree, and is kept in ``.kehoach/lich/<plan>.json``: an unchanged plan gives
the same bytes, the same ETag (a hash of them) and the same Last-Modified (when they last
changed) on every request; a changed event gets SEQUENCE + 1, as in a build.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import datetime, timezone

from ..calendars.ics import calendar_bytes, collect, next_state, read_state, state_json
from ..errors import Problem
from ..manifest import read as read_manifest
from ..safeio import write_text
from .folder import NotFound
from .followup import signature

ALL = "tat-ca"


@dataclass(frozen=True)
class Feed:
    body: bytes
    etag: str             # quoted, as the header carries it
    modified: datetime    # UTC, whole seconds


class Feeds:
    """The feeds of one workspace, cached per plan until its files change."""

    def __init__(self, fu):
        self.fu = fu
        self._cache: dict[str, tuple[tuple, dict[str, Feed]]] = {}
        self._lock = threading.Lock()
        self._building = threading.Lock()  # one build at a time: the others wait and reuse it

    def feed(self, name: str, unit: str) -> Feed:
        """The calendar of ``unit`` (or ``tat-ca``) of plan ``name``; :class:`NotFound` for a
        unit without events."""

        lp = self.fu.followed(name)
        c = self.fu.collection(name)
        sig = (signature(lp.sources), (c.id, c.closed_at) if c else None)
        with self._lock:
            hit = self._cache.get(name)
        if hit is None or hit[0] != sig:
            with self._building:
                with self._lock:
                    hit = self._cache.get(name)
                if hit is None or hit[0] != sig:
                    hit = (sig, self._build(name, lp))
                    with self._lock:
                        self._cache[name] = hit
        feeds = hit[1]
        if unit not in feeds:
            if unit not in lp.units:
                raise NotFound(Problem(file="lịch", message="không có lịch này"))
            # a unit with no dated task yet: an empty calendar it can subscribe to all the same
            from ..calendars.ics import calendar_bytes

            body = calendar_bytes(lp, unit, [], {"events": {}})
            etag = hashlib.sha256(body).hexdigest()[:32]
            feeds[unit] = Feed(body, f'"{etag}"', datetime(lp.year, 1, 1, tzinfo=timezone.utc))
        return feeds[unit]

    def _build(self, name: str, lp) -> dict[str, Feed]:

        state_file = self.fu.ws.state / "lich" / f"{name}.json"
        previous = _read_json(state_file)
        if not previous:
            previous = read_manifest(self.fu.ws.out_dir(name) / "manifest.json").get("calendar")
        now = datetime.now(timezone.utc).replace(microsecond=0)
        cals = collect(lp)
        state, added, changed, removed = next_state(lp, cals, previous, now)
        old = previous if isinstance(previous, dict) else {}
        old_stamps = old.get("feed_modified", {})
        old_events = read_state(old).get("events")
        modified: dict[str, str] = {}
        feeds: dict[str, Feed] = {}
        for unit, events in cals.items():
            body = calendar_bytes(lp, unit, events, state)
            etag = hashlib.sha256(body).hexdigest()[:32]
            was = old_stamps.get(unit, {})
            when = was.get("at") if was.get("etag") == etag else now.isoformat()
            modified[unit] = {"etag": etag, "at": when}
            feeds[unit] = Feed(body, f'"{etag}"', datetime.fromisoformat(when))
        state["feed_modified"] = modified
        if state.get("events") != old_events or modified != old_stamps:
            write_text(state_file, state_json(state))
        return feeds


def _read_json(path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else None
    except (OSError, ValueError):
        return None
