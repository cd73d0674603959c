from jdih_build.cli.main import run

run()
