"""The ceiling: a bare Starlette app answering the benchmarked requests with canned JSON, no validation, no state.

Whatever viya-mock does on top of routing and writing bytes shows as its distance from this app, served by the
same uvicorn. Run as `python bench/ceiling.py PORT`.
"""

from __future__ import annotations

import json
import sys

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

JOB = json.dumps(
    {
        "id": "f9dbe76c-1a13-491e-b1e4-eda2219a2320",
        "state": "running",
        "creationTimeStamp": "2026-01-05T08:59:00.000Z",
        "modifiedTimeStamp": "2026-01-05T08:59:00.000Z",
        "createdBy": "sasdemo",
        "jobRequest": {"jobDefinitionUri": "/jobDefinitions/definitions/dabd2a63-ae2f-4559-b110-ad989ff642a5"},
        "links": [{"method": "GET", "rel": "self", "href": "/jobExecution/jobs/f9dbe76c-1a13-491e-b1e4-eda2219a2320"}],
        "version": 4,
    }
).encode()
PAGE = json.dumps({"version": 2, "start": 0, "limit": 20, "count": 1, "items": [json.loads(JOB)], "links": []}).encode()
JOB_TYPE = "application/vnd.sas.job.execution.job+json"


async def job(request: Request) -> Response:
    return Response(JOB, media_type=JOB_TYPE, headers={"ETag": '"1"'})


async def state(request: Request) -> Response:
    return Response(b"running", media_type="text/plain")


async def jobs(request: Request) -> Response:
    if request.method == "POST":
        await request.body()
        return Response(JOB, status_code=201, media_type=JOB_TYPE)
    return Response(PAGE, media_type="application/vnd.sas.collection+json")


app = Starlette(
    routes=[
        Route("/jobExecution/jobs", jobs, methods=["GET", "POST"]),
        Route("/jobExecution/jobs/{job_id}", job),
        Route("/jobExecution/jobs/{job_id}/state", state),
    ]
)

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
