"""Tasks of an imported plan: ids, deadline phrases, and what the schedule annex of a
document kehoach generated tells about each task (exact phrases, summary, co-owners).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..plan.timephrase import PhraseError, find_phrases, read_phrase
from .units import initials, slug

if TYPE_CHECKING:
    from .parse import Draft


def assemble(d: Draft) -> None:
    """Finish the draft: issuer, year, task ids, deadline phrases (from the sentences, or
    from the schedule annex when the document has one), co-owners."""
    data = d.data
    year = data["document"]["date"]["year"]
    issuer = data.pop("_issuer_from_annex", None)
    rows = data.pop("_schedule", [])
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
        base = f"{initials(d.units.units[part['unit']].name)}-{slug(' '.join(b['task'].split()[:4]), 30)}"
        tid, n = base, 2
        while tid in used_ids:
            tid, n = f"{base}-{n}", n + 1
        used_ids.add(tid)
        b["id"] = tid
    matched = _match_rows(rows, tasks, d) if rows else {}
    for pi, bi, _part, b in tasks:
        found = b.pop("_found")
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
                d.note(("implementation", pi, "content", bi), "không khớp được với hàng nào của phụ lục lịch trình")
        d.n_tasks += 1
        if phrases:
            b["deadline"] = phrases[0] if len(phrases) == 1 else phrases
            if any(_has_dates(p, year) for p in phrases):  # counted as `kehoach check` counts
                d.n_dated += 1
        else:
            b["ongoing"] = True
            if row is None:
                undated += 1
    if undated:
        d.note(("implementation",), f"{undated} nhiệm vụ không có cụm thời hạn trong câu được ghi là thường "
                                    "xuyên (ongoing: true); nếu có hạn, hãy bỏ dòng đó và thêm deadline")
    if not rows and tasks:
        d.comments.setdefault(("implementation",), []).append(
            "co_owners (đơn vị phối hợp) chưa được nhận ra từ văn bản: hãy bổ sung nếu cần")


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
    pieces = [p.strip() for p in with_.split(",")]
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
