"""CSV downloads, streamed row by row so that a large export holds no list in memory."""

import csv
import io

from flask import Response, stream_with_context

FORMULA_STARTS = ("=", "@", "+", "-", "\t", "\r")


def safe_cell(value):
    """A cell a spreadsheet will not run as a formula: names and texts come from the public.
    Phone numbers (+254...) and negative numbers stay as they are."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not text[1:].replace(".", "").isdigit():
        return "'" + text
    return text


def csv_response(filename, header, rows):
    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        for row in rows:
            writer.writerow([safe_cell(value) for value in row])
            if buffer.tell() > 64 * 1024:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return Response(stream_with_context(generate()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
