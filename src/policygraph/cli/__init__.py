"""The command line (typer): ``app.py`` registers the commands and is the one error boundary;
``options.py`` holds the shared options; one module per command group."""
