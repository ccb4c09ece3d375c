from policygraph.cli import app

app()
