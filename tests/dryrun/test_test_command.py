"""`muranokit test`: MuranoPL TestFixture classes, results and the summary line."""

from __future__ import annotations

from dryrun_support import FIXTURE_TESTS, HELLO_PKG, PACKAGES

PREFIX = "com.example.fixturetests."


def test_runs_every_test_and_counts(cli) -> None:
    run = cli("test", FIXTURE_TESTS)
    assert run.code == 1
    lines = run.out.splitlines()
    assert lines[-1] == "7 passed, 1 failed"
    results = {line.split(" ... ")[0]: line.split(" ... ")[1]
               for line in lines if " ... " in line}
    assert results == {
        PREFIX + "CalculatorTests.testAdd": "ok",
        PREFIX + "CalculatorTests.testAddIsWrongOnPurpose": "FAILED",
        PREFIX + "CalculatorTests.testInjectedDice": "ok",
        PREFIX + "CalculatorTests.testInjectedClassMethod": "ok",
        PREFIX + "CalculatorTests.testDiceWithoutInjectThrows": "ok",
        PREFIX + "EnvironmentTests.testEnvironmentIsLoaded": "ok",
        PREFIX + "EnvironmentTests.testInjectIntoACoreLibraryClass": "ok",
        PREFIX + "EnvironmentTests.testCoreLibraryClassIsNotMockedAnyMore": "ok",
    }
    assert "offset ignored: 3 != 13" in run.out
    assert "CalculatorTests.yaml:20" in run.out     # the failing line, from the MuranoPL stack
    assert "helperNotATest" not in run.out


def test_selected_tests_only(cli) -> None:
    run = cli("test", FIXTURE_TESTS, "CalculatorTests.testAdd", "EnvironmentTests")
    assert run.code == 0
    assert run.out.splitlines()[-1] == "4 passed, 0 failed"
    run = cli("test", FIXTURE_TESTS, PREFIX + "CalculatorTests.testAddIsWrongOnPurpose")
    assert run.code == 1 and run.out.splitlines()[-1] == "0 passed, 1 failed"


def test_injection_does_not_leak_into_the_next_test(cli) -> None:
    # core-library classes are shared by every runtime of the process: a mock of
    # Environment.stackName must be gone when the next test runs
    run = cli("test", FIXTURE_TESTS, "EnvironmentTests.testInjectIntoACoreLibraryClass",
              "EnvironmentTests.testCoreLibraryClassIsNotMockedAnyMore")
    assert run.out.splitlines()[-1] == "2 passed, 0 failed", run.out


def test_example_package_tests_pass(cli) -> None:
    run = cli("test", HELLO_PKG)
    assert run.code == 0 and run.out.splitlines()[-1] == "2 passed, 0 failed"


def test_unknown_test_or_package_is_unusable_input(cli, tmp_path) -> None:
    run = cli("test", FIXTURE_TESTS, "CalculatorTests.testNope")
    assert run.code == 2 and "no test 'CalculatorTests.testNope'" in run.err
    run = cli("test", tmp_path / "missing")
    assert run.code == 2 and "not found" in run.err


def test_a_package_without_tests_says_so_and_exits_5(cli) -> None:
    """As pytest does: nothing ran is neither a success nor a failed test."""
    run = cli("test", PACKAGES / "DockerInterfacesLibrary")
    assert run.code == 5
    assert run.out == ""
    assert run.err == (f"muranokit: no test found in {PACKAGES / 'DockerInterfacesLibrary'}: "
                       "no class extends io.murano.test.TestFixture with methods named test*\n")
