"""Triage rules on hand-written requests (not taken from the dev set), in English and Russian."""

from __future__ import annotations

import pytest

from triage.rules import RULE_SET_VERSION, Decision, TriageInput, TriagePolicy, classify

ALL_LINES = TriagePolicy(lines=(0, 1, 2, 3, 4))


def triage(body: str, *, subject: str | None = None, policy: TriagePolicy = ALL_LINES) -> Decision:
    return classify(TriageInput(subject=subject, body=body, channel="email"), policy=policy)


# (expected class, expected line under a contract with every line, text)
CLASSIFIED = [
    # class 1: provider, hosting, ISP, power, CDN, DNS, virtualization
    (1, 4, "The host says the rack lost power in their datacenter; our VM stays offline."),
    (1, 4, "DigitalOcean AMS3 has a network incident on their status page. Can you chase them?"),
    (1, 4, "Our office internet provider is down since 8am, the CRM is unreachable from outside."),
    (1, 4, "Fastly serves 503 for all static files, they report a partial outage in Europe."),
    (1, 4, "Our registrar's nameservers are not answering and the domain stopped resolving."),
    (1, 4, "У провайдера Ростелеком авария, интернета в офисе нет, сервер 1С недоступен снаружи."),
    (1, 4, "Хостер пишет: в дата-центре будут менять блок питания, сервер выключат ночью."),
    (1, 4, "Сайт не открывается, у Таймвеба авария в сети ДЦ, мы ничего не трогали."),
    (1, 4, "Облачный провайдер сообщил о сбое гипервизора, наши виртуальные машины не стартуют."),
    (1, 4, "Картинки не грузятся, CDN-провайдер объявил об аварии на своих узлах."),
    # class 2: the server we administer
    (2, 2, "Disk on db-02 is full and postgres refuses new connections, please free some space."),
    (2, 2, "Our VPS keeps running out of memory, the OOM killer takes php-fpm down every hour."),
    (2, 2, "Please fail over to the standby server, the primary box is not responding to ssh."),
    (2, 2, "Could you upgrade the kernel on our dedicated server and reboot the server on Sunday?"),
    (2, 2, "Load average on web-01 is high for an hour (CPU 100%), the site barely responds."),
    (2, 2, "На сервере закончилось место на диске, база не пишет. Почистите логи, пожалуйста."),
    (2, 2, "Сервер не отвечает с утра, по ssh не пускает, хостер говорит у них всё в порядке."),
    (2, 2, "Нагрузка на процессор db-01 держится на 100% второй час, сайт еле работает."),
    (2, 2, "Нужно обновить ОС (Debian 10 до 12) на выделенном сервере, согласуйте окно работ."),
    (2, 2, "Основной сервер упал, переключите нас на резервный сервер."),
    # class 3: the whole application is inoperable, or preventive maintenance
    (3, 3, "After yesterday's deploy the whole web shop shows a blank page. The server is fine."),
    (3, 3, "Nobody in the company can sign in to the intranet since this morning."),
    (3, 3, "The app crashes on launch for every user after the new release went out."),
    (3, 3, "Every page of our portal returns HTTP 500 since the update."),
    (3, 3, "Please do the quarterly maintenance of our Drupal site: update the modules and core."),
    (3, 3, "Сайт полностью лёг после вчерашнего релиза: на любой странице ошибка 500."),
    (3, 3, "Никто из сотрудников не может войти в корпоративный портал с утра."),
    (3, 3, "Мобильное приложение вылетает при запуске у всех пользователей после обновления."),
    (3, 3, "Весь портал показывает белый экран, админка тоже не открывается."),
    (3, 3, "Проведите, пожалуйста, профилактику сайта: обновление модулей и очистку кэша."),
    # class 4: key business process broken, application too slow, wrong logic
    (4, 3, "Customers can't complete checkout, the pay button spins. The rest of the site works."),
    (4, 3, "Invoices generated today show the wrong tax amount, already 30 of them went out."),
    (4, 3, "Our CRM stopped assigning new leads to sales reps since Monday."),
    (4, 2, "The whole shop is painfully slow, each page takes 20 seconds, customers are leaving."),
    (4, 3, "Delivery cost is calculated incorrectly for international orders."),
    (4, 3, "Не проходит оплата заказов: после ввода карты ошибка. Остальной сайт работает."),
    (4, 3, "В CRM перестали сохраняться сделки, при нажатии «Сохранить» ничего не происходит."),
    (4, 3, "Цены в каталоге показываются без скидки для оптовиков, клиенты жалуются."),
    (4, 3, "Онлайн-запись на приём не работает: пациенты записываются, а в расписании пусто."),
    (4, 2, "Весь сайт страшно тормозит, страницы открываются по 15 секунд, покупатели уходят."),
    # class 5: one component, security, intruders, viruses
    (5, 2, "We're under a DDoS since noon, the site goes up and down."),
    (5, 3, "The weather widget on the homepage is empty. Everything else looks fine, no rush."),
    (5, 2, "Our scanner flagged a suspicious PHP file in the uploads folder. Were we hacked?"),
    (5, 2, "The FAQ section loads slowly (5 seconds) while everything else is quick."),
    (5, 2, "A pentest found an SQL injection in the search form."),
    (5, 2, "Похоже, нас взломали: на главной появилась чужая реклама казино."),
    (5, 2, "Кто-то подбирает пароль к админке, сотни попыток входа за час с разных IP."),
    (5, 3, "На странице контактов пропала карта проезда, остальное ок, не срочно."),
    (5, 3, "Слайдер на главной перестал листаться, остальное на сайте работает нормально."),
    (5, 2, "Антивирус нашёл вредоносный код в файлах сайта, что делать?"),
    # class 6: questions, documentation, change requests
    (6, 1, "How can I change the logo in the header? Not urgent."),
    (6, 3, "Could you add a 'Print' button to the order page? Please send an estimate."),
    (6, 1, "Where can I find the user manual for the dealer portal?"),
    (6, 3, "Please write technical documentation for the warehouse integration."),
    (6, 1, "Just a question: do we need to renew the domain ourselves?"),
    (6, 1, "Подскажите, как поменять телефон на странице контактов?"),
    (6, 3, "Хотим добавить в личный кабинет историю заказов, оцените сроки и стоимость доработки."),
    (6, 1, "Пришлите, пожалуйста, инструкцию по выгрузке отчётов."),
    (6, 3, "Нужно написать руководство пользователя для нового модуля склада."),
    (6, 1, "Вопрос не срочный: можно ли самим подключить ещё один способ доставки в админке?"),
    # non-core: spam, ads, job applications, billing, wrong address, thanks
    (None, 0, "Hi, I'm a backend developer looking for a new job, my CV is attached."),
    (None, 0, "We guarantee first page of Google in 30 days! Free audit, reply now."),
    (None, 0, "Hello, is this the dental clinic? I need to move my appointment."),
    (None, 0, "Thanks a lot, works perfectly now!"),
    (None, 0, "Please send us a copy of the May invoice with our VAT number on it."),
    (None, 0, "Добрый день, рассматриваете ли вы стажёров? Прикладываю резюме."),
    (None, 0, "Продвижение сайта в ТОП-10 Яндекса с гарантией результата, звоните!"),
    (None, 0, "Пришлите акт сверки за первое полугодие."),
    (None, 0, "Спасибо, всё отлично работает!"),
    (None, 0, "Алло, это регистратура? Хочу записаться к врачу на завтра."),
]


@pytest.mark.parametrize(("expected_class", "expected_line", "text"), CLASSIFIED)
def test_classifies_class_and_line(
    expected_class: int | None, expected_line: int, text: str
) -> None:
    decision = triage(text)
    assert (decision.request_class, decision.line) == (expected_class, expected_line), (
        decision.reasons
    )


def test_every_class_has_four_examples_per_language() -> None:
    for category in (1, 2, 3, 4, 5, 6, None):
        texts = [text for expected, _, text in CLASSIFIED if expected == category]
        languages = [triage(text).language for text in texts]
        assert languages.count("en") >= 4, category
        assert languages.count("ru") >= 4, category


@pytest.mark.parametrize(
    ("lines", "text", "expected_line"),
    [
        ((0, 1, 2, 3), "Our datacenter lost power, the server is offline.", 3),
        ((0, 1, 2), "Every page of the site returns HTTP 500 after the release.", 2),
        ((1, 2, 3), "Our SEO agency guarantees first page of Google, free audit!", 1),
        ((2, 3), "Подскажите, как выгрузить заказы в Excel?", 2),
        ((0, 1), "Сервер упал, по ssh не пускает.", 1),
    ],
)
def test_line_is_clamped_to_the_contract(
    lines: tuple[int, ...], text: str, expected_line: int
) -> None:
    decision = triage(text, policy=TriagePolicy(lines=lines))
    assert decision.line == expected_line
    assert decision.line in lines
    assert any("contract includes lines" in reason for reason in decision.reasons)


@pytest.mark.parametrize(
    ("text", "stability", "expected"),
    [
        ("The hosting provider's datacenter is down, our site is offline.", False, "P1"),
        ("The server is down, ssh refused.", False, "P1"),
        ("Please schedule an OS upgrade on our VPS next weekend.", False, "P3"),
        ("Please schedule an OS upgrade on our VPS next weekend.", True, "P1"),
        ("Every page of the portal returns 500.", False, "P1"),
        ("Orders cannot be saved, checkout fails for every customer.", False, "P2"),
        ("The map block on the contacts page is broken.", False, "P3"),
        ("How do I export users to CSV?", False, "P4"),
        ("Unsubscribe: guaranteed top 10 rankings, free audit!", False, "P4"),
    ],
)
def test_priority_mapping(text: str, stability: bool, expected: str) -> None:
    policy = TriagePolicy(lines=(0, 1, 2, 3, 4), stability=stability)
    assert triage(text, policy=policy).priority == expected


def test_stability_bump_is_explained() -> None:
    policy = TriagePolicy(lines=(0, 1, 2, 3), stability=True)
    decision = triage("Весь сайт отдаёт ошибку 500 на всех страницах.", policy=policy)
    assert (decision.request_class, decision.priority) == (3, "P1")
    assert any("Stability" in reason for reason in decision.reasons)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("We are being DDoSed, thousands of requests per second.", "ddosed"),
        ("Нас ддосят второй день, сайт то открывается, то нет.", "ддосят"),
        ("Every page returns 500 since this morning.", "every page"),
        ("Хостинг-провайдер сообщил об аварии в дата-центре.", "дата-центре"),
    ],
)
def test_reasons_name_the_class_and_the_matched_words(text: str, words: str) -> None:
    decision = triage(text)
    first = decision.reasons[0]
    assert first.startswith(f"class {decision.request_class}: ")
    assert f"'{words}'" in first or any(f"'{words}'" in reason for reason in decision.reasons)


@pytest.mark.parametrize(
    ("text", "expected_class"),
    [
        ("Someone defaced our homepage with a political message.", 5),
        ("Someone keeps trying to log in as admin, hundreds of attempts per hour.", 5),
        ("Unknown process eats all CPU on app-02 and comes back, we didn't install it.", 5),
        ("Мы получили письмо, что сайт заражён и помечен как опасный.", 5),
        ("Сервер тормозит, top показывает load average 25.", 2),
        ("The fiber provider cut the line by accident, no connectivity to our office.", 1),
        ("Please remove me from your mailing list.", None),
        ("Ищем подрядчика для мобильного приложения, пришлите портфолио.", None),
    ],
)
def test_structural_rules(text: str, expected_class: int | None) -> None:
    decision = triage(text)
    assert decision.request_class == expected_class, decision.reasons


def test_a_business_word_alone_is_not_an_incident() -> None:
    decision = triage("Перезвоните мне по поводу доставки.")
    assert decision.request_class == 6
    assert "no rule matched" in decision.reasons[0]


def test_security_dominates_server_symptoms() -> None:
    decision = triage("CPU at 100% on web-03: a crypto miner we didn't install keeps restarting.")
    assert (decision.request_class, decision.line) == (5, 2)
    assert any("security incident explains" in reason for reason in decision.reasons)


def test_server_problem_without_admin_access_is_discounted() -> None:
    decision = triage("Switch to the backup, please.")
    assert decision.request_class == 2
    assert any("no sign that we administer" in reason for reason in decision.reasons)


def test_negation_cancels_a_cue() -> None:
    decision = triage("Not a bug, nothing is broken: could you add a color filter to the catalog?")
    assert (decision.request_class, decision.line) == (6, 3)


def test_not_urgent_lowers_class_4_priority() -> None:
    assert triage("Discount is applied twice in the cart.").priority == "P2"
    assert triage("Discount is applied twice in the cart, not urgent.").priority == "P3"


def test_text_without_any_cue_goes_to_a_person() -> None:
    decision = triage("Hello")
    assert (decision.request_class, decision.line, decision.priority) == (6, 1, "P4")
    assert "no rule matched" in decision.reasons[0]


def test_language_and_version_are_reported() -> None:
    assert triage("Сайт не работает, ошибка 500 на всех страницах").language == "ru"
    assert triage("The site is down, error 500 on every page").language == "en"
    assert triage("Hello").rule_set_version == RULE_SET_VERSION


def test_subject_counts_as_evidence() -> None:
    decision = triage("Please have a look.", subject="Brute-force attack on wp-admin")
    assert decision.request_class == 5


@pytest.mark.parametrize("lines", [(), (0, 5), (-1,)])
def test_policy_rejects_impossible_lines(lines: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match="contract lines"):
        TriagePolicy(lines=lines)
