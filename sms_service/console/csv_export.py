"""CSV downloads, streamed row by row so that a large export holds no list in memory."""

import csv
import io

from flask import Response, stream_with_context

from sms_service.csv_cells import safe_cell


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
