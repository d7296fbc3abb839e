"""What a person does on the dashboard: log in, open pages, fill the filter form, press buttons. Each step waits
explicitly for what the page shows next; none sleeps."""
from selenium.common.exceptions import NoAlertPresentException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from browser import WAIT


class Person:
    def __init__(self, browser):
        self.browser = browser
        self.driver = browser.driver

    def login(self, token, with_enter=False):
        """Logs in through /login with `token` (any earlier session forgotten), pressing the button or, `with_enter`,
        Enter in the field; answers whether the form is gone."""
        self.driver.delete_all_cookies()
        self.browser.open("/login", "input#token")
        field = self.browser.find("input#token")[0]
        field.clear()
        field.send_keys(token)
        button = self.browser.find("button#login-button")[0]
        if with_enter:
            field.send_keys(Keys.ENTER)
        else:
            button.click()
        try:
            WebDriverWait(self.driver, WAIT).until(EC.staleness_of(button))
        except TimeoutException:
            pass  # the form may answer in place; what follows looks at the page itself
        self.browser.wait_until(lambda: self.driver.execute_script("return document.readyState") == "complete",
                                "the page after login did not finish loading")
        return not self.browser.find("input#token")

    def fill_filters(self, values):
        """Fills `form#filters` with {field name: value}, submits it, and waits for the page it leads to."""
        form = self.browser.wait_for("form#filters")
        for name, value in values.items():
            field = form.find_element(By.NAME, name)
            if field.tag_name == "select":
                Select(field).select_by_value(value)
            else:
                field.clear()
                field.send_keys(value)
        submits = form.find_elements(By.CSS_SELECTOR, "button[type=submit], input[type=submit], button:not([type])")
        if submits:
            submits[0].click()
        else:
            form.submit()
        WebDriverWait(self.driver, WAIT).until(EC.staleness_of(form), "the list did not reload after the filter")
        self.browser.wait_for("form#filters")

    def row_ids(self, selector, attribute):
        return {row.get_attribute(attribute) for row in self.browser.find(selector)}

    def press(self, selector):
        """Clicks a button, accepting a confirmation dialog if it asks for one."""
        button = self.browser.wait_for(selector)
        button.click()
        try:
            self.driver.switch_to.alert.accept()
        except NoAlertPresentException:
            pass
        return button

    def reload_until(self, path, ready, condition, message, timeout=60):
        """Opens `path` again every half second until `condition()` holds on the page."""
        def probe(_):
            self.browser.open(path, ready)
            return condition()
        return WebDriverWait(self.driver, timeout, poll_frequency=0.5).until(probe, message)
