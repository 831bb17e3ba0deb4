"""The README's worked example is real: its trace grades 1.0 against its own question."""

import re
from pathlib import Path

from solver import grade

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_example_trace_is_correct_and_grounded():
    text = README.read_text()
    question_block = re.search(r"```text\nQ: (.*?)```", text, re.S).group(1)
    question = " ".join(question_block.split())
    trace = re.search(r"```yaml\n(.*?)```", text, re.S).group(1)
    outcome = grade(trace, 90, expert="arithmetic", question=question)
    assert outcome.reward == 1.0, outcome
    # The same trace with an ungrounded number is rejected: the example really exercises grounding.
    assert grade(trace.replace("value: 5}", "value: 6}"), 108, question=question).reward == 0.5
