"""User-facing errors with stable codes; every message says what to do next.

Codes are part of the public contract (they appear in `rejected.code` and in ingest summaries): add new ones,
never renumber.  Messages are format strings filled by `DetenteError(code, **details)`.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # Reading input (rejections: the batch goes on)
    "E101": "Document is empty after removing boilerplate and whitespace; nothing to code.",
    "E102": "Input looks binary ({detail}); give detente text, HTML, JSONL or CSV.",
    "E103": "Could not decode the input as text ({detail}); re-save it as UTF-8.",
    "E104": ("Document size {size} is over the limit of {limit} (ingest.max_chars for text, ingest.max_bytes "
             "for raw files); raise the setting or split the document."),
    "E105": "Malformed JSON at {where}: {detail}; fix or remove that line.",
    "E106": "Malformed CSV row at {where}: {detail}; each row needs a 'text' or 'html' column.",
    "E107": "Record at {where} has neither 'text' nor 'html'; add one of them.",
    "E108": "HTML at {where} holds no main text that could be extracted; check that it is an article page.",
    "E109": "Unsupported file type '{suffix}' at {where}; use .txt, .html, .htm, .jsonl, .json or .csv.",
    "E110": "Could not fetch {url}: {detail}; check the address or try again later.",
    "E111": "{url} is disallowed by the site's robots.txt; detente does not fetch it.",
    "E112": "Invalid published date '{value}' at {where}; use an ISO date such as 2015-12-16.",
    "E113": "Processing the document failed ({detail}); please report it with the document attached.",
    "E114": "Processing the document took longer than {seconds}s; raise pipeline.max_seconds_per_doc or split it.",
    # Usage errors (exit code 2)
    "E201": "Input path not found: {path}.",
    "E202": "Unknown pipeline component '{name}'; `detente pipeline` lists the available ones.",
    "E203": "Invalid setting {key}={value!r}: {detail}.",
    "E204": "Invalid date '{value}'; use an ISO date such as 2015-12-16.",
    "E205": "Unknown output format '{value}'; choose one of {choices}.",
    "E206": "No document with id '{doc_id}' in {db}; `detente documents` lists them.",
    "E207": "Cannot open the database at {path}: {detail}.",
    "E208": "Unknown gold set '{path}'; `detente eval --help` lists the readers.",
    "E210": "No process matches '{key}'; `detente processes` lists them.",
    "E211": "No merged event with id '{key}'; `detente merged` lists them.",
    "E209": "No space left on the device holding {path}; free space or use another --db. Nothing from the "
            "current batch was stored; rerun the command to resume.",
}


class DetenteError(Exception):
    """An error a user can act on; `code` is stable, `message` says what to do next."""

    def __init__(self, code: str, **details: object) -> None:
        self.code = code
        self.details = details
        template = MESSAGES[code]
        try:
            self.message = template.format(**details)
        except (KeyError, IndexError):
            self.message = template
        super().__init__(f"{code}: {self.message}")


class UsageError(DetenteError):
    """A mistake in how detente was called; the CLI exits with code 2."""
