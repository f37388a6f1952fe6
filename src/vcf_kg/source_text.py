"""Source texts: reading, splitting into numbered sentences, locating verbatim quotes."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

# A sentence ends at '.', '!' or '?' after a lower-case letter or digit, followed by white space and a
# capital: "fracture. If" splits, "Lee H. Riley" and "M.D., and" do not.
_SENTENCE_END = re.compile(r"(?<=[a-z0-9][.!?])\s+(?=[A-Z])")


@dataclass(frozen=True)
class Sentence:
    number: int  # from 1, in reading order
    start: int  # character offset in the text
    end: int  # exclusive
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """Split text into sentences. Each non-empty line is a paragraph; headings and bylines are
    sentences of their own."""
    sentences: list[Sentence] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            line_start = offset + line.index(stripped)
            pos = 0
            for part in _SENTENCE_END.split(stripped):
                pos = stripped.index(part, pos)
                start = line_start + pos
                sentences.append(Sentence(len(sentences) + 1, start, start + len(part), part))
                pos += len(part)
        offset += len(line)
    return sentences


@dataclass(frozen=True)
class SourceText:
    path: Path
    text: str

    @classmethod
    def read(cls, path: Path) -> "SourceText":
        return cls(path, path.read_text(encoding="utf-8"))

    @cached_property
    def sentences(self) -> list[Sentence]:
        return split_sentences(self.text)

    def locate(self, quote: str) -> tuple[int, int] | None:
        """Offsets of the first verbatim occurrence of quote, or None."""
        i = self.text.find(quote)
        return None if i < 0 or not quote else (i, i + len(quote))

    def sentence_at(self, offset: int) -> Sentence:
        for s in self.sentences:
            if s.start <= offset < s.end:
                return s
        raise ValueError(f"offset {offset} is outside every sentence of {self.path}")
