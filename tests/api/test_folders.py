"""Folders as web apps use them: a folder by path, its members, and the getResource link to a job definition."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from viya_mock.app import create_app
from viya_mock.settings import Settings

DEMO = "/Public/app/viya-mock/common"
SEND_TABLES = "/jobDefinitions/definitions/0b6f3a52-1c4d-4e8a-9f21-7d3c5b9a0e01"


def folder_at(client: TestClient, path: str) -> dict[str, Any]:
    answer = client.get("/folders/folders/@item", params={"path": path})
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def members(client: TestClient, folder: dict[str, Any], **params: Any) -> dict[str, Any]:
    answer = client.get(f"/folders/folders/{folder['id']}/members", params=params)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def link(resource: dict[str, Any], rel: str) -> dict[str, str]:
    return next(item for item in resource["links"] if item["rel"] == rel)


class TestFolders:
    def test_the_demo_app_folder_is_found_by_its_path(self, client: TestClient) -> None:
        answer = client.get("/folders/folders/@item", params={"path": DEMO})
        assert answer.headers["content-type"] == "application/vnd.sas.content.folder+json"
        folder = answer.json()
        assert (folder["name"], folder["type"], folder["memberCount"]) == ("common", "folder", 4)
        assert link(folder, "self")["href"] == f"/folders/folders/{folder['id']}"
        assert link(folder, "members")["href"] == f"/folders/folders/{folder['id']}/members"

    def test_a_trailing_slash_names_the_same_folder(self, client: TestClient) -> None:
        assert folder_at(client, DEMO + "/")["id"] == folder_at(client, DEMO)["id"]

    def test_parents_are_folders_holding_their_children(self, client: TestClient) -> None:
        folder = folder_at(client, DEMO)
        parent = client.get(link(folder, "parent")["href"]).json()
        assert parent["name"] == "viya-mock"
        children = members(client, parent)["items"]
        assert [(m["name"], m["contentType"], m["uri"]) for m in children] == [
            ("common", "folder", f"/folders/folders/{folder['id']}")
        ]
        assert "parentFolderUri" not in folder_at(client, "/Public")

    def test_members_name_job_definitions_through_get_resource(self, client: TestClient) -> None:
        collection = members(client, folder_at(client, DEMO), limit=500)
        assert collection["count"] == 4
        by_name = {m["name"]: m for m in collection["items"]}
        assert sorted(by_name) == ["hello", "makeError", "sendArrays", "sendTables"]
        member = by_name["sendTables"]
        assert (member["contentType"], member["type"], member["uri"]) == ("jobDefinition", "child", SEND_TABLES)
        resource = link(member, "getResource")
        assert (resource["href"], resource["type"]) == (SEND_TABLES, "application/vnd.sas.job.definition")
        definition = client.get(resource["href"]).json()
        assert definition["name"] == "sendTables" and "%webout(FETCH)" in definition["code"]

    def test_a_member_can_be_read_on_its_own(self, client: TestClient) -> None:
        member = members(client, folder_at(client, DEMO))["items"][0]
        answer = client.get(link(member, "self")["href"])
        assert answer.status_code == 200 and answer.json()["id"] == member["id"]

    def test_members_filter_and_sort_as_sas_collections_do(self, client: TestClient) -> None:
        folder = folder_at(client, DEMO)
        assert [m["name"] for m in members(client, folder, filter='eq(name,"hello")')["items"]] == ["hello"]
        names = [m["name"] for m in members(client, folder, sortBy="name:descending", limit=2)["items"]]
        assert names == ["sendTables", "sendArrays"]
        assert (
            client.get(f"/folders/folders/{folder['id']}/members", params={"filter": "eq(nope,'x')"}).status_code == 400
        )

    @pytest.mark.parametrize("path", ["/Public/nothing", "/Public/app/viya-mock/common/hello"])
    def test_no_folder_at_a_path_is_a_404(self, client: TestClient, path: str) -> None:
        answer = client.get("/folders/folders/@item", params={"path": path})
        assert answer.status_code == 404
        assert answer.json()["message"] == f"No folder exists at the path {path}."

    def test_a_relative_path_is_a_400(self, client: TestClient) -> None:
        answer = client.get("/folders/folders/@item", params={"path": "Public"})
        assert answer.status_code == 400 and "must start with a slash" in answer.json()["message"]

    def test_an_unknown_folder_id_is_a_404(self, client: TestClient) -> None:
        assert client.get("/folders/folders/nope").status_code == 404
        assert client.get("/folders/folders/nope/members").status_code == 404


class TestProgramsFromDisk:
    @pytest.fixture
    def served(self, tmp_path: Path) -> tuple[TestClient, Path]:
        (tmp_path / "common").mkdir()
        (tmp_path / "common" / "greet.sas").write_text("%put hello;\n", encoding="utf-8")
        (tmp_path / "notes.txt").write_text("not a program", encoding="utf-8")
        app = create_app(Settings(programs=(f"/Public/app/mine={tmp_path}",), validate_responses=True))
        return TestClient(app), tmp_path

    def test_each_sas_file_is_a_job_definition_in_its_folder(self, served: tuple[TestClient, Path]) -> None:
        client, _ = served
        items = members(client, folder_at(client, "/Public/app/mine/common"))["items"]
        assert [m["name"] for m in items] == ["greet"]
        definition = client.get(link(items[0], "getResource")["href"]).json()
        assert (definition["type"], definition["code"]) == ("Compute", "%put hello;\n")
        assert members(client, folder_at(client, "/Public/app/mine"))["count"] == 1  # the folder; no .txt

    def test_an_edit_is_seen_by_the_next_request_and_keeps_the_uri(self, served: tuple[TestClient, Path]) -> None:
        client, folder = served
        uri = members(client, folder_at(client, "/Public/app/mine/common"))["items"][0]["uri"]
        program = folder / "common" / "greet.sas"
        program.write_text("%put changed;\n", encoding="utf-8")
        stat = program.stat()
        os.utime(program, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        again = members(client, folder_at(client, "/Public/app/mine/common"))["items"][0]
        assert again["uri"] == uri
        assert client.get(uri).json()["code"] == "%put changed;\n"

    def test_added_and_removed_programs_come_and_go(self, served: tuple[TestClient, Path]) -> None:
        client, folder = served
        (folder / "common" / "second.sas").write_text("%put 2;", encoding="utf-8")
        common = folder_at(client, "/Public/app/mine/common")
        assert sorted(m["name"] for m in members(client, common)["items"]) == ["greet", "second"]
        gone = members(client, common, filter="eq(name,'greet')")["items"][0]["uri"]
        (folder / "common" / "greet.sas").unlink()
        assert [m["name"] for m in members(client, common)["items"]] == ["second"]
        assert client.get(gone).status_code == 404

    def test_a_reset_puts_the_programs_back(self, served: tuple[TestClient, Path]) -> None:
        client, _ = served
        uri = members(client, folder_at(client, "/Public/app/mine/common"))["items"][0]["uri"]
        client.app.container.reset()  # type: ignore[attr-defined]
        assert client.get(uri).status_code == 200
        assert folder_at(client, "/Public/app/viya-mock/common")["memberCount"] == 4  # the fixtures too

    def test_a_bare_folder_is_served_under_public_app_by_its_name(self, tmp_path: Path) -> None:
        (tmp_path / "webapp").mkdir()
        (tmp_path / "webapp" / "x.sas").write_text("%put x;", encoding="utf-8")
        client = TestClient(create_app(Settings(programs=(str(tmp_path / "webapp"),))))
        assert [m["name"] for m in members(client, folder_at(client, "/Public/app/webapp"))["items"]] == ["x"]
