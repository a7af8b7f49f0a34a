"""The one content loader: curriculum, glossary, German sources and LEAP data as typed objects."""

from .load import load_curriculum
from .model import Curriculum
from .problems import Problem, ProblemList

__all__ = ["Curriculum", "Problem", "ProblemList", "load_curriculum"]
