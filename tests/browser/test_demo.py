"""The example marketplace, end to end, in a real browser.

Starts ``example/manage.py runserver`` (offline: FakeStripe) on a free port with its
own data directory, then drives Debian's Chromium through Playwright along the
whole story: sign up, onboard sellers three ways (custom form and wizard, Express
Account Link, Standard OAuth), list an item, buy it (PaymentIntent and Checkout),
the seller's dashboard (balance, transfers, payouts, "pay out now"), the
verification loop, a refund, and a server restart that keeps everything.
Screenshots of each step go to ``test-artifacts/demo/``.

Runs in the SQLite pass only: the example uses its own SQLite database whatever the
suite's database is, so the PostgreSQL pass would repeat the same run.
"""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "example"
ARTIFACTS = ROOT / "test-artifacts" / "demo"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
STARTUP_TIMEOUT = 60  # seconds for the development server to answer


def _unavailable(reason):
    """Skip when the browser cannot run here, except in CI where it must."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI is set, so the browser test must run (see `make browser-deps`)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def playwright_api():
    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        pytest.skip("browser test runs in the SQLite pass only: the example has its own SQLite database")
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"{CHROMIUM} is missing (install Debian's chromium: `make browser-deps`)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as api:
        yield api


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DemoServer:
    """``manage.py runserver`` of the example in a subprocess, with its own data directory."""

    def __init__(self, data_dir):
        self.data_dir = data_dir
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("STRIPE_")}  # always offline
        self.env.update(DEMO_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="tests.browser.demo_settings",
                        PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
        self.log = open(data_dir / "server.log", "a")
        self.process = None

    def manage(self, *args):
        return subprocess.run([sys.executable, "manage.py", *args], cwd=EXAMPLE, env=self.env,
                              check=True, capture_output=True, text=True).stdout

    def setup(self):
        self.manage("migrate", "--noinput")
        self.manage("demo_setup")
        return json.loads((self.data_dir / "demo-passwords.json").read_text())

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=EXAMPLE, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        pytest.fail("the example server did not start:\n" + (self.data_dir / "server.log").read_text()[-3000:])

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(browser, tmp_path_factory):  # after `browser`: no server when the test is skipped
    server = DemoServer(tmp_path_factory.mktemp("demo-data"))
    server.passwords = server.setup()
    server.start()
    yield server
    server.stop()
    server.log.close()


@pytest.fixture(scope="module")
def browser(playwright_api):
    browser = playwright_api.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


class Story:
    """One browser tab walking through the site, with numbered screenshots."""

    def __init__(self, page, server):
        self.page, self.server, self.step = page, server, 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS.parent / ".gitignore").write_text("*\n")
        for old in ARTIFACTS.glob("*.png"):  # this run's screenshots only
            old.unlink()
        # Every 4xx/5xx answer and console error of our own pages fails the story.
        self.problems = []
        page.on("response", self._response)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"page error on {page.url}: {exc}"))

    def _ours(self, url):
        return url.startswith(self.server.url)

    def _response(self, response):
        if self._ours(response.url) and response.status >= 400:
            self.problems.append(f"{response.status} {response.request.method} {response.url}")

    def _console(self, message):
        if message.type == "error" and self._ours(self.page.url):
            self.problems.append(f"console error on {self.page.url}: {message.text}")

    def assert_clean(self):
        assert not self.problems, "\n".join(self.problems)

    def go(self, path):
        self.page.goto(self.server.url + path)

    def shot(self, name):
        self.step += 1
        self.page.screenshot(path=str(ARTIFACTS / f"{self.step:02d}-{name}.png"), full_page=True)

    def text(self, selector="main"):
        return self.page.inner_text(selector)

    def fill(self, values):
        """Fill form fields by name: text, selects (by value) and checkboxes (True)."""
        for name, value in values.items():
            field = self.page.locator(f"[name='{name}']")
            kind = field.evaluate("el => el.tagName + ':' + (el.type || '')")
            if kind.startswith("SELECT"):
                field.select_option(value)
            elif kind.endswith(":checkbox"):
                field.check()
            else:
                field.fill(value)

    def submit(self, label="button[type=submit]"):
        self.page.click(f"main {label}")

    def sign_up(self, username):
        self.log_out()
        self.go("/signup/")
        self.fill({"username": username, "email": f"{username}@example.com",
                   "password1": "correct-horse-battery", "password2": "correct-horse-battery"})
        self.submit()
        assert username in self.text("header")

    def log_in(self, username, password):
        self.log_out()
        self.go("/accounts/login/")
        self.fill({"username": username, "password": password})
        self.submit()
        assert username in self.text("header")

    def log_out(self):
        self.go("/")
        if self.page.locator("header >> text=Log out").count():
            self.page.click("header >> text=Log out")

    def dashboard(self):
        self.go("/dashboard/")
        return self.text()


def person(prefix=""):
    return {
        f"{prefix}individual__first_name": "Sally", f"{prefix}individual__last_name": "Seller",
        f"{prefix}individual__dob": "1990-01-01", f"{prefix}individual__email": "sally@example.com",
        f"{prefix}individual__phone": "+15555550100", f"{prefix}individual__ssn_last_4": "0000",
    }


ADDRESS = {"individual__address__line1": "address_full_match", "individual__address__city": "San Francisco",
           "individual__address__state": "CA", "individual__address__postal_code": "94110"}
BANK = {"external_account__routing_number": "110000000", "external_account__account_number": "000123456789",
        "external_account__account_holder_name": "Sally Seller"}
PROFILE = {"business_profile__mcc": "5734", "business_profile__url": "https://sally.example.com"}
COMPANY_PERSON = {
    "company__name": "Carla Ceramics LLC", "company__phone": "+14155550100",
    "representative__first_name": "Carla", "representative__last_name": "Potter",
    "representative__dob": "1985-05-05", "representative__email": "carla@example.com",
    "representative__phone": "+14155550101", "representative__relationship__title": "CEO",
}
COMPANY_ADDRESS = {
    "company__address__line1": "1 Main St", "company__address__city": "Austin", "company__address__state": "TX",
    "company__address__postal_code": "73301", "representative__address__line1": "2 Main St",
    "representative__address__city": "Austin", "representative__address__state": "TX",
    "representative__address__postal_code": "73301",
}
COMPANY_VERIFICATION = {
    "company__tax_id": "000000000", "representative__ssn_last_4": "0000",
    "external_account__routing_number": "110000000", "external_account__account_number": "000123456789",
    "external_account__account_holder_name": "Carla Ceramics", "tos_acceptance": True,
}


def test_marketplace_story(browser, server):
    page = browser.new_page()
    page.set_default_timeout(15_000)
    try:
        story = Story(page, server)
        play_story(story, page, server)
        story.assert_clean()
    except BaseException:
        page.screenshot(path=str(ARTIFACTS / "failure.png"), full_page=True)
        print("Server log (tail):\n" + (server.data_dir / "server.log").read_text()[-5000:])
        raise
    finally:
        page.close()


def play_story(s, page, server):

    # 1. Sign up; 2a. onboard as a custom account through InitialCustomAccountForm.
    s.sign_up("sally")
    s.shot("signed-up")
    s.go("/sell/")
    s.shot("become-seller")
    page.click("#custom")
    s.fill({**person(), **ADDRESS, **PROFILE, **BANK, "tos_acceptance": True})
    s.shot("custom-account-form")
    s.submit()
    assert page.url.endswith("/dashboard/"), s.text()
    assert page.inner_text("#charges-enabled") == "yes" and page.inner_text("#payouts-enabled") == "yes"
    assert "····6789" in s.text("#account")
    s.shot("custom-account-dashboard")

    # 3. List an item.
    page.click("#new-item")
    s.fill({"title": "Handmade mug", "description": "Blue glaze.", "content": "Pick-up code MUG-42",
            "price": "30.00", "currency": "usd"})
    s.submit()
    assert "Handmade mug" in s.text() and "3.00 USD" in s.text()  # the marketplace's 10%
    mug_url = page.url
    s.shot("item-listed")

    # 4a. A buyer pays with a card: a destination charge with an application fee.
    s.log_in("buyer", server.passwords["buyer"])
    s.go(mug_url.removeprefix(server.url))
    assert "Pick-up code" not in s.text()
    page.select_option("[name=payment_method]", "pm_card_chargeDeclined")
    page.click("#pay")
    assert "Payment declined" in s.text(".messages")
    s.shot("card-declined")
    page.select_option("[name=payment_method]", "pm_card_visa")
    page.click("#pay")
    # The payment_intent.succeeded webhook granted the item.
    assert page.inner_text("#purchase-status") == "Paid"
    assert "Pick-up code MUG-42" in s.text("#content")
    assert "3.00 USD" in s.text()  # the marketplace's fee
    s.shot("paid-with-payment-intent")

    # 4b. The same through Stripe Checkout (the fake's hosted page is served by the site).
    s.go("/")
    page.click("text=Field guide to Stripe Connect")
    page.click("#checkout")
    assert "/fake-stripe/checkout/cs_test_" in page.url
    s.shot("checkout-page")
    page.click("#checkout-pay")
    assert "session_id=cs_test_" in page.url
    assert page.inner_text("#purchase-status") == "Paid"  # checkout.session.completed
    assert "Chapter 1" in s.text("#content")
    s.go("/purchases/")
    s.shot("buyer-purchases")

    # 5. The seller's dashboard: the sale, the transfer of the whole price, and the
    # balance once the application fee was taken back (30.00 - 3.00).
    s.log_in("sally", "correct-horse-battery")
    s.dashboard()
    assert "Handmade mug" in s.text("#sales") and "Paid" in s.text("#sales")
    assert "30.00 USD" in s.text("#transfers")
    assert s.text("#balance .available") == "27.00 USD"
    s.shot("seller-dashboard")

    # 7. Refund the sale: the transfer is reversed, the fee given back, access revoked.
    page.click("#sales a.danger")
    assert "cannot be undone" in s.text()
    s.shot("refund-confirmation")
    page.click("#confirm-refund")
    assert "Refunded" in s.text("#sales")  # charge.refunded webhook
    assert s.text("#balance .available") == "0.00 USD"
    assert s.text("#transfers .reversed") == "30.00 USD"
    s.shot("refunded")

    # A second sale, paid out by hand ("pay out now"), then settled by the (fake) bank.
    s.log_in("buyer", server.passwords["buyer"])
    s.go(mug_url.removeprefix(server.url))
    page.click("#pay")
    assert page.inner_text("#purchase-status") == "Paid"
    s.log_in("sally", "correct-horse-battery")
    s.dashboard()
    page.click("#payout-usd")
    assert "on its way" in s.text(".messages")
    assert "pending" in s.text("#payouts") and "27.00 USD" in s.text("#payouts")
    page.click("#settle-payouts")
    assert "paid" in s.text("#payouts")
    s.shot("paid-out")

    # 6. Verification loop: Stripe asks for more (account.updated), the seller answers.
    page.click("#raise-requirements")
    assert "ID number" in s.text("#requirements") and "Please provide it by" in s.text("#requirements")
    assert "individual.id_number" not in s.text("#requirements") and ".." not in s.text("#requirements")
    s.shot("requirements-raised")
    page.click("#provide-info")
    s.shot("additional-info-form")
    s.fill({"individual__id_number": "000000000"})
    s.submit()
    assert page.url.endswith("/dashboard/"), s.text()
    assert page.locator("#requirements").count() == 0
    assert "needs nothing more" in s.text()
    s.shot("requirements-cleared")

    # Refund after a payout: the balance goes negative and the dashboard says why.
    page.click("#sales a.danger")
    page.click("#confirm-refund")
    assert s.text("#available-usd") == "-27.00 USD"
    assert "took back more than you had available" in s.text("#balance")
    assert page.locator("#payout-usd").count() == 0
    s.shot("negative-balance-after-refund")

    # A partial refund of a third sale: the buyer keeps the item.
    s.log_in("buyer", server.passwords["buyer"])
    s.go(mug_url.removeprefix(server.url))
    page.click("#pay")
    third = page.url
    s.log_in("sally", "correct-horse-battery")
    s.dashboard()
    page.click("#sales a.danger")
    s.fill({"amount": "10.00"})
    s.shot("partial-refund")
    page.click("#confirm-refund")
    assert "10.00 USD refunded" in s.text("#sales")
    s.log_in("buyer", server.passwords["buyer"])
    s.go(third.removeprefix(server.url))
    assert page.inner_text("#purchase-status") == "Paid" and "10.00 USD refunded" in s.text()
    assert "pi_" not in s.text() and "ch_" not in s.text()

    # EUR: a sale in euros is paid out once the seller has a EUR bank account.
    s.log_in("sally", "correct-horse-battery")
    s.go("/dashboard/items/new/")
    s.fill({"title": "Euro teapot", "description": "Green.", "content": "Pick-up code TEA-7",
            "price": "0.10", "currency": "eur"})
    s.submit()
    assert "lowest price Stripe accepts in EUR is 0.50 EUR" in s.text()
    s.fill({"price": "40.00"})
    s.submit()
    teapot_url = page.url
    s.go("/dashboard/items/new/")
    s.fill({"title": "Euro cup", "content": "Pick-up code CUP-3", "price": "12.00", "currency": "eur"})
    s.submit()
    cup_url = page.url
    s.log_in("buyer", server.passwords["buyer"])
    s.go(teapot_url.removeprefix(server.url))
    page.click("#pay")
    assert page.inner_text("#purchase-status") == "Paid"
    s.log_in("sally", "correct-horse-battery")
    s.dashboard()
    assert s.text("#available-eur") == "36.00 EUR" and page.locator("#payout-eur").count() == 0
    assert "Add a bank account in EUR" in s.text("#balance")
    s.shot("eur-balance-without-bank")
    page.click("#add-bank-eur")
    assert "(EUR)" in s.text("#account")
    page.click("#payout-eur")
    assert "A payout of 36.00 EUR is on its way" in s.text(".messages")
    s.shot("eur-paid-out")

    # Checkout abandoned, resumed, expired and started again; another one cancelled.
    s.log_in("buyer", server.passwords["buyer"])
    s.go(cup_url.removeprefix(server.url))
    page.click("#checkout")
    page.click("#checkout-back")
    page.click("#cancel-purchase")
    assert page.inner_text("#purchase-status") == "Cancelled" and "nothing was charged" in s.text()
    s.shot("checkout-cancelled")
    s.go(cup_url.removeprefix(server.url))
    page.click("#checkout")
    page.click("#checkout-back")
    assert page.inner_text("#purchase-status") == "Waiting for payment"
    s.shot("checkout-abandoned")
    page.click("#resume-checkout")
    assert "/fake-stripe/checkout/cs_test_" in page.url
    page.click("#checkout-expire")  # checkout.session.expired
    assert page.inner_text("#purchase-status") == "Payment page expired"
    s.shot("checkout-expired")
    page.click("#resume-checkout")
    page.click("#checkout-pay")
    assert page.inner_text("#purchase-status") == "Paid"

    # A seller cannot buy their own item.
    s.log_in("sally", "correct-horse-battery")
    s.go(teapot_url.removeprefix(server.url))
    assert "This is your own item." in s.text() and page.locator("#pay").count() == 0

    # A disputed sale (Stripe's dispute test card): the seller's transfer is reversed at
    # once; staff answer with Stripe's winning test evidence and the money goes back.
    s.go("/dashboard/items/new/")
    s.fill({"title": "Clay bowl", "content": "Pick-up code BOWL-5", "price": "25.00", "currency": "usd"})
    s.submit()
    bowl_url = page.url
    s.log_in("buyer", server.passwords["buyer"])
    s.go(bowl_url.removeprefix(server.url))
    page.select_option("[name=payment_method]", "pm_card_createDispute")
    page.click("#pay")
    assert page.inner_text("#purchase-status") == "Paid"
    s.log_in("sally", "correct-horse-battery")
    s.dashboard()
    assert "Clay bowl" in s.text("#disputes") and "Open: the marketplace is preparing its answer" in s.text("#disputes")
    assert "25.00 USD taken back from your balance" in s.text("#disputes")
    s.shot("dispute-opened")
    s.log_in("admin", server.passwords["admin"])
    page.click("#staff-disputes")
    page.click("#staff-dispute-list a.button")
    s.fill({"uncategorized_text": "Picked up in person on the day of sale, code BOWL-5 used. winning_evidence"})
    page.set_input_files("[name=uncategorized_file]", files=[
        {"name": "receipt.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 signed receipt"}])
    s.shot("dispute-evidence")
    page.click("#submit-evidence")
    assert "Evidence submitted" in s.text(".messages") and "Won" in page.inner_text("#dispute-status")
    s.log_in("sally", "correct-horse-battery")
    s.dashboard()
    assert "Won: the money came back" in s.text("#disputes")
    assert "25.00 USD transferred back to you" in s.text("#disputes")
    s.shot("dispute-won")

    # 2b. Express through an Account Link (Stripe's hosted page is the site's stand-in).
    s.sign_up("eve")
    s.go("/sell/")
    page.click("#express")
    assert "/fake-stripe/account_link/" in page.url
    s.shot("express-account-link")
    page.click("#complete-onboarding")
    assert page.url.endswith("/dashboard/")
    assert "Express" in s.text("#account") and page.inner_text("#charges-enabled") == "yes"
    assert "Your Express account is set up." in s.text(".messages")
    s.shot("express-dashboard")
    page.click("text=Open my Express dashboard")  # a login link
    assert "/fake-stripe/express/acct_" in page.url and "Stripe Express" in s.text("body")

    # 2c. Standard through OAuth.
    s.sign_up("stan")
    s.go("/sell/")
    page.click("#standard")
    assert "/fake-stripe/oauth/authorize" in page.url
    s.shot("standard-oauth")
    page.click("#oauth-connect")
    assert page.url.endswith("/dashboard/"), s.text()
    assert "Standard" in s.text("#account") and page.inner_text("#charges-enabled") == "yes"
    s.shot("standard-dashboard")

    # 2d. Custom again, through the step-by-step wizard.
    s.sign_up("wendy")
    s.go("/sell/")
    page.click("#wizard")
    s.fill({"business_type-business_type": "individual", **{f"business_type-{k}": v for k, v in PROFILE.items()}})
    s.submit("button:has-text('Next')")
    s.fill({f"person-{k}": v for k, v in person().items() if not k.endswith("ssn_last_4")})
    s.submit("button:has-text('Next')")
    s.fill({f"address-{k}": v for k, v in ADDRESS.items()})
    s.submit("button:has-text('Next')")
    # Every sensitive value is asked for in the last step only (never kept between steps).
    assert "we do not keep them" in s.text()
    s.fill({"verification-individual__ssn_last_4": person()["individual__ssn_last_4"],
            **{f"verification-{k}": v for k, v in BANK.items()}, "verification-tos_acceptance": True})
    s.shot("wizard-last-step")
    s.submit("button:has-text('Create my account')")
    assert page.url.endswith("/dashboard/"), s.text()
    assert "Custom" in s.text("#account") and page.inner_text("#charges-enabled") == "yes"
    assert "Your payment account is ready." in s.text(".messages")

    # An Express seller who has not finished onboarding cannot list.
    s.sign_up("eve_unready")
    s.go("/sell/")
    page.click("#express")
    s.go("/dashboard/")
    assert page.locator("#new-item").count() == 0 and "You can list items once" in s.text()
    s.shot("express-unfinished")

    # 2e. A company through the wizard, owners declared: it can sell at once.
    s.sign_up("carla")
    s.go("/sell/")
    page.click("#wizard")
    s.fill({"business_type-business_type": "company", **{f"business_type-{k}": v for k, v in PROFILE.items()}})
    s.submit("button:has-text('Next')")
    s.fill({f"person-{k}": v for k, v in COMPANY_PERSON.items()})
    s.submit("button:has-text('Next')")
    s.fill({f"address-{k}": v for k, v in COMPANY_ADDRESS.items()})
    s.submit("button:has-text('Next')")
    # Ownership: the representative runs the business and declares the owners listed.
    s.fill({"ownership-representative__relationship__executive": True, "ownership-company__owners_provided": True,
            "ownership-company__ownership_declaration": True})
    s.submit("button:has-text('Next')")
    s.fill({f"verification-{k}": v for k, v in COMPANY_VERIFICATION.items()
            if page.locator(f"[name='verification-{k}']").count()})
    s.shot("company-wizard-last-step")
    s.submit("button:has-text('Create my account')")
    # Owners declared, representative verified, bank and terms given: a company finishes
    # onboarding in our forms alone (no hosted step).
    assert page.url.endswith("/dashboard/"), s.text()
    assert "Your payment account is ready." in s.text(".messages")
    assert page.locator("#requirements").count() == 0 and page.locator("#new-item").count() == 1
    s.shot("company-ready")

    # The admin, styled; staff list an item for a seller who cannot sell; buyers get a sentence.
    s.log_in("admin", server.passwords["admin"])
    s.go("/admin/")
    assert page.evaluate("getComputedStyle(document.querySelector('#header')).backgroundColor") != "rgba(0, 0, 0, 0)"
    s.shot("admin")
    s.go("/admin/shop/item/add/")
    page.select_option("[name=seller]", label="eve_unready")
    s.fill({"title": "Company vase", "content": "Vase code V-1", "price": "15.00", "currency": "usd"})
    page.click("[name=_save]")
    s.log_in("buyer", server.passwords["buyer"])
    s.go("/")
    page.click("text=Company vase")
    assert "This seller cannot take payments right now." in s.text() and page.locator("#pay").count() == 0
    assert "charges_enabled" not in s.text() and "acct_" not in s.text()
    s.shot("unready-seller-item")

    # 2f. Embedded onboarding (Connect.js offline: the stand-in plays the seller).
    s.sign_up("emma")
    s.go("/sell/")
    page.click("#embedded")
    assert "Connect.js" in s.text("#embedded-stand-in")
    s.shot("embedded-onboarding-stand-in")
    page.click("#complete-embedded")
    assert page.url.endswith("/dashboard/") and "Your Express account is set up." in s.text(".messages")
    assert page.inner_text("#charges-enabled") == "yes"

    # Standard OAuth denied: our words, not the query string's.
    s.sign_up("dora")
    s.go("/sell/")
    page.click("#standard")
    page.click("button[name=deny]")
    assert "You did not connect a Stripe account" in s.text(".messages")
    assert "denied your request" not in s.text()

    # A restart keeps the database and the fake Stripe's state.
    server.stop()
    server.start()
    s.log_in("sally", "correct-horse-battery")
    s.dashboard()
    assert "Refunded" in s.text("#sales") and "paid" in s.text("#payouts")
    assert "36.00 EUR" in s.text("#payouts")
    assert page.inner_text("#charges-enabled") == "yes"
    s.shot("after-restart")
