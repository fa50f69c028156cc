"""Safe YAML reading that remembers where every value came from.

:func:`load` returns plain Python data plus a :class:`Positions` map from a field path
(``("tasks", 3, "deadline")``) to its line and column, so that later validation can say
``plan.yaml:41:7: tasks[3].deadline: …``. Only the safe YAML subset is accepted: Python
tags are refused, and so are oversized files and alias bombs.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import cache
from ..errors import InputError, Problem

# PyYAML is imported by the first parse (_load_yaml): a file parsed before and found in the
# disk cache needs none. LibYAML's parser (shipped in PyYAML's wheels) is ~10× faster than
# the pure-Python one and still gives line/column marks; fall back when PyYAML lacks it.
yaml = None
SafeLoader = None


def _load_yaml() -> None:
    global yaml, SafeLoader
    if yaml is None:
        import yaml as pyyaml  # on the first parse: a cached one needs no PyYAML (see above)

        yaml, SafeLoader = pyyaml, getattr(pyyaml, "CSafeLoader", pyyaml.SafeLoader)

MAX_BYTES = 2 * 1024 * 1024
MAX_NODES = 200_000
# Real plans nest about ten levels; the limit keeps every later walk (validation, the
# documents) far from Python's recursion limit, and stops a recursive alias (&a [*a]).
MAX_DEPTH = 64
# C0 controls but tab and newline, DEL, and C1: invisible in an editor, forbidden in iCalendar
# TEXT and in mail headers, and able to drive a terminal (ESC) when a value is printed.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
TOO_DEEP = (f"quá nhiều tầng lồng nhau (tối đa {MAX_DEPTH} tầng); kiểm tra các dấu '[', '{{' "
            "và thụt lề, hoặc một bí danh (alias) trỏ vào chính nó")

Path_ = tuple  # a field path: tuple of str keys and int indexes


@dataclass
class Positions:
    """Where each value (and each mapping key) stands in the source file (1-based)."""

    file: str
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def at(self, path: Path_, *, key: bool = False) -> tuple[int | None, int | None]:
        """Position of ``path``, or of its nearest ancestor that has one."""
        table = self.keys if key else self.values
        p = tuple(path)
        while True:
            if p in table:
                return table[p]
            if key and p in self.values:
                return self.values[p]
            if not p:
                return (None, None)
            p = p[:-1]

    def problem(self, path: Path_, message: str, *, key: bool = False,
                severity: str = "error") -> Problem:
        line, col = self.at(path, key=key)
        return Problem(file=self.file, line=line, col=col, field=format_path(path),
                       message=message, severity=severity)


def format_path(path: Path_) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class _Counter:
    def __init__(self) -> None:
        self.n = 0
        self.problems: list[Problem] = []  # reported together once the whole file is read


_CACHE: dict[tuple, tuple[object, Positions]] = {}


def load(path: str | Path, *, display: str | None = None) -> tuple[object, Positions]:
    """Read a YAML file safely. Raises :class:`InputError` naming file, line and what is wrong.

    The same content read twice in one process (e.g. to learn a file's ``kind`` and then to
    load it) is parsed once: callers must treat the returned data as read-only.
    """
    path = Path(path)
    name = display or str(path)
    try:
        if path.is_file() and path.stat().st_size > MAX_BYTES:  # refuse before reading it all
            raise InputError(Problem(file=name, message=(
                f"tệp quá lớn ({path.stat().st_size // 1024} KB; tối đa {MAX_BYTES // 1024} KB)")))
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(Problem(file=name, message="không tìm thấy tệp")) from None
    except IsADirectoryError:
        raise InputError(Problem(file=name, message="đây là thư mục, không phải tệp YAML")) from None
    except OSError as e:
        raise InputError(Problem(file=name, message=f"không đọc được tệp ({e.strerror})")) from None
    return _cached(raw, name)


def _parse_cached(raw: bytes, name: str) -> tuple[object, Positions]:
    """:func:`_parse_bytes`, its result kept in kehoach's disk cache by the file's bytes
    (a file that fails to parse is not kept: it is parsed, and explained, every time)."""
    disk = cache.key("yaml", name, raw, cache.source_digest(__name__))
    hit = cache.get_object("yaml", disk, tuple)
    if hit is not None and len(hit) == 2 and isinstance(hit[1], Positions):
        return hit
    result = _parse_bytes(raw, name)
    cache.put_object("yaml", disk, result)
    return result


def load_text(text: str, name: str) -> tuple[object, Positions]:
    """Like :func:`load` for text in memory (an edit not yet written), with the same size
    limit and cache."""
    return _cached(text.encode("utf-8"), name)


def _cached(raw: bytes, name: str) -> tuple[object, Positions]:
    key = (name, hashlib.sha1(raw).digest())
    if key not in _CACHE:
        if len(_CACHE) >= 32:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = _parse_cached(raw, name)
    return _CACHE[key]


def _parse_bytes(raw: bytes, name: str) -> tuple[object, Positions]:
    if len(raw) > MAX_BYTES:
        raise InputError(Problem(
            file=name,
            message=f"tệp quá lớn ({len(raw) // 1024} KB; tối đa {MAX_BYTES // 1024} KB)"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise InputError(Problem(file=name, line=line,
                                 message="tệp không phải UTF-8; hãy lưu lại với mã hóa UTF-8")) from None
    return loads(text, name)


def loads(text: str, name: str = "<yaml>") -> tuple[object, Positions]:
    """Like :func:`load` for text already in memory."""
    _load_yaml()
    pos = Positions(file=name)
    loader = SafeLoader(text)
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:  # the pure-Python composer (LibYAML stops at 1,000 levels)
            raise InputError(Problem(file=name, message=TOO_DEEP)) from None
        except yaml.reader.ReaderError as e:  # a raw control character in the file
            index = e.position
            if SafeLoader is not yaml.SafeLoader:  # LibYAML counts bytes of UTF-8
                index = len(text.encode("utf-8")[:index].decode("utf-8", "ignore"))
            line, col = _line_col(text, index)
            raise InputError(Problem(file=name, line=line, col=col,
                                     message=_control_message(e.character))) from None
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            why = _explain(e, text)
            raise InputError(Problem(
                file=name,
                line=mark.line + 1 if mark else None,
                col=mark.column + 1 if mark else None,
                message=why if why == TOO_DEEP else f"lỗi cú pháp YAML: {why}",
            )) from None
        except yaml.YAMLError as e:
            raise InputError(Problem(file=name, message=f"lỗi cú pháp YAML: {e}")) from None
        if node is None:
            return None, pos
        counter = _Counter()
        data = _convert(node, (), loader, pos, counter, 0)
        if counter.problems:
            raise InputError(counter.problems)
        return data, pos
    finally:
        loader.dispose()


_YAML_MESSAGES = (  # (English fragment from PyYAML or LibYAML, Vietnamese)
    ("mapping values are not allowed", "không được đặt dấu ':' ở đây (chuỗi có dấu ':' cần đặt trong dấu nháy)"),
    ("could not find expected ':'", "thiếu dấu ':' sau khóa"),
    ("tab character", "không được dùng ký tự Tab để thụt lề; hãy dùng dấu cách"),
    ("'\\t'", "không được dùng ký tự Tab để thụt lề; hãy dùng dấu cách"),
    ("expected <block end>", "thụt lề không khớp"),
    ("did not find expected key", "thụt lề sai hoặc thiếu khóa"),
    ("did not find expected '-' indicator", "thụt lề sai trong danh sách"),
    ("did not find expected ',' or ']'", "thiếu dấu ']' đóng danh sách"),
    ("expected ',' or ']'", "thiếu dấu ']' đóng danh sách"),
    ("did not find expected ',' or '}'", "thiếu dấu '}' đóng ánh xạ"),
    ("expected ',' or '}'", "thiếu dấu '}' đóng ánh xạ"),
    ("found undefined alias", "bí danh (alias) chưa được định nghĩa"),
    ("found unexpected end of stream", "tệp kết thúc đột ngột (thiếu dấu nháy đóng?)"),
    ("cannot start any token", "ký tự không được phép ở đầu giá trị (Tab, '@' hay '`'? hãy đặt chuỗi trong dấu nháy)"),
    ("found unknown escape character", "ký tự thoát (\\) không hợp lệ trong chuỗi đặt trong nháy kép"),
    ("expected a single document", "tệp chỉ được chứa một tài liệu YAML"),
    ("exceeded maximum nesting depth", TOO_DEEP),
    ("but found another document", "tệp chỉ được chứa một tài liệu YAML"),
)


def _vi_yaml(problem: str) -> str:
    for en, vi in _YAML_MESSAGES:
        if en in problem:
            return vi
    return problem


_KEY_AT_START = re.compile(r"\s*[^\s:#'\"\-][^\s:]*:")


def _explain(e: yaml.MarkedYAMLError, text: str) -> str:
    """The Vietnamese message, made specific from the line where the parser stopped: the two
    usual causes of LibYAML's terse messages are a key indented off its column and a quote
    inside a quoted string."""
    problem = e.problem or e.context or str(e)
    mark = e.problem_mark
    lines = text.splitlines()
    if mark is None or mark.line >= len(lines):
        return _vi_yaml(problem)
    line, col = lines[mark.line], mark.column
    if "mapping values are not allowed" in problem:
        key = _KEY_AT_START.match(line)
        if key and key.end() - 1 == col:
            return ("dòng này thụt lề không thẳng cột với các khóa cùng cấp ở dòng trên "
                    "(hãy sửa số dấu cách đầu dòng); nếu đây là nội dung có dấu ':', "
                    "hãy đặt cả chuỗi trong dấu nháy")
    if "did not find expected key" in problem or "expected <block end>" in problem:
        before = line[:col].rstrip()
        if before.endswith("'") and before.count("'") >= 2:
            return ("sau dấu nháy đóng chuỗi vẫn còn chữ: trong chuỗi đặt trong nháy đơn, dấu nháy "
                    "đơn phải viết đôi ('') — hoặc đặt cả chuỗi trong nháy kép")
        if before.endswith('"') and before.count('"') >= 2:
            return ("sau dấu nháy đóng chuỗi vẫn còn chữ: trong chuỗi đặt trong nháy kép, dấu nháy "
                    "kép phải viết \\\" — hoặc đặt cả chuỗi trong nháy đơn")
    return _vi_yaml(problem)


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def control_name(ch: str | int) -> str:
    """U+001B (ESC) and the like, for messages."""
    code = ch if isinstance(ch, int) else ord(ch)
    names = {0x1B: "ESC", 0x7F: "DEL", 0x0D: "CR", 0x00: "NUL", 0x08: "BS", 0x0C: "FF",
             0x0B: "VT", 0x9B: "CSI"}
    return f"U+{code:04X}" + (f" ({names[code]})" if code in names else "")


def _control_message(ch: str | int) -> str:
    return (f"có ký tự điều khiển {control_name(ch)}, không in ra được và không được phép trong "
            "văn bản, lịch hay thư (thường lẫn vào khi chép từ phần mềm khác); hãy xóa ký tự này")


def _check_text(value: str, node: yaml.Node, path: Path_, pos: Positions,
                counter: _Counter) -> None:
    """Note a string holding a control character, at its line (refused with the others)."""
    m = CONTROL.search(value)
    if m is None:
        return
    line, col = _mark(node)
    if node.style in (None, "") and "\n" not in value[: m.start()]:  # plain: offset is exact
        col += m.start()
    counter.problems.append(Problem(file=pos.file, line=line, col=col, field=format_path(path),
                                    message=_control_message(m.group())))


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _convert(node: yaml.Node, path: Path_, loader, pos: Positions,
             counter: _Counter, depth: int):
    if depth > MAX_DEPTH:
        line, col = _mark(node)
        raise InputError(Problem(file=pos.file, line=line, col=col, message=TOO_DEEP))
    counter.n += 1
    if counter.n > MAX_NODES:
        line, col = _mark(node)
        raise InputError(Problem(
            file=pos.file, line=line, col=col,
            message=f"tệp có quá nhiều phần tử khi mở rộng bí danh (trên {MAX_NODES:,}); "
                    "có thể là tệp độc hại (alias bomb)"))
    pos.values.setdefault(path, _mark(node))
    if isinstance(node, yaml.MappingNode):
        if node.tag not in ("tag:yaml.org,2002:map",):
            _bad_tag(node, pos)
        loader.flatten_mapping(node)
        result: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                line, col = _mark(key_node)
                raise InputError(Problem(file=pos.file, line=line, col=col, field=format_path(path),
                                         message="khóa phải là một chuỗi đơn giản"))
            # Keys are always the text as written: YAML 1.1 would turn a key "on:" or "no:"
            # into a boolean, and "2024:" into a number.
            key = key_node.value
            _check_text(key, key_node, path + (key,), pos, counter)
            if key in result:
                line, col = _mark(key_node)
                hint = (" (thiếu dấu '- ' ở đầu một mục mới của danh sách?)"
                        if path and isinstance(path[-1], int) else "")
                raise InputError(Problem(file=pos.file, line=line, col=col,
                                         field=format_path(path + (key,)),
                                         message=f"khóa '{key}' bị lặp lại{hint}"))
            pos.keys[path + (key,)] = _mark(key_node)
            result[key] = _convert(value_node, path + (key,), loader, pos, counter, depth + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        if node.tag != "tag:yaml.org,2002:seq":
            _bad_tag(node, pos)
        return [_convert(child, path + (i,), loader, pos, counter, depth + 1)
                for i, child in enumerate(node.value)]
    value = _scalar(node, loader, pos)
    if isinstance(value, str):
        _check_text(value, node, path, pos, counter)
    return value


_STR = "tag:yaml.org,2002:str"
_SAFE_SCALAR_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
}


def _scalar(node: yaml.ScalarNode, loader, pos: Positions):
    if node.tag == _STR:  # what PyYAML's constructor returns for a string, without its cost
        return node.value
    if node.tag not in _SAFE_SCALAR_TAGS:
        _bad_tag(node, pos)
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError as e:
        line, col = _mark(node)
        raise InputError(Problem(file=pos.file, line=line, col=col,
                                 message=f"giá trị không đọc được: {e}")) from None


def _bad_tag(node: yaml.Node, pos: Positions):
    line, col = _mark(node)
    raise InputError(Problem(
        file=pos.file, line=line, col=col,
        message=f"thẻ YAML '{node.tag}' không được phép (chỉ chấp nhận YAML an toàn: "
                "chuỗi, số, danh sách, ánh xạ)"))
