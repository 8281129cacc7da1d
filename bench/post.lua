-- wrk script: submit a job from the bundled "Simple proc print" definition.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/vnd.sas.job.execution.job.request+json"
wrk.body = '{"jobDefinitionUri": "/jobDefinitions/definitions/dabd2a63-ae2f-4559-b110-ad989ff642a5", "arguments": {"AGE": "14"}}'
