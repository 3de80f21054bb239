"""Shared helpers for the gen_*.py vector generators (standard library only).

Each gen_*.py documents at its top the exact install command and versions it
was run with; the scripts install nothing themselves.  Run them from any
directory with the venv's python, e.g.

    /tmp/venv-vec/bin/python tests/data/providers/gen_twilio.py

Every script writes `<sender>.json` beside itself, and exits non-zero when an
SDK check disagrees with the `valid` flag recorded for a vector.
"""
import contextlib
import datetime as _dt
import json
import os
import sys
import time as _time
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))

# One fixed clock for every generator: 2026-01-01T00:00:00Z.
NOW = 1767225600


def tamper(body: str) -> str:
    """Change exactly one byte of the body (the last character; ASCII bodies only)."""
    last = body[-1]
    return body[:-1] + ("X" if last != "X" else "Y")


class Recorder:
    def __init__(self, sender, source, generator):
        self.doc = {"source": source, "generator": generator, "vectors": []}
        self.sender = sender
        self.failures = 0

    def add(self, *, name, valid, sdk_result, **fields):
        """Record a vector; sdk_result is what the SDK's verify said (True/False),
        or None where no SDK check was possible (the note must say why)."""
        v = {"name": name}
        v.update(fields)
        v["valid"] = valid
        if sdk_result is None:
            v.setdefault("sdk_checked", False)
        else:
            v["sdk_checked"] = True
            if bool(sdk_result) != valid:
                self.failures += 1
                print(f"FAIL {self.sender}/{name}: SDK says {sdk_result}, recorded valid={valid}")
        self.doc["vectors"].append(v)

    def write(self, filename=None):
        path = os.path.join(HERE, filename or f"{self.sender}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.doc, f, indent=2, ensure_ascii=False)
            f.write("\n")
        n = len(self.doc["vectors"])
        print(f"{self.sender}: wrote {n} vectors to {os.path.basename(path)}, {self.failures} SDK disagreements")
        if self.failures:
            sys.exit(1)


def ok(fn, *a, **kw):
    """Run an SDK verify; True if it returns truthy without raising."""
    try:
        r = fn(*a, **kw)
        return True if r is None else bool(r)
    except Exception:
        return False


class _FrozenDatetime(_dt.datetime):
    frozen = NOW

    @classmethod
    def now(cls, tz=None):
        return _dt.datetime.fromtimestamp(cls.frozen, tz=tz or _dt.timezone.utc)

    @classmethod
    def utcnow(cls):
        return _dt.datetime.fromtimestamp(cls.frozen, tz=_dt.timezone.utc).replace(tzinfo=None)


@contextlib.contextmanager
def frozen_clock(now=NOW, datetime_modules=()):
    """Freeze time.time() (globally) and the `datetime` name in the given modules."""
    _FrozenDatetime.frozen = now
    with contextlib.ExitStack() as st:
        st.enter_context(mock.patch("time.time", return_value=float(now)))
        for m in datetime_modules:
            st.enter_context(mock.patch.object(m, "datetime", _FrozenDatetime))
        yield
