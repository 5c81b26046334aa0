"""Measure briefs against human reference summaries: ROUGE metrics, datasets, baselines, runs.

`brieflow eval DATA.jsonl` is the command; docs/evaluation.md describes the protocol.
"""

from .datasets import EvalItem, load_dataset
from .metrics import Score, rouge, rouge_lsum, rouge_n, tokenize
from .run import evaluate, format_table

__all__ = [
    "EvalItem",
    "Score",
    "evaluate",
    "format_table",
    "load_dataset",
    "rouge",
    "rouge_lsum",
    "rouge_n",
    "tokenize",
]
