"""A printable worksheet: the questions of a class seed on the first pages, the answer key
(answer, hint and worked solution) after a page break. One self-contained HTML page, for a
browser's Print; every piece of text is escaped (a table's title and layer names are user
text)."""

from __future__ import annotations

from html import escape

from costmodel.teaching.exercises import Exercise, Worksheet, answer_text

_STYLE = """
body { font: 11pt/1.45 Georgia, 'Times New Roman', serif; color: #000; max-width: 46em;
       margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.35em; margin-bottom: 0.2em; }
h2 { font-size: 1.15em; margin-top: 1.5em; }
.meta { color: #333; margin-top: 0; }
.name { margin: 1.2em 0; }
ol.questions > li, ol.key > li { margin: 0 0 1.1em; break-inside: avoid;
                                 page-break-inside: avoid; }
ol.choices { list-style-type: lower-alpha; margin: 0.3em 0; }
.answer-line { margin-top: 0.5em; }
.level { color: #555; font-size: 0.9em; }
.key { border-top: 2px dashed #888; margin-top: 3em; padding-top: 1em; }
@media print {
  body { margin: 0; max-width: none; }
  .key { border-top: none; margin-top: 0; padding-top: 0; break-before: page;
         page-break-before: always; }
}
"""


def _question(exercise: Exercise) -> str:
    parts = [f"<p>{escape(exercise.question)} <span class=\"level\">"
             f"({escape(exercise.level.value)})</span></p>"]
    if exercise.choices:
        parts.append("<ol class=\"choices\">" + "".join(
            f"<li>{escape(choice)}</li>" for choice in exercise.choices) + "</ol>")
    unit = "" if exercise.choices or exercise.unit == "×" else f" {escape(exercise.unit)}"
    parts.append(f"<p class=\"answer-line\">Answer: ______________________{unit}</p>")
    return "<li>" + "".join(parts) + "</li>"


def _key(exercise: Exercise) -> str:
    within = (f" (accepted within ±{100 * exercise.tolerance:g} %)"
              if not isinstance(exercise.answer, str) and exercise.tolerance else "")
    return (f"<li><p><strong>{escape(answer_text(exercise))}</strong>{escape(within)}</p>"
            f"<p><em>Hint.</em> {escape(exercise.hint)}</p>"
            f"<p><em>Worked solution.</em> {escape(exercise.solution)}</p></li>")


def worksheet_html(sheet: Worksheet) -> str:
    """``sheet`` as a print-ready HTML page: the questions with space for the answers, then,
    on a new printed page, the answer key with each hint and worked solution."""
    settings = (f"class seed {sheet.class_seed} · level "
                f"{sheet.level.value if sheet.level else 'any'} · kind "
                f"{sheet.kind.value.replace('_', ' ') if sheet.kind else 'any'} · "
                f"{len(sheet.exercises)} question{'s' if len(sheet.exercises) != 1 else ''}")
    note = ("Question i is question i of this class seed in the dashboard's Exercises view "
            "with the same network and settings.")
    questions = "".join(_question(e) for e in sheet.exercises)
    key = "".join(_key(e) for e in sheet.exercises)
    title = f"Exercises: {sheet.configuration}"
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<section class=\"sheet\"><h1>{escape(title)}</h1>"
        f"<p class=\"meta\">{escape(settings)}. {escape(note)}</p>"
        "<p class=\"name\">Name: ________________________________</p>"
        f"<h2>Questions</h2><ol class=\"questions\">{questions}</ol></section>"
        f"<section class=\"key\"><h2>Answer key</h2>"
        f"<p class=\"meta\">{escape(title)}; {escape(settings)}.</p>"
        f"<ol class=\"key\">{key}</ol></section>"
        "</body></html>\n")


__all__ = ["worksheet_html"]
