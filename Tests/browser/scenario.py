"""The browser check's story: real deliveries into a live bridge, then a person on the dashboard."""
import os
import urllib.parse

from selenium.webdriver.common.by import By

from bridge import FAILURE_LINE, LIVE_LINE, SOURCE, WAITING_LINE, http
from pages import Person


class Scenario:
    def __init__(self, bridge, browser, report):
        self.bridge = bridge
        self.browser = browser
        self.report = report
        self.person = Person(browser)
        self.pages = {}  # label -> path, every page opened
        self.runs = {}

    # The deliveries, sent before the browser starts.

    def deliver(self):
        check = self.report.check

        def pushes():
            status, answer = self.bridge.push("browser-check-main")
            assert status == 202, f"the push to main was answered {status}: {answer}"
            self.delivery_main = answer["delivery"]
            self.runs = {run["rule"]: run["id"] for run in answer["runs"]}
            status, answer = self.bridge.push("browser-check-develop", branch="develop")
            assert status == 200 and answer["status"] == "ignored", f"the push to develop: {status} {answer}"
            self.delivery_ignored = answer["delivery"]
        check("signed GitHub pushes: main queues three runs, develop is ignored", pushes, needed=True)
        if self.report.blocked:
            return
        check("the web run succeeds", lambda: self.bridge.wait_for_run(
            lambda run: run["rule"] == "web-staging" and run["status"] == "succeeded", "of web-staging succeeded"))
        check("the database run fails", lambda: self.bridge.wait_for_run(
            lambda run: run["rule"] == "database-staging" and run["status"] == "failed", "of database-staging failed"))
        check("the workers run is running, waiting for its go-ahead", lambda: self.bridge.wait_for_run(
            lambda run: run["rule"] == "workers-staging" and run["status"] == "running", "of workers-staging running"))

    # What every page is checked for.

    def page_checks(self, label):
        browser, check = self.browser, self.report.check
        self.pages[label] = browser.path()

        def no_secret():
            shown = browser.remember(label)
            assert not shown, f"the page shows {len(shown)} secret value(s)"
        check(f"{label}: no secret, token or signature in the HTML", no_secret)

        def accessible():
            violations = browser.axe_violations()
            assert not violations, "\n".join(violations)
        check(f"{label}: axe-core finds no serious or critical violation", accessible)

        def no_script_errors():
            errors = browser.console_errors()
            assert not errors, "\n".join(errors)
        check(f"{label}: no JavaScript error in the console", no_script_errors)
        check(f"{label}: desktop screenshot", lambda: browser.screenshot(f"{label}-desktop"))
        self.phone_checks(label)

    def phone_checks(self, label):
        """At a 375x800 phone viewport the page's body must not scroll sideways (a wide table may, inside it)."""
        browser = self.browser

        def fits():
            browser.phone()
            try:
                overflow = browser.horizontal_overflow()
                browser.screenshot(f"{label}-phone")
            finally:
                browser.desktop()
            assert overflow <= 1, f"the page is {overflow} px wider than a 375 px phone"
        self.report.check(f"{label}: fits a 375 px wide phone (no horizontal scrolling), phone screenshot", fits)

    # The person.

    def log_in_and_out(self):
        check, person, browser = self.report.check, self.person, self.browser

        def anonymous():
            browser.driver.delete_all_cookies()
            browser.open("/", "input#token")
        check("without a session, / asks for a token (login form)", anonymous, needed=True)
        self.page_checks("login")

        def wrong_token():
            wrong = "wrong-" + os.urandom(8).hex()
            assert not person.login(wrong), "a wrong token logged in"
            assert wrong not in browser.driver.page_source, "the login page echoes the wrong token"
        check("a wrong token is refused at /login and not echoed", wrong_token)

        def viewer():
            assert person.login(self.bridge.viewer_token, with_enter=True), "the viewer token did not log in"
            browser.open(f"/runs/{self.runs['database-staging']}", "#run-status")
            assert not browser.find("#retry-button"), "a viewer sees the retry button"
            browser.open(f"/runs/{self.runs['workers-staging']}", "#run-status")
            assert not browser.find("#cancel-button"), "a viewer sees the cancel button"
        check("a viewer logs in (typing the token and Enter) and sees no retry or cancel button", viewer)

        def sign_out():
            person.press("button#logout-button")
            browser.wait_for("input#token")
            browser.open("/runs", "input#token")
        check("Sign out ends the session: the lists ask for a token again", sign_out)
        check("an operator logs in through /login", lambda: self.assert_login(self.bridge.operator_token), needed=True)

    def assert_login(self, token):
        assert self.person.login(token), "the login form is still shown after logging in"

    def overview(self):
        browser, check = self.browser, self.report.check
        if not self.visit("overview", "/", "#queue-depth"):
            return

        def content():
            for selector in ("#queue-depth", "#running", "#recent-failures", f'#sources tr[data-source="{SOURCE}"]'):
                assert browser.find(selector), f"no {selector}"
            assert browser.find(f'#running a[href$="/runs/{self.runs["workers-staging"]}"]'), \
                f"#running does not link to the workers run: {browser.text('#running')!r}"
            assert browser.find(f'#recent-failures a[href$="/runs/{self.runs["database-staging"]}"]'), \
                f"#recent-failures does not link to the failed run: {browser.text('#recent-failures')!r}"
        check("overview: queue depth, running runs, recent failures and the source's row", content)
        self.page_checks("overview")

    def deliveries(self):
        browser, check, person = self.browser, self.report.check, self.person
        if not self.visit("deliveries", "/deliveries", "table#deliveries"):
            return
        rows = "table#deliveries tr[data-delivery-id]"
        both = {str(self.delivery_main), str(self.delivery_ignored)}
        check("deliveries: lists both deliveries", lambda: self.assert_equal(person.row_ids(rows, "data-delivery-id"), both))
        self.page_checks("deliveries")

        def by_status():
            person.fill_filters({"status": "ignored"})
            assert "status=ignored" in browser.driver.current_url, f"the filter is not in the URL: {browser.driver.current_url}"
            self.assert_equal(person.row_ids(rows, "data-delivery-id"), {str(self.delivery_ignored)})
        check("deliveries: filtering by status 'ignored' shows only the ignored push", by_status)

        def by_source():
            browser.open("/deliveries", "form#filters")
            person.fill_filters({"source": SOURCE})
            self.assert_equal(person.row_ids(rows, "data-delivery-id"), both)
            person.fill_filters({"source": "another-source"})
            assert "source=another-source" in browser.driver.current_url, f"the filter is not in the URL: {browser.driver.current_url}"
            self.assert_equal(person.row_ids(rows, "data-delivery-id"), set())
        check(f"deliveries: filtering by source shows {SOURCE}'s deliveries, and none of another source", by_source)

    def delivery_pages(self):
        browser, check = self.browser, self.report.check

        if not self.visit("delivery", f"/deliveries/{self.delivery_main}", "#headers"):
            return

        def headers():
            rows = [row.text for row in browser.find("#headers tr") if "x-hub-signature-256" in row.text.lower()]
            assert rows, f"the signature header is not listed: {browser.text('#headers')!r}"
            assert "(masked)" in rows[0], f"the signature is not masked: {rows[0]!r}"
            assert "x-github-delivery browser-check-main" in browser.text("#headers").lower(), "the delivery id is not shown"
        check("delivery: headers listed, the signature shown as (masked)", headers)

        def run_links():
            links = {a.get_attribute("href").rstrip("/").rsplit("/", 1)[-1] for a in browser.find("#runs a[href*='/runs/']")}
            assert {str(run) for run in self.runs.values()} <= links, f"#runs links to {links}, not every run"
        check("delivery: #runs links to each run it created", run_links)

        def verdicts():
            rules = {element.get_attribute("data-rule") for element in browser.find("#verdicts [data-rule]")}
            self.assert_equal(rules, set(self.runs))
        check("delivery: #verdicts has a verdict per rule", verdicts)
        self.page_checks("delivery")

        if not self.visit("delivery-ignored", f"/deliveries/{self.delivery_ignored}", "#verdicts"):
            return

        def why_not():
            verdict = browser.find('#verdicts [data-rule="web-staging"]')
            assert verdict, "no verdict for web-staging"
            assert "develop" in verdict[0].text and "main" in verdict[0].text, f"no reason given: {verdict[0].text!r}"
        check("delivery-ignored: each rule says why it did not match (branch develop, not main)", why_not)
        self.page_checks("delivery-ignored")

    def runs_list(self):
        check, person = self.report.check, self.person
        if not self.visit("runs", "/runs", "table#runs"):
            return
        rows = "table#runs tr[data-run-id]"
        every = {str(run) for run in self.runs.values()}
        check("runs: lists the three runs", lambda: self.assert_equal(person.row_ids(rows, "data-run-id"), every))
        self.page_checks("runs")

        def failed_only():
            person.fill_filters({"status": "failed"})
            self.assert_equal(person.row_ids(rows, "data-run-id"), {str(self.runs["database-staging"])})
        check("runs: filtering by status 'failed' shows only the failed run", failed_only)

    def failed_run(self):
        browser, check, person = self.browser, self.report.check, self.person
        path = f"/runs/{self.runs['database-staging']}"
        if not self.visit("run-failed", path, "#run-status"):
            return

        def reads_error():
            assert "failed" in browser.text("#run-status").lower(), f"#run-status: {browser.text('#run-status')!r}"
            assert browser.find('#steps [data-step-position="1"]'), "no step 1 in #steps"
            assert "exit status 3" in browser.text(".step-error"), f".step-error: {browser.text('.step-error')!r}"
            assert FAILURE_LINE in browser.text("pre#log-1"), f"pre#log-1: {browser.text('pre#log-1')!r}"
            assert browser.find("#forge-status"), "no #forge-status"
        check("run-failed: status failed, the step's error and the message in its log", reads_error)
        self.page_checks("run-failed")

        def retry():
            before = browser.text("pre#log-1").count(FAILURE_LINE)
            person.press("button#retry-button")
            browser.wait_for("#flash")
            person.reload_until(path, "#run-status", lambda: "failed" in browser.text("#run-status").lower()
                                and browser.text("pre#log-1").count(FAILURE_LINE) > before,
                                "the retried run did not fail again with a second attempt's log")
        check("run-failed: Retry shows a flash, the run runs again and fails again", retry)

    def live_run(self):
        browser, check, person = self.browser, self.report.check, self.person
        path = f"/runs/{self.runs['workers-staging']}"
        if not self.visit("run-live", path, "#run-status"):
            return

        def follows_live():
            assert "running" in browser.text("#run-status").lower(), f"#run-status: {browser.text('#run-status')!r}"
            # The command's first line reaches the stored log while it runs (the API shows it too).
            self.bridge.wait_until(lambda: WAITING_LINE in (self.bridge.api(path)[1]["steps"][0].get("log") or ""),
                                   "the running step's log", 20)
            browser.wait_until(lambda: WAITING_LINE in browser.text("pre#log-1"), "the running step's first line is not shown")
            assert LIVE_LINE not in browser.text("pre#log-1"), "the later line is there before the go-ahead"
            browser.driver.execute_script("window.browserCheckStillHere = true;")
            open(self.bridge.go_file, "w").close()
            browser.wait_until(lambda: LIVE_LINE in browser.text("pre#log-1"), "the new log line did not appear live", 30)
            assert browser.driver.execute_script("return window.browserCheckStillHere === true;"), "the page was reloaded"
        self.page_checks("run-live")
        check("run-live: the running command's next output line appears while the page is open, without reloading",
              follows_live)

        def follows_store():
            line = f"browser-check: appended while the page is open {os.urandom(4).hex()}"
            browser.driver.execute_script("window.browserCheckStillHere = true;")
            _, run = self.bridge.api(path)
            self.bridge.append_to_log(run["steps"][0]["id"], line + "\n")
            browser.wait_until(lambda: line in browser.text("pre#log-1"), "the appended line did not appear live", 30)
            assert browser.driver.execute_script("return window.browserCheckStillHere === true;"), "the page was reloaded"
            browser.screenshot("run-live-following-desktop")
        check("run-live: a line appended to the running step's stored log (as a provider's progress is) appears "
              "without reloading (Server-Sent Events)", follows_store)

        def cancel():
            person.press("button#cancel-button")
            person.reload_until(path, "#run-status", lambda: "canceled" in browser.text("#run-status").lower(),
                                "the run did not become canceled")
        check("run-live: Cancel stops the running step and the run shows canceled", cancel)

    def missing_run(self):
        browser, check = self.browser, self.report.check
        if not self.visit("not-found", "/runs/987654", "main h1"):
            return

        def says_so():
            text = browser.text("main").lower()
            assert "not found" in text or "987654" in text, f"the page does not say the run is missing: {text[:200]!r}"
        check("not-found: a run that does not exist is a page that says so", says_so)
        self.page_checks("not-found")

    def no_secret_in_responses(self):
        forbidden = self.bridge.secret_values()
        cookies = self.browser.cookies_header()

        def pages():
            for label, path in self.pages.items():
                status, headers, body = http("GET", self.bridge.admin_url + path, None, {"Cookie": cookies})
                text = body.decode("utf-8", "replace") + "\n".join(f"{k}: {v}" for k, v in headers.items())
                leaked = [value[:6] + "…" for value in forbidden if value in text]
                assert not leaked, f"{path} ({status}) contains {leaked}"
            assert not any(value in cookies for value in forbidden), "a cookie holds a token's value"
        self.report.check("no response of the pages (body, headers, cookies) contains a secret value", pages)

        def log_streams():
            streamed = ""
            for run in self.runs.values():
                status, _, body = http("GET", f"{self.bridge.admin_url}/runs/{run}/steps/1/log/events", None, {"Cookie": cookies})
                text = body.decode("utf-8", "replace")
                assert status == 200 and "event: end" in text, f"run {run}'s finished log stream: {status} {text[:300]!r}"
                leaked = [value[:6] + "…" for value in forbidden if value in text]
                assert not leaked, f"run {run}'s log stream contains {leaked}"
                streamed = text if run == self.runs["database-staging"] else streamed
            assert FAILURE_LINE in streamed, "the failed step's log stream does not carry its error message"
        self.report.check("each finished step's log stream (SSE) sends its log, ends, and holds no secret value", log_streams)

        def api():
            paths = ["/deliveries", "/runs"] + [f"/deliveries/{self.delivery_main}", f"/deliveries/{self.delivery_ignored}"]
            paths += [f"/runs/{run}" for run in self.runs.values()]
            for path in paths:
                status, body = self.bridge.api(path)
                assert status == 200, f"{path}: {status}"
                leaked = [value[:6] + "…" for value in forbidden if value in str(body)]
                assert not leaked, f"/api/v1{path} contains {leaked}"
        self.report.check("no answer of the JSON API contains a secret value", api)

    def csrf(self):
        """The retry form posted with the session cookie but without its hidden fields (its CSRF token) is refused."""
        browser = self.browser
        path = f"/runs/{self.runs['workers-staging']}"

        def refused():
            browser.open(path, "button#retry-button")
            form = browser.find("button#retry-button")[0].find_element(By.XPATH, "./ancestor::form")
            action = urllib.parse.urljoin(browser.driver.current_url, form.get_attribute("action") or path)
            status, _, _ = http("POST", action, b"", {"Cookie": browser.cookies_header(),
                                                      "Content-Type": "application/x-www-form-urlencoded"})
            assert 400 <= status < 500, f"a retry without the form's token was answered {status}"
            _, run = self.bridge.api(path)
            assert run["summary"]["status"] == "canceled", f"the run became {run['summary']['status']}"
        self.report.check("a retry posted without the form's CSRF token is refused and changes nothing", refused)

    def visit(self, label, path, ready):
        """Opens a page as a person would (by its address) and waits for `ready`; a page that never shows it ends the
        part, its other checks would only fail the same way."""
        return self.report.check(f"{label}: {path} shows {ready}", lambda: self.browser.open(path, ready)) is not None

    @staticmethod
    def assert_equal(actual, expected):
        assert actual == expected, f"got {sorted(actual)}, expected {sorted(expected)}"


def run(bridge, browser, report):
    scenario = Scenario(bridge, browser, report)
    scenario.deliver()
    for part in (scenario.log_in_and_out, scenario.overview, scenario.deliveries, scenario.delivery_pages,
                 scenario.runs_list, scenario.failed_run, scenario.live_run, scenario.missing_run,
                 scenario.no_secret_in_responses,
                 scenario.csrf):
        if report.blocked:
            report.fail(part.__name__.replace("_", " "), f"not run: {report.blocked}")
            continue
        part()
    return scenario
