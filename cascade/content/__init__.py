"""The one content loader: curriculum, glossary, translations and assessments as typed objects.

Pure Python (no Flask, no MkDocs). The site macros and the tracker both read content through here.
"""

from .curriculum import Curriculum, load_curriculum
from .problems import Problem, ProblemList

__all__ = ["Curriculum", "Problem", "ProblemList", "load_curriculum"]
