"""PROC PRINT of SASHELP.CLASS: SAS's listing layout, an ODS HTML result, and the error for a missing table."""

from __future__ import annotations

from html.parser import HTMLParser

from tests.unit.sas.conftest import Runner
from viya_mock.sas.domain.run import Run


def listing(result: Run) -> list[str]:
    return [line.line for line in result.listing]


def test_the_listing_has_the_title_headers_obs_and_all_19_rows(run: Runner) -> None:
    result = run("proc print data=sashelp.class; run;")
    lines = listing(result)
    assert result.listing[0].type == "title"
    assert lines[0].strip().startswith("The SAS System")
    assert lines[0].endswith("1")
    assert lines[2].split() == ["Obs", "Name", "Sex", "Age", "Height", "Weight"]
    rows = [line.split() for line in lines[4:]]
    assert len(rows) == 19
    assert rows[0] == ["1", "Alfred", "M", "14", "69.0", "112.5"]
    assert rows[-1] == ["19", "William", "M", "15", "66.5", "112.0"]
    assert {line.type for line in result.listing[1:]} == {"normal"}


def test_the_columns_line_up_as_sas_lays_them_out(run: Runner) -> None:
    lines = listing(run("proc print data=sashelp.class; run;"))
    margin = len(lines[2]) - len(lines[2].lstrip())
    assert lines[2][margin:] == "Obs    Name       Sex    Age    Height    Weight"
    assert lines[4][margin:] == "  1    Alfred      M      14     69.0      112.5"
    assert lines[5][margin:] == "  2    Alice       F      13     56.5       84.0"


def test_obs_var_and_title(run: Runner) -> None:
    result = run("title 'Students';\nproc print data=sashelp.class(obs=5);\n  var name age;\nrun;")
    lines = listing(result)
    assert lines[0].strip().split()[0] == "Students"
    assert lines[2].split() == ["Obs", "Name", "Age"]
    assert [line.split() for line in lines[4:]][-1] == ["5", "Henry", "14"]
    assert len(lines) == 4 + 5
    assert "NOTE: There were 5 observations read from the data set SASHELP.CLASS." in [line.line for line in result.log]


def test_each_print_is_a_new_page(run: Runner) -> None:
    lines = listing(run("proc print data=sashelp.class(obs=1); run; proc print data=sashelp.class(obs=1); run;"))
    titles = [line for line in lines if "The SAS System" in line]
    assert [t.split()[-1] for t in titles] == ["1", "2"]


class Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        if self.tags and self.tags[-1] in {"td", "th"}:
            self.cells.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self.tags:
            self.tags.pop()


def test_an_ods_html_result_holds_the_table(run: Runner) -> None:
    result = run("proc print data=sashelp.class; run;")
    (output,) = result.results
    assert (output.type, output.media_type) == ("ODS", "text/html")
    assert output.name.endswith(".htm")
    parser = Cells()
    parser.feed(output.content)
    assert parser.cells[:6] == ["Obs", "Name", "Sex", "Age", "Height", "Weight"]
    assert parser.cells[6:12] == ["1", "Alfred", "M", "14", "69.0", "112.5"]
    assert output.at == result.duration


def test_saspys_wrapper_gives_html_and_no_listing(run: Runner) -> None:
    # saspy's submit(code, "html") (sasiohttp.py): ods open, the code, ods close, as three array elements.
    odsopen = (
        "ods listing close;ods html5 (id=saspy_internal) options(bitmap_mode='inline') device=svg style=HTMLBlue;"
        " ods graphics on / outputfmt=png;\n"
    )
    odsclose = "ods html5 (id=saspy_internal) close;ods listing;\n"
    result = run([odsopen, "proc print data=sashelp.class(obs=2); run;", odsclose])
    assert result.listing == []
    assert len(result.results) == 1
    assert "Alice" in result.results[0].content
    assert result.outcome == "completed"


def test_closing_html_leaves_only_the_listing(run: Runner) -> None:
    result = run("ods html close; proc print data=sashelp.class(obs=1); run;")
    assert result.results == []
    assert len(result.listing) > 0


def test_no_procedure_no_result(run: Runner) -> None:
    assert run("%put x;").results == []


def test_an_unknown_table_is_an_error(run: Runner) -> None:
    result = run("proc print data=x; run;")
    assert [line.line for line in result.log if line.type == "error"] == ["ERROR: File WORK.X.DATA does not exist."]
    assert (result.condition_code, result.outcome) == (8, "error")
    assert result.listing == [] and result.results == []


def test_an_unknown_variable_is_an_error(run: Runner) -> None:
    result = run("proc print data=sashelp.class; var nosuch; run;")
    assert "ERROR: Variable NOSUCH not found." in [line.line for line in result.log]
    assert result.outcome == "error"
