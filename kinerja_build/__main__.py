from kinerja_build.cli import main

main()
