"""Scenarios script Compute jobs: matched by a glob over the program's text, they give the log and listing
lines (with when each is written), _webout, the end state, the condition code and how long the job runs."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.api.compute_support import new_session, submit
from tests.support import assert_sas_error
from viya_mock.clock import VirtualClock
from viya_mock.compute.domain.session import JOB_BASE_MS

SCENARIO = """
name: failing-report
match:
  code: "*proc report*"
compute:
  log:
    - "NOTE: starting"
    - {type: error, line: "ERROR: Variable AGE not found.", after: PT2S}
  listing: [The report]
  webout: '{"ok":false}'
  state: error
  conditionCode: 1012
  duration: PT3S
"""


def _load(client: TestClient, text: str) -> None:
    response = client.post("/__admin/scenarios", content=text, headers={"Content-Type": "application/yaml"})
    assert response.status_code == 201, response.text


class TestComputeScenarios:
    def test_a_matching_program_follows_the_script(self, client: TestClient, clock: VirtualClock) -> None:
        _load(client, SCENARIO)
        sid = new_session(client)["id"]
        job = submit(client, sid, ["data x; set y; run;", "proc report data=x; run;"])
        uri = f"/compute/sessions/{sid}/jobs/{job['id']}"
        assert [i["line"] for i in client.get(f"{uri}/log").json()["items"]] == ["NOTE: starting"]
        clock.advance(2000)
        assert [i["type"] for i in client.get(f"{uri}/log").json()["items"]] == ["note", "error"]
        assert client.get(f"{uri}/state").text == "running"
        clock.advance(1000 + JOB_BASE_MS)
        body = client.get(uri).json()
        assert (body["state"], body["jobConditionCode"]) == ("error", 1012)
        assert [i["line"] for i in client.get(f"{uri}/listing").json()["items"]] == ["The report"]
        assert client.get(f"/compute/sessions/{sid}/filerefs/_webout/content").content == b'{"ok":false}'

    def test_other_programs_run_as_usual(self, client: TestClient, clock: VirtualClock) -> None:
        _load(client, SCENARIO)
        sid = new_session(client)["id"]
        job = submit(client, sid, ["data _null_; run;"])
        clock.advance(1000)
        items = client.get(f"/compute/sessions/{sid}/jobs/{job['id']}/log").json()["items"]
        assert [i["line"] for i in items if i["type"] == "source"] == ["1     data _null_; run;"]

    def test_a_bad_compute_section_is_refused(self, client: TestClient) -> None:
        response = client.post(
            "/__admin/scenarios",
            content="name: bad\ncompute: {state: sleeping}\n",
            headers={"Content-Type": "application/yaml"},
        )
        assert_sas_error(response, 400)
