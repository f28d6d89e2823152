"""Reading a written award application (seed 004's text) into answers per question, as written.

The text is a PDF extraction: every line is followed by an empty line, a line holding only
whitespace ends a paragraph, and headings run over several lines until such a line. Area
headings are upper case ("2. BRUKARE/KUNDER"); question headings start with their number
("3.3. Beskriv hur ..."). Headings are recognised only as the next one expected by the rubric,
so numbered lists inside answers ("1. Samtliga chefer ...") and sub-headings ("1.5.1
MÖTESSTRUKTUR") stay in the text. Answers keep their words and line breaks; only the
extraction's doubled empty lines and trailing blanks go.
"""

import re
from dataclasses import dataclass, field

AREA_HEADING = re.compile(r"^\s*(\d{1,2})\.\s+([A-ZÅÄÖ][A-ZÅÄÖ /\-]+?)\s*$")
QUESTION_HEADING = re.compile(r"^\s*(\d{1,2}\.\d{1,2})(?![.]?\d)\.?\s*[.]?\s*(\S.*?)\s*$")


@dataclass
class WrittenApplication:
    answers: dict[str, str] = field(default_factory=dict)  # question number → answer
    introductions: dict[str, str] = field(default_factory=dict)  # area number → text before its first question
    headings: dict[str, str] = field(default_factory=dict)  # question number → the question as printed


def _normalise(lines: list[str]) -> str:
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if line == "":
            continue  # the extraction's empty line after every line
        if not line.strip():
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        paragraphs[-1].append(line.strip())
    return "\n\n".join("\n".join(paragraph) for paragraph in paragraphs if paragraph)


def parse(text: str, *, question_numbers: list[str]) -> WrittenApplication:
    """Split ``text`` into the answers of ``question_numbers`` (in rubric order)."""
    result = WrittenApplication()
    expected_questions = list(question_numbers)
    expected_areas = sorted({number.split(".")[0] for number in question_numbers}, key=int)
    lines = text.splitlines()
    target: tuple[str, str] | None = None  # ("answer" | "introduction", number)
    collected: dict[tuple[str, str], list[str]] = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        area = AREA_HEADING.match(line)
        question = QUESTION_HEADING.match(line)
        if area and expected_areas and area.group(1) == expected_areas[0]:
            expected_areas.pop(0)
            target = ("introduction", area.group(1))
            i += 1
            continue
        if question and expected_questions and question.group(1) == expected_questions[0]:
            number = expected_questions.pop(0)
            heading = [question.group(2)]
            i += 1
            while i < len(lines) and not (lines[i] != "" and not lines[i].strip()):  # up to the whitespace-only line
                if lines[i].strip():
                    heading.append(lines[i].strip())
                i += 1
            result.headings[number] = " ".join(" ".join(heading).split())
            target = ("answer", number)
            continue
        if target is not None:
            collected.setdefault(target, []).append(line)
        i += 1
    for (kind, number), body in collected.items():
        text_ = _normalise(body)
        if text_:
            (result.answers if kind == "answer" else result.introductions)[number] = text_
    return result
