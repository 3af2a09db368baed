"""Slow clients cannot stall USSD (issue 14). The attack: four sockets sending a `POST /ussd` body
slowly stopped all web traffic for about 30 s, as sync workers wait on the body. Here 50 such
sockets hold connections to the web process the Procfile starts (its worker count unchanged),
and a whole USSD journey, database write included, is answered hop by hop within 2 s. It runs on
SQLite (with the writer lock held by another process for a moment) and on PostgreSQL (psycopg)."""

import socket
import threading
import time

import requests
from sqlalchemy import select

from sms_service.core.database import Database
from sms_service.core.models import PetitionSignature
from sms_service.web.buffering_worker import request_is_whole
from tests.test_procfile import TOKEN, web  # noqa: F401 (the Procfile's web process, a fixture)

SLOW_CLIENTS = 50
HOP_SECONDS = 2
# A number of its own: the Procfile tests share this database, and a number signs once.
FORM = {"sessionId": "slow-1", "serviceCode": "*384*123#", "phoneNumber": "0712000777"}
STARTED_BODY = (b"POST /ussd?token=" + TOKEN.encode() + b" HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: 400\r\n\r\nsessionId=slow")


def _slow_clients(url, count):
    host, port = url.rsplit("/", 1)[-1].split(":")
    sockets = []
    for _ in range(count):
        client = socket.create_connection((host, int(port)), timeout=5)
        client.sendall(STARTED_BODY)  # and never the rest of its 400 bytes
        sockets.append(client)
    return sockets


def _hop(url, text):
    started = time.monotonic()
    answer = requests.post(url + f"/ussd?token={TOKEN}", data={**FORM, "text": text}, timeout=10)
    return answer, time.monotonic() - started


def test_a_ussd_journey_is_answered_while_50_slow_clients_hold_connections(web, migrated_database_url):  # noqa: F811
    held = _slow_clients(web, SLOW_CLIENTS)
    database = Database(migrated_database_url)
    try:
        hops = []
        for text in ("", "4", "4*Wanjiku Kamau", "4*Wanjiku Kamau*Nyeri"):
            hops.append(_hop(web, text))
        holder = None
        if database.engine.dialect.name == "sqlite":
            # Another process holds SQLite's write lock for a moment, as a worker recording a batch
            # does: the hop that writes waits its turn in its own thread, and is answered in time.
            locked = threading.Event()

            def hold_the_write_lock():
                with database.write_transaction() as session:
                    session.execute(select(1))  # BEGIN IMMEDIATE happens here
                    locked.set()
                    time.sleep(0.8)

            holder = threading.Thread(target=hold_the_write_lock)
            holder.start()
            locked.wait(5)
        hops.append(_hop(web, "4*Wanjiku Kamau*Nyeri*1"))
        if holder is not None:
            holder.join()
        for answer, seconds in hops:
            assert answer.status_code == 200 and seconds < HOP_SECONDS, (answer.text, seconds)
        assert hops[1][0].text.startswith("CON") and "Type your full name" in hops[1][0].text
        assert "Thank you" in hops[-1][0].text
        with database.transaction() as session:
            assert "Wanjiku Kamau" in session.scalars(select(PetitionSignature.full_name)).all()
    finally:
        for client in held:
            client.close()
        database.dispose()


def test_a_body_sent_slowly_is_still_answered_in_full(web):  # noqa: F811
    body = b"sessionId=slow-2&serviceCode=%2A384%2A123%23&phoneNumber=0712345678&text="
    host, port = web.rsplit("/", 1)[-1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as client:
        client.sendall(b"POST /ussd?token=" + TOKEN.encode() + b" HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                       b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body))
        for index in range(0, len(body), 8):
            client.sendall(body[index:index + 8])
            time.sleep(0.05)
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200") and b"CON Haki Yetu" in answer


def test_what_counts_as_a_whole_request():
    head = b"POST /ussd?token=" + TOKEN.encode() + b" HTTP/1.1\r\nContent-Length: 5\r\n\r\n"
    assert not request_is_whole(b"POST /ussd?token=" + TOKEN.encode() + b" HTTP/1.1\r\nContent-Le")
    assert not request_is_whole(head + b"abcd")
    assert request_is_whole(head + b"abcde")
    assert request_is_whole(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert request_is_whole(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
