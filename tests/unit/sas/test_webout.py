"""`_webout`: what a program writes there is the job's JSON for the web apps (sasjs)."""

from __future__ import annotations

import json

from tests.unit.sas.conftest import Runner


def test_put_to_webout_appends_utf8_bytes(run: Runner) -> None:
    result = run('filename _webout temp;\ndata _null_; file _webout; put \'{"a":1}\'; put \'{"b":"é"}\'; run;')
    assert result.webout == '{"a":1}\n{"b":"é"}\n'.encode()
    assert [line for line in result.log if line.type == "normal"] == []
    assert result.outcome == "completed"


def test_a_json_document_over_several_puts_parses(run: Runner) -> None:
    code = "\n".join(
        [
            "%let who = sasjs;",
            "data _null_;",
            "  file _webout;",
            "  put '{\"name\": ' '\"' \"&who\" '\"' ',';",
            '  put \'"user": "\' "&sysuserid" \'"}\';',
            "run;",
        ]
    )
    assert json.loads(run(code).webout or b"") == {"name": "sasjs", "user": "sasdemo"}


def test_without_webout_there_is_none(run: Runner) -> None:
    assert run("data _null_; put 'x'; run;").webout is None


def test_file_log_switches_back_to_the_log(run: Runner) -> None:
    result = run("data _null_; file _webout; put '1'; file log; put 'two'; run;")
    assert result.webout == b"1\n"
    assert [line.line for line in result.log if line.type == "normal"] == ["two"]


def test_the_sasjs_webout_macros_give_one_json_document(run: Runner) -> None:
    code = "%webout(FETCH)\n%webout(OPEN)\n%webout(OBJ, sashelp.class)\n%webout(ARR, sashelp.class)\n%webout(CLOSE)"
    result = run(code, variables={"_program": "/Public/app/services/common/appinit"}, now=1_764_762_180_000)
    document = json.loads(result.webout or b"")
    assert document["SYSDATE"] == "03DEC25"
    assert document["SYSTIME"] == "11:43"
    assert document["class"][0] == [
        "Alfred",
        "M",
        14,
        69.0,
        112.5,
    ]  # ARR wrote the member last
    assert document["SYSUSERID"] == "sasdemo"
    assert document["_PROGRAM"] == "/Public/app/services/common/appinit"
    assert document["SYSCC"] == "0"
    assert result.outcome == "completed"


def test_webout_obj_rows_are_objects(run: Runner) -> None:
    result = run("%webout(OPEN)\n%webout(OBJ,sashelp.class)\n%webout(CLOSE)")
    rows = json.loads(result.webout or b"")["class"]
    assert len(rows) == 19
    assert rows[18] == {"NAME": "William", "SEX": "M", "AGE": 15, "HEIGHT": 66.5, "WEIGHT": 112.0}


def test_mv_and_ms_webout_are_the_same_macro(run: Runner) -> None:
    for name in ("mv_webout", "ms_webout"):
        document = json.loads(run(f"%{name}(OPEN)\n%{name}(CLOSE)").webout or b"")
        assert document["SYSJOBID"] == "job-1"


def test_a_macro_definition_of_webout_does_not_hide_the_built_in(run: Runner) -> None:
    code = "%macro webout(action,ds);\n%mv_webout(&action,&ds)\n%mend;\n%webout(OPEN)\n%webout(CLOSE)"
    assert json.loads(run(code).webout or b"")["SYSUSERID"] == "sasdemo"


def test_webout_of_an_unknown_table_is_an_error(run: Runner) -> None:
    result = run("%webout(OPEN)\n%webout(OBJ,work.nosuch)\n%webout(CLOSE)")
    assert "ERROR: File WORK.NOSUCH.DATA does not exist." in [line.line for line in result.log]
    assert result.outcome == "error"
