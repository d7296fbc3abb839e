"""Prints `ok - …` / `FAIL - …` lines and the closing `browser-check: N passed, M failed` line."""
import traceback


class Report:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.blocked = None  # why the checks that need an earlier one are not run

    def ok(self, name):
        self.passed += 1
        print(f"ok   - {name}", flush=True)

    def fail(self, name, detail=""):
        self.failed += 1
        print(f"FAIL - {name}", flush=True)
        for line in str(detail).strip().splitlines()[:40]:
            print(f"       {line}", flush=True)

    def check(self, name, body, needed=False):
        """Runs `body`; an exception (an assertion, a wait that timed out) fails the check. When a `needed` check
        fails, the later checks are reported failed without running: each would only wait for its own timeout.
        Answers what `body` answered (True for nothing), or None when it failed."""
        if self.blocked:
            self.fail(name, f"not run: {self.blocked}")
            return None
        try:
            result = body()
        except Exception as error:  # noqa: BLE001 - any error fails this one check; the run goes on
            detail = f"{type(error).__name__}: {error}"
            if not isinstance(error, AssertionError) and "Timeout" not in type(error).__name__:
                detail += "\n" + traceback.format_exc(limit=3)
            self.fail(name, detail)
            if needed:
                self.blocked = f"'{name}' failed"
            return None
        self.ok(name)
        return True if result is None else result

    def summary(self):
        line = f"browser-check: {self.passed} passed, {self.failed} failed"
        print(line, flush=True)
        return self.failed == 0
