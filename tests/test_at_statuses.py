import pytest

from sms_service.channels.africastalking.client import parse_send_response
from sms_service.channels.africastalking.statuses import DELIVERY_STATES, SendOutcome, delivery_state, send_outcome
from tests import at_payloads

A, R, P = SendOutcome.ACCEPTED, SendOutcome.RETRYABLE, SendOutcome.PERMANENT


@pytest.mark.parametrize(
    "code, outcome",
    [(100, A), (101, A), (102, A), (401, R), (402, P), (403, P), (404, P), (405, R), (406, P),
     (407, P), (409, P), (500, R), (501, R), (502, R), (999, R)],
)
def test_every_send_status_code(code, outcome):
    assert send_outcome(code) is outcome


@pytest.mark.parametrize(
    "status, state",
    [("Sent", "sent"), ("Submitted", "sent"), ("Buffered", "sent"), ("Success", "delivered"),
     ("Rejected", "failed"), ("Failed", "failed"), ("AbsentSubscriber", "failed"), ("Expired", "failed")],
)
def test_every_delivery_report_status(status, state):
    assert DELIVERY_STATES[status] == state
    assert delivery_state(status) == state


@pytest.mark.parametrize(
    "word, state",
    [("success", "delivered"), ("SUCCESS ", "delivered"), (" Success\t", "delivered"), ("sent", "sent"),
     ("BUFFERED", "sent"), ("submitted ", "sent"), ("failed", "failed"), ("Absent Subscriber", "failed"),
     ("absent_subscriber", "failed"), ("EXPIRED", "failed"), ("rejected", "failed"),
     ("Delivered", None), ("Teleported", None), ("Succes", None), ("", None), ("Success!", None)],
)
def test_status_words_in_other_casings_and_spacings_are_the_known_word(word, state):
    assert delivery_state(word) == state


@pytest.mark.parametrize(
    "payload, code, outcome, message_id",
    [
        (at_payloads.SEND_ACCEPTED, 101, A, "ATPid_SampleTxnId123"),
        (at_payloads.SEND_FAILED_IN_200, 403, P, None),
        (at_payloads.SEND_COULD_NOT_SEND, 500, R, None),
    ],
)
def test_send_responses_are_read_per_recipient(payload, code, outcome, message_id):
    [result] = parse_send_response(payload)
    assert (result.status_code, result.outcome, result.message_id) == (code, outcome, message_id)
