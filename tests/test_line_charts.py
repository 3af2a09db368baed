"""The SVG line and bar chart geometry (web/console/line_charts.py): scales, points and labels, table-driven."""

import pytest

from sms_service.web.console.line_charts import HEIGHT, LEFT, RIGHT, TOP, WIDTH, Series, bar_chart, format_number, line_chart, nice_ceiling

BOTTOM_Y = HEIGHT - 30  # the plot's bottom: value 0


@pytest.mark.parametrize(("value", "ceiling"), [(0, 1), (1, 1), (3, 4), (5, 5), (7, 10), (12, 20), (21, 25), (0.8, 1),
                                                (250, 250), (251, 400), (401, 500), (1_000_001, 2_000_000)])
def test_the_scale_ends_at_a_round_number(value, ceiling):
    assert nice_ceiling(value) == ceiling


@pytest.mark.parametrize(("value", "shown"), [(12345, "12,345"), (3.0, "3"), (0.8, "0.8"), (12.3456, "12.35"), (None, "–")])
def test_numbers_are_shown_as_people_read_them(value, shown):
    assert format_number(value) == shown


def test_a_line_has_a_point_per_value_that_exists_scaled_to_the_plot():
    chart = line_chart("SMS", "sms", ["2026-12-01", "2026-12-02", "2026-12-03"],
                       [Series("in", (0, 4, None)), Series("out", (2, 1, 3))])
    line_in, line_out = chart.lines
    assert [(x, y, value) for x, y, value, _ in line_in.points] == [(LEFT, BOTTOM_Y, 0), ((LEFT + WIDTH - RIGHT) / 2, TOP, 4)]
    assert [label for *_, label in line_out.points] == ["2026-12-01", "2026-12-02", "2026-12-03"]
    assert line_out.points[2][:2] == (WIDTH - RIGHT, round(TOP + (BOTTOM_Y - TOP) * (1 - 3 / 4), 1))
    assert (line_in.css, line_out.css) == ("series-0", "series-1")
    assert line_in.path == f"{LEFT},{BOTTOM_Y} {(LEFT + WIDTH - RIGHT) / 2:g},{TOP}"
    assert [tick.text for tick in chart.y_ticks] == ["0", "1", "2", "3", "4"]  # counts: whole steps
    assert [tick.text for tick in line_chart("KES", "spend", ["d"], [Series("KES", (17.5,))]).y_ticks] == \
        ["0", "5", "10", "15", "20"]
    assert chart.rows() == [("2026-12-01", 0, 2), ("2026-12-02", 4, 1), ("2026-12-03", None, 3)]


@pytest.mark.parametrize(("top", "ticks"), [(1, 5), (4, 4), (5, 5), (10, 5), (20, 4), (25, 5), (50, 5), (200, 4)])
def test_each_step_of_the_value_axis_is_round(top, ticks):
    from sms_service.web.console.line_charts import tick_count
    assert tick_count(top) == ticks


def test_a_bar_is_as_long_as_its_share_of_the_scale():
    chart = bar_chart("Failures", "failures", [("AbsentSubscriber", 10), ("UserInBlackList", 5)])
    assert [bar.width for bar in chart.bars] == [pytest.approx(chart.bars[0].width), pytest.approx(chart.bars[0].width / 2)]
    assert chart.rows() == [("AbsentSubscriber", 10), ("UserInBlackList", 5)]
    assert bar_chart("Failures", "failures", []).empty
