"""Charts of each unit's rates against the thresholds (matplotlib, Agg, DejaVu Sans).

matplotlib is imported here only, lazily: it costs about a second.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from .criteria import Programme
from .evaluate import Evaluation

MAX_UNITS = 60  # beyond this a bar per unit is unreadable; the annex tables carry the figures


def programme_chart(ev: Evaluation, p: Programme, target: Path) -> Path | None:
    """Write a PNG for programme ``p``: one panel per indicator, a bar per unit, a dashed
    line per level threshold (normal units). Returns None when there is nothing to draw."""
    units = ev.units
    if not units or len(units) > MAX_UNITS:
        return None
    panels = []  # (title, rates per unit (or None), [(threshold %, level name)])
    seen = {}
    for lv in sorted(p.levels, key=lambda x: x.level):
        for c in lv.criteria:
            text, num, den, thr = c.variant(False)
            key = (num, den)
            if key not in seen:
                rates = []
                for u in units:
                    vals = [u.unit.values.get(x) for x in (*num, den)]
                    ok = all(v is not None for v in vals) and vals[-1]
                    rates.append(float(Fraction(sum(vals[:-1]), vals[-1]) * 100) if ok else None)
                seen[key] = len(panels)
                panels.append((text, rates, []))
            lines = panels[seen[key]][2]
            lines.append((float(thr * 100), lv.name))
    if not any(r is not None for _, rates, _ in panels for r in rates):
        return None

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    plt.rcParams["font.family"] = "DejaVu Sans"
    n = len(panels)
    cols = 2 if n > 1 else 1
    rows = (n + cols - 1) // cols
    height = max(1.8, 0.13 * len(units) + 0.8)
    fig, axes = plt.subplots(rows, cols, figsize=(7.2, height * rows), squeeze=False)
    names = [u.name for u in units]
    for ax, (title, rates, lines) in zip(axes.flat, panels):
        vals = [r if r is not None else 0 for r in rates]
        top = max(t for t, _ in lines)
        colors = ["#9e9e9e" if r is None else ("#2e7d32" if r >= top else "#c62828") for r in rates]
        ax.barh(range(len(units)), vals, color=colors, height=0.7)
        low = min([t for t, _ in lines] + [r for r in rates if r is not None])
        ax.set_xlim(max(0, low - 5), 100.5)
        for t, _ in lines:
            ax.axvline(t, color="#1f3a93", linestyle="--", linewidth=0.9)
        # thresholds as ticks above the panel: labels inside the bars were unreadable
        top_axis = ax.secondary_xaxis("top")
        ticks = sorted({t for t, _ in lines})
        top_axis.set_xticks(ticks, [vn_pct(t) for t in ticks])
        top_axis.tick_params(labelsize=6, colors="#1f3a93", length=2, pad=1)
        ax.set_yticks(range(len(units)), names, fontsize=6)
        ax.invert_yaxis()
        legend = "; ".join(f"{name} {vn_pct(t)}" for t, name in lines)
        ax.set_title(_wrap(title[:1].upper() + title[1:]) + f"\n(ngưỡng: {legend})", fontsize=7)
        ax.tick_params(axis="x", labelsize=6)
        ax.xaxis.set_major_formatter(lambda v, _pos: vn_pct(v))
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.suptitle(f"{p.short}: tỷ lệ từng đơn vị so với ngưỡng (đường đứt nét; xanh: đạt ngưỡng cao nhất, "
                 "đỏ: chưa đạt, xám: chưa có số liệu)", fontsize=8)
    fig.tight_layout()
    target.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(target, dpi=150)
    plt.close(fig)
    return target


def vn_pct(t: float) -> str:
    """90.0 -> '90%', 99.5 -> '99,5%' (the decimal comma, as in the report)."""
    return f"{t:g}".replace(".", ",") + "%"


def _wrap(text: str, width: int = 48) -> str:
    words, lines, line = text.split(), [], ""
    for w in words:
        if len(line) + len(w) + 1 > width and line:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "\n".join(lines)
