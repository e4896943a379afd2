"""Seed-like Persian and Arabic article texts and word spans, without Django (compare.py uses them too)."""

from __future__ import annotations

import random
import re
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
WORD = re.compile(r"[^\s«»\"'.,،؛:!?()\[\]]+")


def seed_sentences() -> list[str]:
    sentences = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        sentences += [s.strip() for s in re.split(r"(?<=[.!؟?])\s+|\n+", text) if len(s.strip()) > 20]
    return sentences


def make_texts(count: int, rng: random.Random, *, start: int = 0) -> list[str]:
    """`count` texts of 2-6k characters stitched from the seeds' sentences, numbered from `start`."""
    sentences = seed_sentences()
    texts = []
    for number in range(start, start + count):
        target = rng.randint(2000, 6000)
        parts, size = [f"خبر رقم {number}:"], 0
        while size < target:
            sentence = rng.choice(sentences)
            parts.append(sentence)
            size += len(sentence) + 1
            if rng.random() < 0.2:
                parts.append("\n")
        texts.append(" ".join(parts).replace(" \n ", "\n"))
    return texts


def word_spans(text: str) -> list[tuple[int, int]]:
    """Every word's [start, end) in code points: canonical spans under the offset contract."""
    return [m.span() for m in WORD.finditer(text)]
