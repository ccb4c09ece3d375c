from policygraph.cli.app import main

main()
