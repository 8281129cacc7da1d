#!/usr/bin/env bash
# Throughput and latency of GET and POST of a job, cold start and memory, against a real `viya-mock serve`.
# Needs wrk (Debian package `wrk`). Usage: bench/load.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
port=18099
start=$(date +%s.%N)
.venv/bin/viya-mock serve --port "$port" > /dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
until curl -sf "http://127.0.0.1:$port/jobExecution/jobs" -o /dev/null; do sleep 0.01; done
echo "cold start to first answer: $(echo "$(date +%s.%N) - $start" | bc) s"
echo "resident memory with the fixtures: $(( $(ps -o rss= -p $server) / 1024 )) MB"
echo "--- GET /jobExecution/jobs/{id}, 16 connections"
wrk -t2 -c16 -d"${duration}s" --latency "http://127.0.0.1:$port/jobExecution/jobs/f9dbe76c-1a13-491e-b1e4-eda2219a2320" \
    | grep -E "Requests/sec|50%|99%"
echo "--- POST /jobExecution/jobs (submit), 16 connections"
wrk -t2 -c16 -d"${duration}s" --latency -s bench/post.lua "http://127.0.0.1:$port/jobExecution/jobs" \
    | grep -E "Requests/sec|50%|99%|Non-2xx"
echo "resident memory after the submits: $(( $(ps -o rss= -p $server) / 1024 )) MB"
