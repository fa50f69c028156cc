"""Tasks of an imported plan: ids, deadline phrases (from the sentence, or from the time
a table cell or a "Thời gian: …" line gives), co-owners (a "phối hợp" column or line, or
"phối hợp với …" in the sentence), and what the schedule annex of a document kehoach
generated tells about each task (exact phrases, summary, co-owners).
"""

from __future__ import annotations

import re

from ..plan.timephrase import PhraseError, find_phrases, read_phrase
from .draft import ANNEX_LAYOUT, SAMPLE_LAYOUT, Draft
from .units import co_owner_names, initials, slug


def assemble(d: Draft) -> None:
    """Finish the draft: issuer, year, task ids, deadline phrases (from the sentences, or
    from the schedule annex when the document has one), co-owners."""
    data = d.data
    year = data["document"]["date"]["year"]
    issuer = data.pop("_issuer_from_annex", None)
    annex = data.pop("_schedule", [])
    rows = [[r.time, r.content, r.owner, r.co] for r in annex]
    if issuer:
        data["document"]["issuer_name"] = issuer
    if not data["document"].get("issuing_body"):
        guess = issuer or _issuer_from_intro(data.get("intro", []))
        if guess:
            data["document"]["issuing_body"] = guess.upper()
            data["document"].setdefault("issuer_name", guess)
            d.note(("document", "issuing_body"),
                   f"văn bản không ghi cơ quan ban hành ở phần đầu: đoán từ câu \"{guess} ban hành …\"")
        else:
            data["document"]["issuing_body"] = "(CƠ QUAN BAN HÀNH)"
            d.note(("document", "issuing_body"), "không thấy cơ quan ban hành: hãy điền")
    data["year"] = year
    tasks = []
    for pi, part in enumerate(data["implementation"]):
        for bi, b in enumerate(part["content"]):
            if "task" in b:
                tasks.append((pi, bi, part, b))
    used_ids: set[str] = set()
    undated = 0
    for pi, bi, part, b in tasks:
        if "_when" in b:
            b["_found"] = _given_phrases(b.pop("_when"), year, ("implementation", pi, "content", bi), d)
            _task_id(b, part, d, used_ids)
            continue
        phrases, dropped = [], []
        spans = find_phrases(b["task"])
        for (_, b1, p1), (a2, _, p2) in zip(spans, spans[1:]):
            if b["task"][b1:a2].strip(" -–") == "" and (p2.startswith("đến") or b["task"][b1:a2].strip()):
                d.note(("implementation", pi, "content", bi),
                       f"\"{' '.join(p1.split())}\" và \"{' '.join(p2.split())}\" có lẽ là một khoảng thời gian: "
                       "chương trình đọc thành hai thời hạn; nếu đúng là một khoảng, hãy viết "
                       "\"từ … đến …\" trong nội dung và deadline")
        for _, _, ph in spans:
            ph = " ".join(ph.split())
            try:
                read_phrase(ph, year=year)
            except PhraseError:
                dropped.append(ph)
                continue
            if ph not in phrases:
                phrases.append(ph)
        b["_found"] = phrases
        for ph in dropped:
            d.note(("implementation", pi, "content", bi), f"cụm \"{ph}\" không đọc được thành ngày: chưa ghi vào deadline")
        _task_id(b, part, d, used_ids)
    matched = _match_rows(rows, tasks, d) if rows else {}
    if rows:
        d.layout(ANNEX_LAYOUT).tasks = len(matched)
        hit = {id(r) for r in matched.values()}
        for r, row in zip(annex, rows):
            if id(row) not in hit:
                d.note(("implementation",), f"{r.ref}: hàng của phụ lục lịch trình không khớp nhiệm vụ nào trong "
                                            "văn bản; giữ lại dưới đây")
                d.keep(("implementation",), " | ".join(x for x in row if x))
    any_co = False
    for pi, bi, _part, b in tasks:
        found = b.pop("_found")
        layout = b.pop("_layout", SAMPLE_LAYOUT)
        co_text = b.pop("_co", None)
        path = ("implementation", pi, "content", bi)
        row = matched.get((pi, bi))
        if row is not None:
            when, what, _owner, with_ = (row + ["", "", "", ""])[:4]
            phrases = [] if when == "Thường xuyên" else [_recase(p, b["task"]) for p in when.split("; ") if p]
            if what:
                b["summary"] = what
            co = _co_owner_ids(with_, d)
            if co:
                b["co_owners"] = co
        else:
            phrases = found
            if rows:
                d.note(path, "không khớp được với hàng nào của phụ lục lịch trình")
            co = _co_ids(co_text, d) if co_text else _co_from_sentence(b["task"], path, d)
            if co:
                b["co_owners"] = co
        any_co = any_co or bool(b.get("co_owners"))
        d.n_tasks += 1
        lay = d.layout(layout)
        lay.tasks += 1
        if phrases:
            b["deadline"] = phrases[0] if len(phrases) == 1 else phrases
            if any(_has_dates(p, year) for p in phrases):  # counted as `kehoach check` counts
                d.n_dated += 1
                lay.dated += 1
        else:
            b["ongoing"] = True
            if row is None:
                undated += 1
    if undated:
        d.note(("implementation",), f"{undated} nhiệm vụ không có cụm thời hạn trong câu được ghi là thường "
                                    "xuyên (ongoing: true); nếu có hạn, hãy bỏ dòng đó và thêm deadline")
    if not rows and tasks and not any_co:
        d.comments.setdefault(("implementation",), []).append(
            "co_owners (đơn vị phối hợp) chưa được nhận ra từ văn bản: hãy bổ sung nếu cần")


def _task_id(b: dict, part: dict, d: Draft, used: set[str]) -> None:
    base = f"{initials(d.units.units[part['unit']].name)}-{slug(' '.join(b['task'].split()[:4]), 30)}"
    tid, n = base, 2
    while tid in used:
        tid, n = f"{base}-{n}", n + 1
    used.add(tid)
    b["id"] = tid


def _given_phrases(values: list[str], year: int, path: tuple, d: Draft) -> list[str]:
    """Deadline phrases from a time given apart from the sentence (a table's time cell, a
    "Thời gian: …" line): the whole text when it reads, else the phrases found in it; what
    does not read is said in a comment. "Thường xuyên" gives none (an ongoing task)."""
    out: list[str] = []
    for value in values:
        value = " ".join(value.split())
        try:
            reading = read_phrase(value, year=year)
        except PhraseError:
            found = [" ".join(ph.split()) for _, _, ph in find_phrases(value)]
            found = [ph for ph in found if _readable(ph, year)]
            if found:
                d.note(path, f"thời gian \"{value}\": chỉ đọc được {', '.join(repr(f) for f in found)}; kiểm tra")
            else:
                d.note(path, f"thời gian \"{value}\" không đọc được thành ngày: chưa ghi vào deadline")
            out += [_lower_first(ph) for ph in found if _lower_first(ph) not in out]
            continue
        if reading.ongoing and not reading.periods and not reading.recurrence:
            continue
        if _lower_first(value) not in out:
            out.append(_lower_first(value))
    return out


def _readable(phrase: str, year: int) -> bool:
    try:
        read_phrase(phrase, year=year)
    except PhraseError:
        return False
    return True


def _lower_first(phrase: str) -> str:
    """'Tháng 3/2024' (a table cell starts with a capital) as it reads inside a sentence;
    'Quý II/2024' keeps its capital."""
    if phrase[:3] in ("Quý", "QUÝ") or phrase[:2].isupper():
        return phrase
    return phrase[:1].lower() + phrase[1:]


_WITH = re.compile(r"\bphối hợp(?: chặt chẽ)? với\s+(?P<who>[^.;()]+)", re.I)


def _co_ids(text: str, d: Draft) -> list[str]:
    """Units of a "phối hợp" cell or line (met before, in the directory, or new)."""
    out = []
    for name in co_owner_names(text, d.units):
        uid = d.units.find(name) or d.units.add(name).uid
        if uid not in out:
            out.append(uid)
    return out


def _co_from_sentence(text: str, path: tuple, d: Draft) -> list[str]:
    """Co-owners a sentence names: "… phối hợp với Phòng Y tế, UBND các phường tổ chức …";
    marked for checking, since where a name ends is guessed."""
    m = _WITH.search(text)
    if not m:
        return []
    names = co_owner_names(m.group("who"), d.units, prose=True)
    if not names:
        return []
    out = []
    for name in names:
        uid = d.units.find(name) or d.units.add(name).uid
        if uid not in out:
            out.append(uid)
    d.note(path + ("co_owners",), f"đơn vị phối hợp đọc từ câu \"{m.group(0).strip()}\": kiểm tra")
    return out


def _has_dates(phrase: str, year: int) -> bool:
    """The phrase names days ("tháng 2/2024"), not only a rhythm ("1-2 lần/quý")."""
    try:
        return bool(read_phrase(phrase, year=year).periods)
    except PhraseError:
        return False


def _issuer_from_intro(intro: list[str]) -> str | None:
    for p in intro:
        m = re.match(r"^(.{5,120}?) ban hành ", p)
        if m:
            name = re.sub(r"\s*\([^)]*\)", "", m.group(1))
            return " ".join(name.split())
    return None


def _recase(phrase: str, text: str) -> str:
    """'Tháng 2/2024' (capitalised in the annex) back to how the task text writes it."""
    low = phrase[:1].lower() + phrase[1:]
    norm = " ".join(text.split())
    if phrase in norm:
        return phrase
    if low in norm:
        return low
    return low


def _match_rows(rows: list[list[str]], tasks, d: Draft) -> dict:
    """Assign each schedule row to the task it was printed from (same owner; its phrases in the
    task text). Dated rows first, then "Thường xuyên" rows to the tasks left, in order."""
    label_of: dict[str, str] = {}
    by_owner: dict[str, list] = {}
    for pi, bi, part, b in tasks:
        by_owner.setdefault(part["unit"], []).append((pi, bi, b))
    owners_in_order = list(dict.fromkeys(part["unit"] for _, _, part, _ in tasks))
    # owner label (short name) -> unit id: the first row whose phrases fit a unit's task
    matched: dict[tuple, list[str]] = {}
    taken: set[tuple] = set()

    def fits(row, b) -> bool:
        when = row[0]
        if when == "Thường xuyên":
            return True
        text = " ".join(b["task"].split()).lower()
        return all(p.lower() in text for p in when.split("; ") if p)

    def owner_for(label: str):
        if label in label_of:
            return [label_of[label]]
        uid = d.units.find(label)
        return [uid] if uid else owners_in_order

    for dated in (True, False):
        for row in rows:
            if (row[0] != "Thường xuyên") != dated or id(row) in {id(r) for r in matched.values()}:
                continue
            best = None
            for uid in owner_for(row[2] if len(row) > 2 else ""):
                cands = [(pi, bi, b) for pi, bi, b in by_owner.get(uid, []) if (pi, bi) not in taken and fits(row, b)]
                if not dated:
                    cands.sort(key=lambda c: (c[0], c[1]))  # the annex keeps document order
                else:
                    n = len([p for p in row[0].split("; ") if p])
                    cands.sort(key=lambda c: (abs(len(c[2]["_found"]) - n), c[0], c[1]))
                if cands:
                    best = (uid, cands[0])
                    break
            if best is None:
                continue
            uid, (pi, bi, b) = best
            taken.add((pi, bi))
            matched[(pi, bi)] = row
            label = row[2] if len(row) > 2 else ""
            if label and label not in label_of:
                label_of[label] = uid
                unit = d.units.units[uid]
                if label != unit.name:
                    unit.short = label
    return matched


def _co_owner_ids(with_: str, d: Draft) -> list[str]:
    """'Trường MN, TH, Trường THCS' -> ids, joining pieces back into known labels first."""
    if not with_.strip():
        return []
    known = {}
    for uid, u in d.units.units.items():
        known[u.name] = uid
        if u.short:
            known[u.short] = uid
    pieces = [p.strip() for p in re.split(r"[,;]", with_) if p.strip()]
    out, i = [], 0
    while i < len(pieces):
        hit = None
        for j in range(len(pieces), i, -1):
            cand = ", ".join(pieces[i:j])
            if cand in known:
                hit = (j, known[cand])
                break
        if hit:
            i, uid = hit
        else:
            u = d.units.add(pieces[i])
            u.short = pieces[i]
            if not any("chỉ có tên ngắn" in c for c in u.comments):
                u.comments.append("đơn vị phối hợp chỉ có tên ngắn trong phụ lục: kiểm tra tên đầy đủ")
            uid = u.uid
            i += 1
        if uid not in out:
            out.append(uid)
    return out
