"""The Jinja environment every template is rendered in: autoescaped (docxtpl's default
silently drops text after '&' or '<'), None printed as "", undefined names an error, and
the Vietnamese formatting filters of :mod:`workflow.documents.vnformat`."""

from __future__ import annotations

from . import vnformat


def jinja_env():
    from jinja2 import Environment, StrictUndefined

    env = Environment(autoescape=True, finalize=lambda v: "" if v is None else v,
                      undefined=StrictUndefined)
    env.filters.update(vnformat.FILTERS)
    return env
