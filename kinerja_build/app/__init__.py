"""`kinerja serve`: the school's web app (optional extra `kinerja[app]`: Starlette, uvicorn)."""
