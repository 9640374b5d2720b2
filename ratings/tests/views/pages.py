"""What the view tests read from a response, and the URLs they visit."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

LIST = reverse("ratings:evaluation-list")
PAIRINGS = reverse("ratings:pairing-list")


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body(response).decode("utf-8"))))


def evaluation_urls(evaluation) -> list[str]:
    """The evaluation's page, then every URL that writes to it."""
    pk = evaluation.pk
    return [
        reverse("ratings:evaluation-detail", args=[pk]),
        reverse("ratings:evaluation-scores", args=[pk]),
        *[
            reverse("ratings:evaluation-transition", args=[pk, a])
            for a in ("submit", "return", "approve", "send_to_province", "certify", "not_certify")
        ],
    ]
