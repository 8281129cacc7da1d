"""`%JESBEGIN` / `%JESEND`: a Job Execution program's HTML page in `_webout`, its procedure output inside."""

from __future__ import annotations

from tests.unit.sas.conftest import Runner


def test_the_page_holds_what_was_written_and_the_procedure_output_in_order(run: Runner) -> None:
    code = """%jesbegin;
data _null_; file _webout; put '<h1>Students</h1>'; run;
proc print data=sashelp.class(obs=2); run;
%jesend;"""
    result = run(code)
    page = (result.webout or b"").decode()
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert page.index("<h1>Students</h1>") < page.index("Alfred") < page.index("</body>")
    assert "Barbara" not in page  # obs=2
    assert result.outcome == "completed"
    assert not [line for line in result.log if line.type in ("warning", "error")]


def test_without_jesend_the_page_is_still_closed(run: Runner) -> None:
    page = (run("%jesbegin; data _null_; file _webout; put 'x'; run;").webout or b"").decode()
    assert page.rstrip().endswith("</html>")
