#!/usr/bin/env python3
"""make test-ui: the console in a real headless Chromium, driven by Selenium.

Load, sign in, search, open a contact, attach an identity that another contact holds and see the re-association,
see it in the request journal, fail a request on purpose, browse the knowledge base, the status page and the reports
(charts of the demo data's last 30 days), switch to a fresh tenant; at a laptop and a phone width, with no JavaScript
errors. Screenshots go to .build/ui/ (and docs/console*.png with UPDATE_SCREENSHOTS=1).
"""
import os
import shutil
import socket
import subprocess
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as expected
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHOTS = os.path.join(ROOT, ".build", "ui")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main():
    binary = os.path.join(
        subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True,
                       check=True).stdout.strip(), "reamaze-emulator")
    port = free_port()
    # A login other than the demo's, so the sign-in form shows it came from the server, not from the page.
    server = subprocess.Popen([binary, "--port", str(port), "--database", ":memory:", "--fixtures",
                               os.path.join(ROOT, "fixtures", "demo.json"), "--log-level", "error",
                               "--login", "console@example.com", "--token", "console-token"],
                              stdout=subprocess.DEVNULL)
    os.makedirs(SHOTS, exist_ok=True)
    options = Options()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,900"]:
        options.add_argument(argument)
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    wait = WebDriverWait(driver, 10)
    steps = []

    def step(name):
        steps.append(name)
        print(f"ok  {name}", flush=True)

    def shot(name):
        driver.save_screenshot(os.path.join(SHOTS, name + ".png"))

    def text_of(element_id):
        return driver.find_element(By.ID, element_id).text

    def wait_text(element_id, fragment):
        wait.until(expected.text_to_be_present_in_element((By.ID, element_id), fragment))

    try:
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        # *.localhost resolves to loopback in Chromium, so the page's host names the brand, as in the README.
        driver.get(f"http://demo.localhost:{port}/")
        wait.until(expected.element_to_be_clickable((By.ID, "signin-button")))
        wait_text("tenants", "Demo Outfitters Inc.")
        step("the console loads and lists the tenants")
        login = driver.find_element(By.ID, "login").get_attribute("value")
        token = driver.find_element(By.ID, "token").get_attribute("value")
        assert (login, token) == ("console@example.com", "console-token"), (login, token)
        step("the sign-in form holds the server's --login and --token")

        driver.set_window_size(390, 844)
        time.sleep(0.3)
        card = driver.execute_script(
            "const r = document.getElementById('signin').getBoundingClientRect();"
            "return [r.left, window.innerWidth - r.right];")
        assert min(card) >= 12, f"the sign-in card is {card} px from the screen's edges at 390 px"
        shot("phone-signin")
        driver.set_window_size(1280, 900)
        time.sleep(0.3)
        step("the sign-in card keeps a margin at a phone width")

        driver.find_element(By.ID, "signin-button").click()
        wait_text("brand", "brand: Demo Outfitters (demo-outfitters.com)")
        wait_text("who", "console@example.com")
        wait_text("contacts-count", "50 contacts")
        step("signing in shows the brand in use and the contacts")

        def search(query, expected_name):
            box = driver.find_element(By.ID, "q")
            box.clear()
            box.send_keys(query)
            driver.find_element(By.CSS_SELECTOR, "#search-form button").click()
            wait_text("contacts-count", "1 contact")
            wait_text("contacts", expected_name)

        wait_text("page", "page 1 of 2")
        driver.find_element(By.ID, "next").click()
        wait_text("page", "page 2 of 2")
        assert len(driver.find_elements(By.CSS_SELECTOR, "#contacts li")) == 20
        driver.find_element(By.ID, "prev").click()
        wait_text("page", "page 1 of 2")
        step("contacts page 30 at a time, forward and back")

        search("levi", "Levi Costa")
        step("search finds a contact")
        driver.find_element(By.CSS_SELECTOR, "#contacts li").click()
        wait_text("identities", "email: levi.costa@example.com")
        wait_text("contact", "Notes")
        wait.until(lambda d: "messages" in d.find_element(By.ID, "conversations").text)
        names = ["Unresolved", "Pending", "Resolved", "Spam", "Archived", "On hold"]
        listed = driver.find_element(By.ID, "conversations").text
        assert "status " not in listed and any(name in listed for name in names), listed
        step("opening a contact shows its identities, notes and conversations, statuses by name")
        driver.find_element(By.CSS_SELECTOR, "#conversations li").click()
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#conversation .message")) >= 2)
        opened = driver.find_element(By.ID, "conversation").text
        assert "status " not in opened and any(name + " · author" in opened for name in names), opened
        step("opening a conversation shows its status by name and its messages")
        shot("laptop-conversation")

        search("olivia", "Olivia")
        driver.find_element(By.CSS_SELECTOR, "#contacts li").click()
        wait_text("identities", "email: olivia.silva@example.com")

        driver.find_element(By.ID, "identity-value").send_keys("liam.garcia@example.com")
        driver.find_element(By.ID, "attach-button").click()
        wait_text("attach-result", "moved from Liam Garcia")
        wait_text("identities", "email: liam.garcia@example.com")
        step("attaching another contact's identity shows the re-association and where it came from")

        wait_text("journal", "POST /api/v1/contacts/olivia.silva%40example.com/identities")
        entry = next(item for item in driver.find_elements(By.CSS_SELECTOR, "#journal li") if "identities" in item.text)
        entry.click()
        wait_text("journal-detail", "liam.garcia@example.com")
        step("the journal shows the request live, with its bodies on click")
        shot("laptop-journal")

        driver.find_element(By.ID, "fault-500").click()
        wait_text("controls-result", "Next request fails: done")
        driver.find_element(By.CSS_SELECTOR, "#search-form button").click()
        wait_text("contacts", "Error 500")
        wait_text("journal", "500 GET /api/v1/contacts")
        step("a scripted fault fails the next request, seen in the list and the journal")

        driver.find_element(By.ID, "rate-limit").send_keys("100")
        driver.find_element(By.ID, "rate-set").click()
        wait_text("controls-result", "Rate limit set: done")
        driver.find_element(By.ID, "rate-off").click()
        wait_text("controls-result", "Rate limit off: done")
        step("the rate limit is switched on and off")

        def no_overflow_at_phone_width(name):
            driver.set_window_size(390, 844)
            time.sleep(0.3)
            overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"the {name} view is {overflow}px wider than a phone screen"
            shot("phone-" + name)
            driver.set_window_size(1280, 900)
            time.sleep(0.3)

        def view(label):
            next(b for b in driver.find_elements(By.CSS_SELECTOR, "#views button") if b.text == label).click()

        view("Knowledge base")
        wait_text("topics", "Shipping & Delivery")
        wait_text("articles-count", "articles")
        next(item for item in driver.find_elements(By.CSS_SELECTOR, "#topics li") if "Returns" in item.text).click()
        wait_text("articles-count", "in returns")
        driver.find_element(By.CSS_SELECTOR, "#articles li").click()
        wait_text("article", "Returns & Refunds")
        driver.find_element(By.ID, "article-q").send_keys("refund")
        driver.find_element(By.CSS_SELECTOR, "#article-search button").click()
        wait_text("articles", "When will I get my refund?")
        shot("laptop-knowledge-base")
        no_overflow_at_phone_width("knowledge-base")
        step("the knowledge base view lists topics and articles, filters them, and opens one (laptop and phone)")

        view("Status page")
        wait_text("systems", "Checkout")
        wait_text("systems", "degraded performance")
        wait_text("incidents", "Slow order confirmation emails")
        wait_text("incidents", "Delayed tracking updates")
        shot("laptop-status-page")
        no_overflow_at_phone_width("status-page")
        step("the status page view shows each system's status and the incidents with their updates (laptop and phone)")

        view("Reports")
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#volume-chart svg rect")) == 30)
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#response-chart svg rect")) == 30)
        bars = driver.execute_script(
            "return [...document.querySelectorAll('#volume-chart rect')].filter(r => +r.getAttribute('height') > 0).length")
        assert bars >= 15, f"only {bars} of the last 30 days have conversations in the demo data"
        wait_text("report-range", "the emulator clock's last 30 days")
        wait_text("staff-report", "Priya Patel")
        wait_text("channel-report", "Email")
        wait_text("tags-report", "shipping")
        shot("laptop-reports")
        no_overflow_at_phone_width("reports")
        step("the reports view draws the volume and response-time day maps as SVG charts, with staff, channels and tags (laptop and phone)")
        view("Contacts")

        driver.find_element(By.ID, "fresh-tenant").click()
        wait_text("who", "tenant-")
        wait_text("brand", "brand: Console")
        wait_text("contacts-count", "0 contacts")
        assert driver.current_url.startswith("http://tenant-"), driver.current_url
        step("a fresh tenant starts empty, on its own brand host")

        driver.find_element(By.ID, "reset-tenant").click()
        wait_text("controls-result", "Tenant reset: done")
        step("the tenant can be reset")

        driver.set_window_size(390, 844)
        time.sleep(0.3)
        overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the page is {overflow}px wider than a phone screen"
        shot("phone")
        step("usable at a phone width: no sideways scrolling")

        errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"
                  and "Failed to load resource" not in entry["message"]]
        assert not errors, f"JavaScript errors: {errors}"
        step("no JavaScript errors")
    except Exception:
        shot("failure")
        print(f"FAILED after: {steps[-1] if steps else 'start'}; screenshot in {SHOTS}/failure.png", file=sys.stderr)
        raise
    finally:
        driver.quit()
        server.terminate()
        server.wait()
    if os.environ.get("UPDATE_SCREENSHOTS"):
        shutil.copy(os.path.join(SHOTS, "laptop-journal.png"), os.path.join(ROOT, "docs", "console.png"))
        shutil.copy(os.path.join(SHOTS, "phone.png"), os.path.join(ROOT, "docs", "console-phone.png"))
        shutil.copy(os.path.join(SHOTS, "laptop-reports.png"), os.path.join(ROOT, "docs", "console-reports.png"))
    print(f"{len(steps)} passed, 0 failed")


if __name__ == "__main__":
    main()
