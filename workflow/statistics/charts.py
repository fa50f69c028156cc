"""Charts of each unit's rates against the thresholds, readable on paper.

One figure per programme, one panel per indicator (two side by side, sharing the units'
names): a bar per unit on a value axis from 0 %, its rate written on it, a dashed line per
level threshold labelled above the panel, one colour meaning ("reaches the indicator's
highest threshold or not") explained by the legend. The figure is drawn at the width it is
inserted at (:data:`WIDTH_MM`) in the document's serif font (Liberation Serif, metric twin of
Times New Roman; DejaVu Serif as fallback), so 10 pt here is 10 pt on paper.

matplotlib is imported here only, lazily: it costs about a second.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from . import vn
from .annex import indicators
from .criteria import Programme
from .evaluate import Evaluation, level_name

MAX_UNITS = 45  # beyond this a panel of 10 pt bars is taller than a page; the annexes carry the figures
WIDTH_MM = 160.0          # = report_docx.CHART_WIDTH_MM: drawn at the size it is printed
FONTS = ["Liberation Serif", "DejaVu Serif"]
SIZE = 10.0               # pt, the smallest text on the chart
DPI = 200
REACHED, MISSED, NO_DATA = "#2e6b30", "#f2b8b5", "#d9d9d9"
BAR_PITCH_MM = 5.0        # one unit's row …
MIN_PITCH_MM = 4.2        # … down to this (a 10 pt line) when the units would not fit a page
LABEL_MM = 4.4            # one line of 10 pt text
MIN_BARS_MM = 30.0        # the least height the bars of a panel take
PAGE_MM = 235.0           # the most a figure may take: the text height (257 mm) less its caption


def programme_figures(ev: Evaluation, p: Programme) -> list:
    """matplotlib Figures for programme ``p`` ([] when there is nothing to draw): one panel
    per indicator, normal-unit thresholds; one figure, or, when that would be taller than a
    page, one per row of two panels."""
    units = ev.units
    if not units or len(units) > MAX_UNITS:
        return []
    panels = []
    for ind in indicators(ev.criteria, p, dbkk=False):
        rates = []
        for u in units:
            vals = [u.unit.values.get(x) for x in (*ind.num, ind.den)]
            ok = all(v is not None for v in vals) and vals[-1]
            rates.append(Fraction(sum(vals[:-1]), vals[-1]) if ok else None)
        lines, dbkk_top = [], None
        for lv in sorted(p.levels, key=lambda x: x.level):
            for c in lv.criteria:
                _, num, den, thr = c.variant(False)
                if (num, den) == (ind.num, ind.den):
                    lines.append((thr, lv.level))
                    _, dnum, dden, dthr = c.variant(True)
                    if (dnum, dden) == (num, den):        # same rate, a ĐBKK threshold
                        dbkk_top = dthr if dbkk_top is None else max(dbkk_top, dthr)
        top = max(t for t, _ in lines)
        # a ĐBKK unit is coloured against its own threshold where the law gives it one
        tops = [dbkk_top if u.unit.dbkk and dbkk_top is not None else top for u in units]
        panels.append((ind, rates, lines, tops))
    if not any(r is not None for _, rates, _, _ in panels for r in rates):
        return []

    # matplotlib (~0.3 s to import): only when charts are drawn
    import matplotlib

    matplotlib.use("Agg")  # no display: before pyplot is imported
    # pyplot and the rest of matplotlib, loaded with it
    from matplotlib import pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.transforms import blended_transform_factory

    cols = 2 if len(panels) > 1 else 1
    n_lines = max(len({t for t, _ in lines}) for _, _, lines, _ in panels)
    title_mm = LABEL_MM * max(_title_lines(ind.title, cols) for ind, _, _, _ in panels)
    no_data = any(r is None for _, rates, _, _ in panels for r in rates)
    legend_mm = 14 if no_data else 8             # four legend entries take two lines
    fixed_mm = LABEL_MM * n_lines + title_mm + 10
    pitch = max(MIN_PITCH_MM, min(BAR_PITCH_MM, (PAGE_MM - legend_mm - 2 - fixed_mm) / len(units)))
    # a few units still get room for the axis and the threshold labels around their bars
    bars_mm = max(len(units) * pitch, MIN_BARS_MM)
    panel_mm = bars_mm + fixed_mm
    rows = (len(panels) + cols - 1) // cols
    chunks = [panels] if rows * panel_mm + legend_mm + 2 <= PAGE_MM else \
        [panels[i:i + cols] for i in range(0, len(panels), cols)]
    layout = {"cols": cols, "n_lines": n_lines, "panel_mm": panel_mm, "legend_mm": legend_mm,
              "no_data": no_data, "pitch": pitch, "bars_mm": bars_mm}
    with plt.rc_context({"font.family": FONTS, "font.size": SIZE}):
        return [_draw(p, units, chunk, layout, plt, Line2D, Patch, blended_transform_factory)
                for chunk in chunks]


def _draw(p, units, panels, layout, plt, Line2D, Patch, blended_transform_factory):
    mm = 1 / 25.4
    names = [n + (" (ĐBKK)" if u.unit.dbkk else "") for n, u in zip(_short_names([u.name for u in units]), units)]
    cols, n_lines, no_data = layout["cols"], layout["n_lines"], layout["no_data"]
    legend_mm = layout["legend_mm"]
    rows = (len(panels) + cols - 1) // cols
    height_mm = rows * layout["panel_mm"] + legend_mm + 2
    fig, axes = plt.subplots(rows, cols, figsize=(WIDTH_MM * mm, height_mm * mm), squeeze=False,
                             sharey=True)
    y = list(range(len(units)))
    for ax, (ind, rates, lines, tops) in zip(axes.flat, panels):
        colours = [NO_DATA if r is None else (REACHED if r >= t else MISSED) for r, t in zip(rates, tops)]
        values = [float(r * 100) if r is not None else 0 for r in rates]
        ax.barh(y, values, color=colours, height=0.72, edgecolor="#404040", linewidth=0.4)
        ax.set_xlim(0, 100)
        ax.set_ylim(len(units) - 0.5, -0.5)
        ax.set_xticks(range(0, 101, 20), [f"{v}%" for v in range(0, 101, 20)])
        ax.tick_params(axis="both", labelsize=SIZE, length=2, pad=2)
        ax.set_yticks(y, names)
        # each value on its bar, at the bar's foot: clear of the threshold lines near 100 %
        for k, (r, v) in enumerate(zip(rates, values)):
            label = vn.pct(r, thresholds=ind.thresholds)[:-1] if r is not None else "chưa có số liệu"
            inside = r is not None and v >= 16
            dark = inside and colours[k] == REACHED
            ax.text(1.5 if inside else v + 1, k, label, va="center", ha="left", fontsize=SIZE,
                    color="white" if dark else "black")
        # the thresholds: a dashed line each, its value above the panel, one label a line so
        # 90 %, 95 % and 98 % do not overwrite one another; the lowest nearest the bars, so a
        # higher line rises to the right of the labels below it, not through them
        above = blended_transform_factory(ax.transData, ax.transAxes)
        band = layout["bars_mm"]
        for j, t in enumerate(sorted({t for t, _ in lines})):
            x = float(t * 100)
            ax.axvline(x, color="black", linestyle=(0, (4, 2)), linewidth=0.9)
            tip = 1 + (j * LABEL_MM + 1.0) / band
            ax.plot([x, x], [1, tip], transform=above, clip_on=False, color="black",
                    linestyle=(0, (4, 2)), linewidth=0.9)
            levels = ", ".join(level_name(p, lv) for tt, lv in lines if tt == t)
            ax.text(x - 0.8 if x > 50 else x + 0.8, tip, f"{levels}: {vn.threshold(t)}", transform=above,
                    ha="right" if x > 50 else "left", va="bottom", fontsize=SIZE)
        ax.set_title(_wrap(ind.title, cols), fontsize=SIZE, pad=5 + n_lines * LABEL_MM * 72 / 25.4)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    legend = [Patch(facecolor=REACHED, edgecolor="#404040", label="Đạt ngưỡng cao nhất của chỉ tiêu"),
              Patch(facecolor=MISSED, edgecolor="#404040", label="Chưa đạt ngưỡng cao nhất")]
    if no_data:
        legend.append(Patch(facecolor=NO_DATA, edgecolor="#404040", label="Chưa có số liệu"))
    legend.append(Line2D([], [], color="black", linestyle=(0, (4, 2)), linewidth=0.9,
                         label="Ngưỡng của từng mức"))
    fig.legend(handles=legend, loc="lower center", ncol=2 if no_data else 3, fontsize=SIZE, frameon=False,
               handlelength=1.6, columnspacing=1.5)
    fig.tight_layout(rect=(0, legend_mm / height_mm, 1, 1), h_pad=0.8, w_pad=1.5)
    return fig


def programme_charts(ev: Evaluation, p: Programme, folder: Path) -> list[Path]:
    """Write programme ``p``'s charts as PNGs <id>-1.png, … in ``folder``; [] when there is
    nothing to draw."""
    # matplotlib (~0.3 s to import): only when charts are drawn
    from matplotlib import pyplot as plt

    out = []
    for i, fig in enumerate(programme_figures(ev, p), start=1):
        target = folder / f"{p.id}-{i}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(target, dpi=DPI)
        plt.close(fig)
        out.append(target)
    return out


def _short_names(names: list[str]) -> list[str]:
    """'Phường Phúc Xá' -> 'Phúc Xá' when every unit is a phường (the caption says so)."""
    kinds = {vn.kind_of(n) for n in names}
    if len(kinds) == 1 and "" not in kinds:
        k = len(kinds.pop())
        return [" ".join(n.split())[k + 1:] for n in names]
    return names


def vn_pct(t: float) -> str:
    """90.0 -> '90%', 99.5 -> '99,5%' (the decimal comma, as in the report)."""
    return f"{t:g}".replace(".", ",") + "%"


def _title_lines(text: str, cols: int) -> int:
    return _wrap(text, cols).count("\n") + 1


def _wrap(text: str, cols: int) -> str:
    width = 40 if cols == 2 else 85          # characters of 10 pt serif in a panel
    words, lines, line = text.split(), [], ""
    for w in words:
        if len(line) + len(w) + 1 > width and line:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "\n".join(lines)
