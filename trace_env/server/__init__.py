"""The GSMTrace OpenEnv server (`python -m trace_env.serve`) and its clients.

Importing this package imports OpenEnv (the `server` extra); `import trace_env` never does.
`models` (wire types), `environment` (the OpenEnv `Environment`, the episode store),
`app` (the FastAPI app), `client` (`GSMTraceClient`, `GSMTraceToolEnv` for TRL).
"""
