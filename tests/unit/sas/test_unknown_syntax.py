"""Plausible SAS the subset does not run is echoed and adds nothing (or a NOTE), and changes state it should."""

from __future__ import annotations

import pytest

from tests.unit.sas.conftest import Runner
from viya_mock.sas.domain.run import Session


@pytest.mark.parametrize(
    "code",
    [
        "options svgtitle='svgtitle'; options validvarname=any validmemname=extend pagesize=max nosyntaxcheck;",
        "ods graphics on;",
        "ods listing close;ods html5 (id=saspy_internal) options(bitmap_mode='inline') device=svg style=HTMLBlue;"
        " ods graphics on / outputfmt=png;",
        "ods html5 (id=saspy_internal) close;ods listing;",
        "filename _webout temp;",
        "title 'Hello'; footnote 'x';",
        "proc sort data=sashelp.class out=work.c; by age; run;",
        "proc sql; select * from sashelp.class; quit;",
        "run;",
        "x 'ls';",
        "%global a b; %local c;",
    ],
)
def test_plausible_sas_is_echoed_without_errors(run: Runner, code: str) -> None:
    result = run(code)
    assert result.log[0].type == "source"
    assert [line for line in result.log if line.type in {"error", "warning"}] == []
    assert result.outcome == "completed"


def test_a_procedure_gets_its_notes(run: Runner) -> None:
    result = run("proc sort data=sashelp.class out=c; by age; run;")
    assert "NOTE: PROCEDURE SORT used (Total process time):" in [line.line for line in result.log]


def test_options_are_kept_for_getoption(run: Runner, session: Session) -> None:
    run("options validvarname=any nosyntaxcheck;")
    assert session.options["VALIDVARNAME"] == "ANY"
    assert session.options["SYNTAXCHECK"] == "NOSYNTAXCHECK"


def test_libname_and_filename_are_remembered(run: Runner, session: Session) -> None:
    run("libname mylib '/data'; filename out temp;")
    assert "MYLIB" in session.librefs
    assert "OUT" in session.filerefs
    assert [line for line in run("%put %sysfunc(libref(mylib)) %sysfunc(fileref(out));").log if line.type == "normal"][
        0
    ].line == "0 0"


def test_a_defined_macro_without_parameters_runs_when_called(run: Runner) -> None:
    result = run("%macro hi;\n%put hi there;\n%mend;\n%hi;")
    assert [line.line for line in result.log if line.type == "normal"] == ["hi there"]


def test_a_macro_calling_itself_is_stopped(run: Runner) -> None:
    result = run("%macro loop; %loop; %mend; %loop;")
    assert result.outcome == "error"
    assert any("nesting" in line.line for line in result.log if line.type == "error")


def test_open_code_percent_if_is_echoed_and_its_body_runs(run: Runner) -> None:
    result = run("%if 1 = 1 %then %do;\n%put inside;\n%end;")
    assert [line.line for line in result.log if line.type == "normal"] == ["inside"]
    assert result.outcome == "completed"
