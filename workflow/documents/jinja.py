"""The Jinja environment every template is rendered in: autoescaped (docxtpl's default
silently drops text after '&' or '<'), None printed as "", undefined names an error, and
the Vietnamese formatting filters of :mod:`workflow.documents.vnformat`.

Templates compile once per machine, not once per process: docxtpl hands the environment
each part of a .docx as a string (``from_string``), and the compiled code of each string is
kept in jinja2's own bytecode cache, in kehoach's cache folder (:mod:`workflow.cache`),
keyed by the string itself.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from .. import cache
from . import vnformat


def jinja_env():
    # jinja2 (~15 ms): only for a command that renders
    from jinja2 import StrictUndefined

    env = _cached_env_class()(autoescape=True, finalize=lambda v: "" if v is None else v,
                              undefined=StrictUndefined, bytecode_cache=bytecode_cache())
    env.filters.update(vnformat.FILTERS)
    return env


def sandboxed_env(**options):
    """A :class:`jinja2.sandbox.SandboxedEnvironment` (text filled from user files) whose
    templates compile once, like :func:`jinja_env`'s."""
    return _cached_env_class(sandboxed=True)(bytecode_cache=bytecode_cache(), **options)


def bytecode_cache():
    """jinja2's file-system bytecode cache in kehoach's cache folder, or None (cache off)."""
    where = cache.folder("jinja")
    if where is None:
        return None
    # jinja2 (~15 ms): only for a command that renders
    from jinja2 import FileSystemBytecodeCache

    return FileSystemBytecodeCache(str(where))


@lru_cache(maxsize=2)
def _cached_env_class(sandboxed: bool = False):
    """An Environment whose ``from_string`` goes through the bytecode cache, as jinja2's
    loaders do for named templates (``BaseLoader.load``)."""
    if sandboxed:
        # jinja2 (~15 ms): only for a command that renders
        from jinja2.sandbox import SandboxedEnvironment as base
    else:
        # jinja2 (~15 ms): only for a command that renders
        from jinja2 import Environment as base

    class CachedEnvironment(base):
        def from_string(self, source, globals=None, template_class=None):
            bcc = self.bytecode_cache
            if bcc is None or not isinstance(source, str):
                return super().from_string(source, globals, template_class)
            # the compiled code depends on the settings too (autoescape, delimiters, filters…)
            name = "kehoach-" + hashlib.sha256(
                f"{_settings(self)!r}\n{source}".encode("utf-8", "surrogatepass")).hexdigest()
            bucket = bcc.get_bucket(self, name, None, source)
            code = bucket.code
            if code is None:
                code = self.compile(source)
                bucket.code = code
                try:
                    bcc.set_bucket(bucket)
                except OSError:
                    pass  # a cache folder that cannot be written: compiled, not kept
            cls = template_class or self.template_class
            return cls.from_code(self, code, self.make_globals(globals), None)

    return CachedEnvironment


def _settings(env) -> tuple:
    return (type(env).__mro__[1].__qualname__, env.autoescape, env.finalize is not None,
            env.undefined.__qualname__, env.block_start_string, env.block_end_string,
            env.variable_start_string, env.variable_end_string, env.comment_start_string,
            env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix,
            env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
            env.optimized, sorted(env.extensions), sorted(env.filters), sorted(env.tests))
