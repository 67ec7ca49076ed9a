"""Stage 3, retrieval: every clause scored for a question (dense vectors from the index, BM25 over
clauses and cards, the card classifier), fused by a learned ranker, with a scope decision."""

from .features import Features
from .ranker import PAIR_FEATURES, QUERY_FEATURES, LinearModel, RankerModel
from .retriever import Retriever

__all__ = ["PAIR_FEATURES", "QUERY_FEATURES", "Features", "LinearModel", "RankerModel", "Retriever"]
