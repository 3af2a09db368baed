"""Charts drawn on the server as SVG: the geometry here, the markup in
templates/console/chart_macros.html, for every console page that draws one (the charts and
campaign pages, the USSD journeys page). No script, no inline style, nothing fetched (the console's
Content-Security-Policy), so they work offline, at 390 px (the SVG scales to its box) and in print.

Every chart keeps its figures: the page shows them as a table beside it, and a CSV of them.

    chart = line_chart("SMS in and out", ["2026-12-01", "2026-12-02"],
                       [Series("in", (3, 5)), Series("out", (4, None))])
    chart.lines[0].points  # [(x, y, value, label), ...] in SVG units; None values are left out
"""

import math
from dataclasses import dataclass, field

WIDTH, HEIGHT = 640, 240  # SVG units (the viewBox): the chart is drawn to fit its box's width
LEFT, RIGHT, TOP, BOTTOM = 52, 28, 12, 30  # room for the axis labels
X_LABELS = 6  # at most this many dates under the axis
Y_TICKS = 4  # a count's axis goes at least this high: no step of a quarter message
BAR_HEIGHT, BAR_GAP, BAR_LABEL = 22, 8, 200  # a bar chart's rows, and the room for their names
SERIES_CLASSES = 8  # CSS classes series-0 .. series-7 (console.css), then round again


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple  # one per label; None where there is no figure


@dataclass(frozen=True)
class Line:
    name: str
    css: str  # series-N: its colour and dash pattern
    points: list  # [(x, y, value, label)] of the values that exist
    path: str  # the SVG polyline's points ("x,y x,y ...")


@dataclass(frozen=True)
class Tick:
    position: float  # x or y in SVG units
    text: str


@dataclass(frozen=True)
class LineChart:
    title: str
    slug: str  # names its table and CSV
    labels: tuple  # x: one per value of each series (Nairobi dates)
    series: tuple  # Series
    unit: str = ""
    width: int = WIDTH
    height: int = HEIGHT
    lines: list = field(default_factory=list)
    x_ticks: list = field(default_factory=list)
    y_ticks: list = field(default_factory=list)
    kind: str = "line"
    plot_left: int = LEFT  # where the gridlines start and end
    plot_right: int = WIDTH - RIGHT

    @property
    def empty(self):
        return all(value is None for series in self.series for value in series.values)

    def rows(self):
        """The table behind the chart: (label, value of each series) per label."""
        return [(label, *(series.values[index] for series in self.series)) for index, label in enumerate(self.labels)]


@dataclass(frozen=True)
class Bar:
    name: str
    value: float
    y: float
    width: float


@dataclass(frozen=True)
class BarChart:
    title: str
    slug: str
    bars: list  # Bar
    unit: str = ""
    width: int = WIDTH
    height: int = 0
    label_width: int = BAR_LABEL
    bar_height: int = BAR_HEIGHT
    kind: str = "bar"

    @property
    def empty(self):
        return not self.bars

    def rows(self):
        return [(bar.name, bar.value) for bar in self.bars]


def nice_ceiling(value):
    """The smallest of 1, 2, 2.5, 4, 5 times a power of ten that is at least `value` (1 for 0)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 4, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # not reached


def tick_count(top):
    """How many steps the value axis up to `top` (a `nice_ceiling`, or Y_TICKS) is cut into, so
    that each step is round: 10 in 5 steps of 2, 20 in 4 of 5, 25 in 5 of 5, 50 in 5 of 10."""
    mantissa = top / 10 ** math.floor(math.log10(top))
    return 4 if mantissa in (2, 4) else 5


def format_number(value):
    """12345 -> '12,345'; 0.8 -> '0.8'; 12.3456 -> '12.35'; None -> '–'."""
    if value is None:
        return "–"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def line_chart(title, slug, labels, series, unit=""):
    """A LineChart of `series` (Series, each with one value per label) over `labels`."""
    labels, series = tuple(labels), tuple(series)
    values = [value for one in series for value in one.values if value is not None]
    top = nice_ceiling(max(values, default=0))
    if all(float(value).is_integer() for value in values):
        top = max(top, Y_TICKS)  # counts: no tick at 0.25 of a message
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_width / max(1, len(labels) - 1)

    def x(index):
        return round(LEFT + (index * step if len(labels) > 1 else plot_width / 2), 1)

    def y(value):
        return round(TOP + plot_height * (1 - value / top), 1)

    lines = []
    for number, one in enumerate(series):
        points = [(x(index), y(value), value, labels[index]) for index, value in enumerate(one.values) if value is not None]
        lines.append(Line(one.name, f"series-{number % SERIES_CLASSES}", points,
                          " ".join(f"{px:g},{py:g}" for px, py, _, _ in points)))
    every = max(1, math.ceil(len(labels) / X_LABELS))
    x_ticks = [Tick(x(index), label[5:] if len(label) == 10 else label)
               for index, label in enumerate(labels) if index % every == 0]
    ticks = tick_count(top)
    y_ticks = [Tick(y(top * share / ticks), format_number(top * share / ticks)) for share in range(ticks + 1)]
    return LineChart(title, slug, labels, series, unit, lines=lines, x_ticks=x_ticks, y_ticks=y_ticks)


def bar_chart(title, slug, rows, unit=""):
    """A horizontal BarChart of `rows` ([(name, value)]), in the order given."""
    top = nice_ceiling(max((value for _, value in rows), default=0))
    room = WIDTH - BAR_LABEL - RIGHT - 60  # and the value after the bar
    bars = [Bar(name, value, TOP + index * (BAR_HEIGHT + BAR_GAP), round(room * value / top, 1))
            for index, (name, value) in enumerate(rows)]
    height = TOP * 2 + max(1, len(bars)) * (BAR_HEIGHT + BAR_GAP)
    return BarChart(title, slug, bars, unit, height=height)
