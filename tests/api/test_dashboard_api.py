"""The admin API's part for the dashboard: its files, and the jobs it polls without filling the journal."""

from __future__ import annotations

from starlette.testclient import TestClient


def test_the_page_and_its_files_are_served_with_their_types(client: TestClient) -> None:
    page = client.get("/__admin/dashboard/")
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert 'src="dashboard.js"' in page.text and 'href="dashboard.css"' in page.text
    assert client.get("/__admin/dashboard/dashboard.js").headers["content-type"] == "text/javascript; charset=utf-8"
    assert client.get("/__admin/dashboard/dashboard.css").headers["content-type"] == "text/css; charset=utf-8"
    assert client.get("/__admin/dashboard/secrets.txt").status_code in (400, 404)


def test_the_jobs_it_polls_are_the_apis_and_stay_out_of_the_journal(client: TestClient) -> None:
    query = {"filter": "eq(state,'completed')", "sortBy": "id:ascending", "limit": 2}
    polled = client.get("/__admin/jobs", params=query).json()
    listed = client.get("/jobExecution/jobs", params=query).json()
    assert [job["id"] for job in polled["items"]] == [job["id"] for job in listed["items"]]
    assert polled["count"] == listed["count"] == 3
    journal = client.get("/__admin/requests").json()
    assert [entry["path"] for entry in journal["items"]] == ["/jobExecution/jobs"]  # only the API's own list


def test_a_bad_filter_is_the_same_400_as_the_apis(client: TestClient) -> None:
    answer = client.get("/__admin/jobs", params={"filter": "eq(nope,'x')"})
    assert answer.status_code == 400 and "nope" in answer.json()["message"]
