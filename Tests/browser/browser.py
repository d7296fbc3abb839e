"""Headless Chromium through Selenium, with what every page is checked for: axe-core, secrets, phone width, screenshots."""
import base64
import importlib.util
import os

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = os.environ.get("BROWSER_CHECK_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("BROWSER_CHECK_CHROMEDRIVER", "/usr/bin/chromedriver")
DESKTOP = (1280, 900)
PHONE = (375, 800)
WAIT = 20  # seconds any one element or state may take to appear


def axe_script():
    """axe-core 4.12.1, the copy axe-playwright-python ships (installed without Playwright; only its script is used):
    axe-selenium-python's own copy is axe-core 3.1.1, from 2018, which misses many of today's rules."""
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("axe-playwright-python is not installed (scripts/test installs it)")
    return os.path.join(spec.submodule_search_locations[0], "axe.min.js")


def start_driver(headed=False):
    """Debian's Chromium and chromedriver: headless unless `headed`; as root it needs --no-sandbox. It reaches
    127.0.0.1 only."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    arguments = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                 "--disable-extensions", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-default-apps", "--disable-domain-reliability", "--disable-client-side-phishing-detection",
                 f"--window-size={DESKTOP[0]},{DESKTOP[1]}",
                 # Loopback only: every other host resolves to nothing, and would go to a closed loopback proxy.
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--proxy-server=http://127.0.0.1:9"]
    if not headed:
        arguments.append("--headless=new")
    for argument in arguments:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    return driver


class Browser:
    """One Chromium session against the bridge's admin listener."""

    def __init__(self, driver, base_url, shots_dir, forbidden):
        self.driver = driver
        self.base_url = base_url
        self.shots_dir = shots_dir
        self.forbidden = forbidden  # values that must appear in no page
        self.sources = {}  # page name -> its HTML as last seen, for the secret check

    def open(self, path, ready_selector):
        self.console_errors()  # what the page before logged is not this page's
        self.driver.get(self.base_url + path)
        return self.wait_for(ready_selector)

    def wait_for(self, selector, timeout=WAIT):
        return WebDriverWait(self.driver, timeout).until(EC.presence_of_element_located((By.CSS_SELECTOR, selector)),
                                                         f"no element {selector} on {self.driver.current_url}")

    def wait_until(self, condition, message, timeout=WAIT):
        return WebDriverWait(self.driver, timeout, poll_frequency=0.2).until(lambda _: condition(), message)

    def find(self, selector):
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def text(self, selector):
        elements = self.find(selector)
        return elements[0].text if elements else ""

    def path(self):
        return "/" + self.driver.current_url.split("/", 3)[-1]

    def remember(self, name):
        """Keeps the page's HTML for the secret check; answers the secret values it shows, if any."""
        html = self.driver.page_source
        self.sources[name] = html
        return [value for value in self.forbidden() if value and value in html]

    def axe_violations(self):
        """Serious and critical axe-core violations of the current page, one readable line each."""
        axe = Axe(self.driver, axe_script())
        axe.inject()
        results = axe.run()
        lines = []
        for violation in results["violations"]:
            if violation.get("impact") in ("serious", "critical"):
                targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
                lines.append(f"{violation['impact']}: {violation['id']}: {violation['help']} ({targets})")
        return lines

    def horizontal_overflow(self):
        """How many CSS pixels the page is wider than the viewport (0 when it fits)."""
        return self.driver.execute_script(
            "const e = document.documentElement; return Math.max(0, e.scrollWidth - e.clientWidth,"
            " document.body.scrollWidth - e.clientWidth);")

    def phone(self):
        """Emulates a 375x800 phone viewport (device metrics, so the page's viewport meta applies)."""
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 2, "mobile": True})

    def desktop(self):
        self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        self.driver.set_window_size(*DESKTOP)

    def screenshot(self, name):
        """The whole page (up to 4000 px tall) as PNG in the screenshots folder; answers the file's path."""
        height = min(4000, self.driver.execute_script(
            "return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight);"))
        width = self.driver.execute_script("return document.documentElement.clientWidth;")
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
        path = os.path.join(self.shots_dir, f"{name}.png")
        with open(path, "wb") as file:
            file.write(base64.b64decode(shot["data"]))
        return path

    def console_errors(self):
        """JavaScript errors the page logged since the last call (a missing favicon is not one, nor the status of an
        error page itself)."""
        own_status = self.driver.current_url + " - Failed to load resource"
        return [entry["message"] for entry in self.driver.get_log("browser")
                if entry["level"] == "SEVERE" and "favicon.ico" not in entry["message"]
                and not entry["message"].startswith(own_status)]

    def cookies_header(self):
        return "; ".join(f"{cookie['name']}={cookie['value']}" for cookie in self.driver.get_cookies())
