"""CSV downloads: large ones streamed row by row so that they hold no list in memory, small ones
(a few figures) written at once."""

import csv
import io

from flask import Response, stream_with_context

from sms_service.core.csv_io import safe_cell

CHUNK_BYTES = 64 * 1024


def _chunks(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        if buffer.tell() > CHUNK_BYTES:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _attachment(filename):
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def csv_response(filename, header, rows):
    return Response(stream_with_context(_chunks(header, rows)), mimetype="text/csv", headers=_attachment(filename))


def small_csv_response(filename, header, rows):
    """`csv_response` for a few rows: no stream, so no request context held open until it is read."""
    return Response("".join(_chunks(header, rows)), mimetype="text/csv", headers=_attachment(filename))
