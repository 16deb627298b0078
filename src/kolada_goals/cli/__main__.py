"""`python -m kolada_goals.cli`: the kolada-goals command."""

from kolada_goals.cli.main import main

main()
