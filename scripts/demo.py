"""Demo traffic for `make run`: a few tickets per channel, in English and Russian, then a tour.

Every step goes through the public HTTP APIs; what it prints was read back from the services.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

DEMO_TICKETS: tuple[dict[str, str], ...] = (
    {
        "customer": "acme-shop",
        "channel": "email",
        "subject": "Every page shows error 500",
        "body": "Since the deploy an hour ago the whole shop answers 500 Internal Server Error "
        "on every page, admin included.",
        "contact": "it@acme.example",
    },
    {
        "customer": "acme-shop",
        "channel": "web",
        "subject": "How to export the order list?",
        "body": "Not urgent: how can I export last month's orders to a spreadsheet?",
        "contact": "sales@acme.example",
    },
    {
        "customer": "acme-shop",
        "channel": "telegram",
        "subject": "",
        "body": "Добрый день! Корзина не сохраняет заказы, клиенты не могут оформить покупку.",
        "contact": "@acme_manager",
    },
    {
        "customer": "nordic-clinic",
        "channel": "phone",
        "subject": "",
        "body": "Caller says appointment booking form accepts requests but nothing reaches the "
        "doctors' calendar since this morning.",
        "contact": "+49 30 1234567",
    },
    {
        "customer": "nordic-clinic",
        "channel": "whatsapp",
        "subject": "",
        "body": "We got an alert about thousands of failed admin logins from abroad overnight.",
        "contact": "+49 151 2222333",
    },
    {
        "customer": "fintech-247",
        "channel": "slack",
        "subject": "",
        "body": "Хостинг-провайдер сообщает об аварии в дата-центре, наш сервер недоступен.",
        "contact": "#fintech-support",
    },
    {
        "customer": "fintech-247",
        "channel": "email",
        "subject": "Server CPU at 100%",
        "body": "The production VPS is at 100% CPU and the site stopped responding; we can still "
        "ssh in.",
        "contact": "ops@fintech.example",
    },
    {
        "customer": "fintech-247",
        "channel": "phone",
        "subject": "",
        "body": "Звонил клиент: просит добавить поле ИНН в форму регистрации.",
        "contact": "+7 495 000-00-00",
    },
)


def call(method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    """One JSON request; returns the decoded answer (None on 404)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url, data=data, method=method, headers={"content-type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise RuntimeError(f"{method} {url}: {error.code} {error.read().decode()}") from error


def wait_for(url: str, *, timeout: float = 30.0) -> Any:
    """Poll a GET until it stops answering 404, with a deadline."""
    deadline = time.monotonic() + timeout
    while (answer := call("GET", url)) is None:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} still 404 after {timeout:.0f} s")
        time.sleep(0.3)
    return answer


def send_demo_traffic(urls: dict[str, str]) -> None:
    """Post the demo tickets, then show triage, SLA, an escalation and the monthly report."""
    print("\n==> demo traffic", flush=True)
    tickets = [call("POST", f"{urls['intake']}/tickets", body) for body in DEMO_TICKETS]
    print(f"  {'ticket':<17} {'customer':<14} {'channel':<9} class line prio", flush=True)
    for ticket in tickets:
        decision = wait_for(f"{urls['triage']}/tickets/{ticket['id']}/classification")
        current = decision.get("current", decision)
        print(
            f"  {ticket['id']:<17} {ticket['customer_id']:<14} {ticket['channel']:<9} "
            f"{current.get('request_class')!s:>5} {current.get('line')!s:>4} "
            f"{current.get('priority')}",
            flush=True,
        )
    first, second = tickets[0], tickets[1]
    call(
        "POST",
        f"{urls['intake']}/tickets/{first['id']}/replies",
        {"agent": "anna", "body": "We are rolling back the release now."},
    )
    call(
        "POST",
        f"{urls['intake']}/tickets/{second['id']}/replies",
        {"agent": "boris", "body": "Orders > Export > CSV; details attached."},
    )
    call(
        "POST",
        f"{urls['intake']}/tickets/{second['id']}/status",
        {"status": "resolved", "actor": "boris", "reason": "answered"},
    )
    vendor_ticket = tickets[5]
    escalation = (
        call(
            "POST",
            f"{urls['escalation']}/tickets/{vendor_ticket['id']}/escalations",
            {
                "vendor_id": "selectel",
                "reason": "datacenter outage at the provider",
                "actor": "demo",
            },
        )
        if wait_for(f"{urls['escalation']}/tickets/{vendor_ticket['id']}/escalations")
        else None
    )
    sla = wait_for(f"{urls['sla-timer']}/tickets/{first['id']}/sla")
    print(f"\n  SLA clocks of {first['id']}:", flush=True)
    for clock in sla.get("clocks", []):
        print(
            f"    {clock.get('kind'):<10} {clock.get('state'):<14} "
            f"deadline {clock.get('deadline')}",
            flush=True,
        )
    if escalation is not None:
        vendor = escalation["engaged_vendor"]["vendor_id"]
        print(f"  {vendor_ticket['id']} handed to vendor {vendor} (line 4)", flush=True)
    month = time.strftime("%Y-%m", time.gmtime())
    report = call("GET", f"{urls['reporting']}/reports/monthly?customer=acme-shop&month={month}")
    response = report["sla"]["response"]
    print(
        f"\n  monthly report, acme-shop {month}: {report['tickets_total']} tickets; "
        f"by class {report['by_class']}; response SLA met {response['met']}, "
        f"breached {response['breached']}; escalations {report['escalations']['total']}",
        flush=True,
    )
