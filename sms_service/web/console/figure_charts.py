"""Which charts the charts page and each campaign page show, built from the daily figures
(domain/figures/reading.py `read_figures`) of one campaign over a range of Nairobi days."""

from dataclasses import dataclass

from sms_service.domain.campaigns.petitions import CHANNELS
from sms_service.domain.figures.attribution import ALL
from sms_service.web.console.line_charts import Series, bar_chart, line_chart
from sms_service.web.console.statistics import CHANNEL_NAMES

USSD_KINDS = {"signature": "petition signed", "subscription": "subscribed", "quiz": "quiz started"}


@dataclass(frozen=True)
class Figures:
    """One campaign's figures over days: what the charts and the cards are made of."""

    campaign: str  # "all" or a topic code
    days: list  # dates
    found: dict  # {metric: {detail: {day: value}}}
    topic_names: dict  # topic code -> name

    def daily(self, metric, detail=""):
        values = self.found.get(metric, {}).get(detail, {})
        return tuple(values.get(day, 0) for day in self.days)

    def daily_sum(self, metric):
        by_detail = self.found.get(metric, {})
        return tuple(sum(values.get(day, 0) for values in by_detail.values()) for day in self.days)

    def total(self, metric):
        return sum(self.daily_sum(metric))

    def details(self, metric):
        return sorted(self.found.get(metric, {}))


def _ratio(part, whole, scale=100):
    return tuple(round(scale * p / w, 1) if w else None for p, w in zip(part, whole, strict=True))


def build_charts(figures):
    """The charts of `figures`, in page order: LineCharts over the days and the failures' BarChart."""
    labels = [day.isoformat() for day in figures.days]
    topics = list(figures.topic_names) if figures.campaign == ALL else [figures.campaign]
    charts = []
    if figures.campaign == ALL:
        charts.append(line_chart("New subscribers per topic", "subscribed", labels,
                                 [Series(figures.topic_names[topic], figures.daily("subscribed", topic)) for topic in topics]))
        charts.append(line_chart("Opt-outs per topic (LEAVE, or STOP for all)", "left", labels,
                                 [Series(figures.topic_names[topic], figures.daily("left", topic)) for topic in topics]
                                 + [Series("numbers that sent STOP", figures.daily("opted_out"))]))
    else:
        topic = figures.campaign
        charts.append(line_chart("New subscribers and opt-outs", "subscribers", labels,
                                 [Series("subscribed", figures.daily("subscribed", topic)),
                                  Series("left (LEAVE or STOP)", figures.daily("left", topic))]))
    channels = list(CHANNELS) + [detail for detail in figures.details("signatures") if detail not in CHANNELS]
    charts.append(line_chart("Petition signatures by channel", "signatures", labels,
                             [Series(CHANNEL_NAMES.get(channel, channel), figures.daily("signatures", channel))
                              for channel in channels]))
    sms_in, sms_out = figures.daily("sms_in"), figures.daily("sms_out")
    charts.append(line_chart("SMS in and out", "sms", labels, [Series("received", sms_in), Series("sent", sms_out)]))
    delivered, failed = figures.daily("delivered"), figures.daily_sum("failed")
    charts.append(line_chart("Delivery rate (% of SMS with a final report)", "delivery", labels,
                             [Series("delivered %", _ratio(delivered, [d + f for d, f in zip(delivered, failed, strict=True)]))],
                             unit="%"))
    failures = sorted(((reason, sum(figures.daily("failed", reason))) for reason in figures.details("failed")),
                      key=lambda row: (-row[1], row[0]))
    charts.append(bar_chart("Failures by reason", "failures", failures))
    charts.append(line_chart("Quiz attempts", "quizzes", labels,
                             [Series("started", figures.daily("quiz_started")),
                              Series("finished", figures.daily("quiz_finished"))]))
    charts.append(line_chart("Average quiz score (% right, attempts finished that day)", "quiz-score", labels,
                             [Series("% right", _ratio(figures.daily("quiz_correct"), figures.daily("quiz_questions")))],
                             unit="%"))
    charts.append(line_chart("What callers did on USSD", "ussd", labels,
                             [Series(name, figures.daily("ussd_actions", kind)) for kind, name in USSD_KINDS.items()]
                             + ([Series("sessions ended", figures.daily_sum("ussd_sessions"))]
                                if figures.campaign == ALL else [])))
    charts.append(line_chart("Spend (KES, AT's cost per message)", "spend", labels,
                             [Series("KES", tuple(round(value, 2) for value in figures.daily("spend_kes")))],
                             unit="KES"))
    return charts


def build_totals(figures):
    """[(label, figure as shown, element id)] over the whole range, for the page's cards."""
    delivered, failed = figures.total("delivered"), figures.total("failed")
    correct, questions = figures.total("quiz_correct"), figures.total("quiz_questions")
    subscribed = figures.total("subscribed") if figures.campaign == ALL else sum(figures.daily("subscribed", figures.campaign))
    return [
        ("new subscriptions", f"{int(subscribed):,}", "total-subscribed"),
        ("opt-outs (topics left)", f"{int(figures.total('left')):,}", "total-left"),
        ("petition signatures", f"{int(figures.total('signatures')):,}", "total-signatures"),
        ("SMS received / sent", f"{int(figures.total('sms_in')):,} / {int(figures.total('sms_out')):,}", "total-sms"),
        ("delivered, of SMS with a final report", f"{100 * delivered / (delivered + failed):.1f}%"
         if delivered + failed else "–", "total-delivery"),
        ("spend (KES)", f"{figures.total('spend_kes'):,.2f}", "total-spend"),
        ("average quiz score", f"{100 * correct / questions:.1f}%" if questions else "–", "total-quiz-score"),
    ]

