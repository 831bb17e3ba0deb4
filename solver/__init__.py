"""GSMTrace solver: parse, check and exactly execute YAML math traces, and grade them.

Knows nothing about problems, generators or environments.
"""

from .constants import CONSTANTS, UNIT_CONSTANTS
from .execute import Execution, Source, StepRun, execute, explain
from .experts import COMPOSITION, EXPERTS, ExpertSpec
from .extract import parse_trace
from .formatting import format_trace
from .grade import GRADER_ERROR, REWARDS, RUNS, GraderError, Outcome, check, grade, grade_and_check
from .numbers import format_number, parse_number
from .quantities import Quantity, extract_quantities, grounded_values
from .schema import Step, SubTrace, Trace

__all__ = [
    "COMPOSITION",
    "CONSTANTS",
    "UNIT_CONSTANTS",
    "EXPERTS",
    "GRADER_ERROR",
    "GraderError",
    "REWARDS",
    "RUNS",
    "Execution",
    "ExpertSpec",
    "Outcome",
    "Quantity",
    "Source",
    "Step",
    "StepRun",
    "SubTrace",
    "Trace",
    "check",
    "execute",
    "explain",
    "extract_quantities",
    "format_number",
    "format_trace",
    "grade",
    "grade_and_check",
    "grounded_values",
    "parse_number",
    "parse_trace",
]
